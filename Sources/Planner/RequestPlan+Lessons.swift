import Modbus

extension RequestPlan {
    /// Plans `points` within `limits` narrowed by what the device taught at run time: the points it
    /// refuses alone are left out (and their addresses are never read with their neighbours), and reads
    /// carry no more items than the device was found to accept.
    ///
    /// The narrowed read size never goes below the longest span of overlapping points, which must be read at
    /// once, so the lessons alone never make planning fail.
    /// - Parameters:
    ///   - points: Every point to read, refused ones included.
    ///   - limits: The device map's limits.
    ///   - lessons: What the device taught.
    /// - Returns: The plan.
    /// - Throws: ``PlanningError`` when the points cannot be planned within the map's own limits.
    public static func make(
        points: [PlannedPoint],
        limits: PlannerLimits,
        lessons: PlanLessons
    ) throws(PlanningError) -> RequestPlan {
        guard !lessons.isEmpty else { return try make(points: points, limits: limits) }
        let refused = lessons.refusedPointIDs
        let remaining = points.filter { !refused.contains($0.id) }
        func longestSpan(_ bits: Bool) -> Int {
            let tables = ModbusTable.allCases.filter { $0.holdsBits == bits }
            return tables.flatMap { table in
                PointGroup.groups(of: remaining.filter { $0.table == table && $0.isAddressable }).map(\.count)
            }.max() ?? 1
        }
        let narrowed = lessons.limits(
            applying: limits,
            registerFloor: longestSpan(false),
            bitFloor: longestSpan(true)
        )
        return try make(points: remaining, limits: narrowed)
    }

    /// A refused read split in two halves of its point groups, each half as short as the split allows,
    /// to find what the device refuses by bisection: a read-size limit (both halves answer) or an address
    /// (one half is refused again, and split again, down to a single point).
    /// - Parameter read: A read of this plan.
    /// - Returns: The two halves in address order, or none when `read` serves a single point or set of
    ///   overlapping points.
    public func bisecting(_ read: PlannedRead) -> [PlannedRead] {
        let groups = PointGroup.groups(of: read.pointIDs.compactMap(point))
        guard groups.count > 1 else { return [] }
        var best = 1
        var bestSpan = Int.max
        for split in 1..<groups.count {
            let left = groups[split - 1].last - groups[0].first + 1
            let right = groups[groups.count - 1].last - groups[split].first + 1
            if max(left, right) < bestSpan {
                best = split
                bestSpan = max(left, right)
            }
        }
        return [
            Self.read(of: Array(groups[..<best]), in: read.table),
            Self.read(of: Array(groups[best...]), in: read.table),
        ]
    }

    /// Reads of the points `ids` only, one per point (or set of overlapping points), as a device that
    /// refused them is asked again.
    /// - Parameters:
    ///   - ids: Points of this plan's source.
    ///   - all: Every planned point, refused ones included.
    /// - Returns: The reads, in table and address order.
    public static func reads(alone ids: Set<String>, of all: [PlannedPoint]) -> [PlannedRead] {
        ModbusTable.allCases.flatMap { table in
            PointGroup.groups(of: all.filter { $0.table == table && ids.contains($0.id) && $0.isAddressable })
                .map { read(of: [$0], in: table) }
        }
    }
}

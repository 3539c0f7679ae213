import Modbus

/// The Modbus read requests that poll a device's points.
public struct RequestPlan: Sendable, Hashable {
    /// The reads, ordered by table (coil, discrete, holding, input: `ModbusTable.allCases` order), then address.
    public var reads: [PlannedRead]

    /// The planned points in id order (ids unique), so later changes know every point's span: an
    /// array, not a dictionary (a plan is kept per device for the whole run; ``point(_:)`` searches it).
    var points: [PlannedPoint]

    /// The limits the plan was made within.
    var limits: PlannerLimits

    init(reads: [PlannedRead], points: [PlannedPoint], limits: PlannerLimits) {
        self.reads = reads
        self.points = points
        self.limits = limits
    }

    /// The planned point with this id.
    func point(_ id: String) -> PlannedPoint? {
        points.element(withID: id) { $0.id }
    }

    /// Plans the fewest reads covering every point within `limits`.
    ///
    /// Each table is planned on its own. Overlapping points form a group that always shares one read. Groups are
    /// taken in address order and greedily joined to the current read while the unread gap between them is at most
    /// `limits.maxGap`, no address of the gap or the group is forbidden, and the read stays within the table's
    /// maximum count; otherwise the group starts a new read. With `limits.singleRegister`, groups are never joined.
    ///
    /// The greedy plan has the fewest reads: whether one read may carry groups `i...j` only gets easier as the
    /// range narrows (a shorter span, fewer gaps, fewer addresses to be forbidden), so if some plan's first `k`
    /// reads carry groups `1...m`, the greedy plan's first `k` reads carry at least groups `1...m` too (by induction
    /// on `k`), and the greedy plan never needs more reads than any other.
    ///
    /// - Parameters:
    ///   - points: The points to read, in any order; their ids are unique.
    ///   - limits: The device's limits.
    /// - Returns: The plan; the same points in any order give the same plan.
    /// - Throws: ``PlanningError`` listing every point that cannot be read within `limits`.
    public static func make(points: [PlannedPoint], limits: PlannerLimits) throws(PlanningError) -> RequestPlan {
        var errors: [PlanningError.Kind] = []
        var details: [String: PlanningError.Detail] = [:]
        var reads: [PlannedRead] = []
        for table in ModbusTable.allCases {
            let maximum = limits.maximumCount(for: table)
            let tablePoints = points.filter { $0.table == table }.sorted(by: PointGroup.precedes)
            var addressable: [PlannedPoint] = []
            for point in tablePoints {
                guard point.isAddressable else {
                    errors.append(.addressOverflow(id: point.id))
                    details[point.id] = .init(point: point)
                    continue
                }
                addressable.append(point)
                if point.count > maximum {
                    errors.append(.pointTooLarge(id: point.id, count: point.count, maximum: maximum))
                    details[point.id] = .init(point: point)
                }
                if let address = limits.firstForbiddenAddress(in: point.addresses, of: table) {
                    errors.append(.forbiddenAddress(id: point.id, table: table, address: address))
                    details[point.id] = .init(point: point)
                }
            }
            let groups = PointGroup.groups(of: addressable)
            for group in groups where group.count > maximum && group.points.allSatisfy({ $0.count <= maximum }) {
                let longest = group.points.max { $0.count < $1.count || ($0.count == $1.count && $0.id > $1.id) }!
                errors.append(.pointTooLarge(id: longest.id, count: group.count, maximum: maximum))
                let others = group.points.map(\.id).filter { $0 != longest.id }
                details[longest.id] = .init(point: longest, overlapping: others)
            }
            if errors.isEmpty {
                reads += plannedReads(for: groups, in: table, within: limits)
            }
        }
        guard errors.isEmpty else {
            throw PlanningError(errors: errors, details: details)
        }
        // In id order, the first of equal ids kept (the sort is stable).
        var byID: [PlannedPoint] = []
        byID.reserveCapacity(points.count)
        for point in points.sorted(by: { $0.id < $1.id }) where byID.last?.id != point.id { byID.append(point) }
        return RequestPlan(reads: reads, points: byID, limits: limits)
    }

    /// After a device answered "illegal data address" (exception 02) to `read`: the same plan with that read
    /// replaced by one read per point group, each point (or set of overlapping points) alone, reading only its
    /// own span, so the bad point is isolated and the others keep polling.
    ///
    /// A read that already serves a single point or overlap group, or that is not part of this plan, is returned
    /// unchanged.
    /// - Parameter read: A read of this plan that the device refused.
    /// - Returns: The plan with `read` split; every other read is untouched.
    public func splitting(_ read: PlannedRead) -> RequestPlan {
        guard let index = reads.firstIndex(of: read) else { return self }
        let groups = PointGroup.groups(of: read.pointIDs.compactMap(point))
        guard groups.count > 1 else { return self }
        var plan = self
        plan.reads.replaceSubrange(index...index, with: groups.map { Self.read(of: [$0], in: read.table) })
        return plan
    }

    /// The plan without the points `ids` (a point isolated as a configuration error).
    ///
    /// Reads left with no points are dropped; the others shrink to the span of their remaining points. Where a
    /// removed point leaves a gap wider than the device's `maxGap` inside a read (or, for a `singleRegister`
    /// device, separates overlap groups), the read is split there, so the plan stays within its limits.
    /// - Parameter ids: The points to stop reading.
    /// - Returns: The plan without those points.
    public func removing(pointIDs ids: Set<String>) -> RequestPlan {
        var plan = self
        plan.points = points.filter { !ids.contains($0.id) }
        plan.reads = reads.flatMap { read -> [PlannedRead] in
            guard read.pointIDs.contains(where: ids.contains) else { return [read] }
            let remaining = read.pointIDs.filter { !ids.contains($0) }.compactMap(point)
            let groups = PointGroup.groups(of: remaining)
            var pieces: [[PointGroup]] = []
            for group in groups {
                if !limits.singleRegister, let previous = pieces.last?.last,
                    group.first - previous.last - 1 <= limits.gapAllowance
                {
                    pieces[pieces.count - 1].append(group)
                } else {
                    pieces.append([group])
                }
            }
            return pieces.map { Self.read(of: $0, in: read.table) }
        }
        return plan
    }

    /// The read that serves a point, if any.
    /// - Parameter pointID: The point's id.
    /// - Returns: The read whose ``PlannedRead/pointIDs`` holds `pointID`, or `nil`.
    public func read(serving pointID: String) -> PlannedRead? {
        reads.first { $0.pointIDs.contains(pointID) }
    }

    /// Greedily joins the groups of one table, in address order, into reads.
    private static func plannedReads(
        for groups: [PointGroup],
        in table: ModbusTable,
        within limits: PlannerLimits
    ) -> [PlannedRead] {
        let maximum = limits.maximumCount(for: table)
        var batches: [[PointGroup]] = []
        for group in groups {
            if !limits.singleRegister, let batch = batches.last, let start = batch.first?.first,
                let previous = batch.last,
                group.first - previous.last - 1 <= limits.gapAllowance,
                group.last - start + 1 <= maximum,
                limits.firstForbiddenAddress(in: start...group.last, of: table) == nil
            {
                batches[batches.count - 1].append(group)
            } else {
                batches.append([group])
            }
        }
        return batches.map { read(of: $0, in: table) }
    }

    /// The read covering `groups`, which are in address order.
    static func read(of groups: [PointGroup], in table: ModbusTable) -> PlannedRead {
        let first = groups.first!.first
        let last = groups.last!.last
        let ids = groups.flatMap(\.points).sorted(by: PointGroup.precedes).map(\.id)
        return PlannedRead(table: table, address: first, count: last - first + 1, pointIDs: ids)
    }
}

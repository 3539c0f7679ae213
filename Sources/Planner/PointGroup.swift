/// Points of one table whose spans overlap, directly or through one another: they are always read together.
struct PointGroup: Sendable, Hashable {
    /// The group's points in (address, id) order.
    var points: [PlannedPoint]
    /// The first address any of the points occupies.
    var first: Int
    /// The last address any of the points occupies.
    var last: Int

    /// The number of addresses from ``first`` to ``last``.
    var count: Int { last - first + 1 }

    /// Starts a group with one point.
    init(_ point: PlannedPoint) {
        points = [point]
        first = point.address
        last = point.lastAddress
    }

    /// Splits points of one table into overlap groups, in address order.
    ///
    /// Points that only touch (one ends right before the next begins) are separate groups: they may go to
    /// different reads.
    static func groups(of points: [PlannedPoint]) -> [PointGroup] {
        var groups: [PointGroup] = []
        for point in points.sorted(by: PointGroup.precedes) {
            if let lastGroup = groups.last, point.address <= lastGroup.last {
                groups[groups.count - 1].points.append(point)
                groups[groups.count - 1].last = max(lastGroup.last, point.lastAddress)
            } else {
                groups.append(PointGroup(point))
            }
        }
        return groups
    }

    /// The (address, id) order of points within a read.
    static func precedes(_ lhs: PlannedPoint, _ rhs: PlannedPoint) -> Bool {
        (lhs.address, lhs.id) < (rhs.address, rhs.id)
    }
}

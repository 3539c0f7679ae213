import Modbus
import Planner

/// A slow, obviously correct planner used to check the real one's read count.
///
/// Reads cover consecutive addresses and a point must lie wholly inside one read, so every read starts at some
/// point's first address and ends at some point's last address. A read `a...b` is allowed when it carries at most
/// the table's maximum, reads no forbidden address, cuts no point in two, leaves no run of unpointed addresses
/// longer than `maxGap`, and (for `singleRegister`) reads a single overlap group: every two neighbouring addresses
/// lie in one common point. The fewest allowed reads covering all points are found by dynamic programming over
/// the points' first addresses: the first read starts at the lowest one and may end at any point's last address.
enum ReferencePlanner {
    /// The fewest reads that cover `points`, or `nil` when no plan can.
    static func minimumReads(points: [PlannedPoint], limits: PlannerLimits) -> Int? {
        var total = 0
        for table in ModbusTable.allCases {
            guard let reads = minimumReads(points: points.filter { $0.table == table }, table: table, limits: limits)
            else { return nil }
            total += reads
        }
        return total
    }

    /// The fewest reads of one table.
    static func minimumReads(points: [PlannedPoint], table: ModbusTable, limits: PlannerLimits) -> Int? {
        let starts = Set(points.map(\.address)).sorted()
        let ends = Set(points.map(\.addresses.upperBound)).sorted()
        var memo: [Int: Int?] = [:]

        func fewest(from index: Int) -> Int? {
            if index == starts.count { return 0 }
            if let known = memo[index] { return known }
            var best: Int?
            for end in ends where end >= starts[index] && isAllowed(starts[index]...end) {
                let next = starts.firstIndex { $0 > end } ?? starts.count
                if let rest = fewest(from: next) {
                    best = min(best ?? Int.max, rest + 1)
                }
            }
            memo[index] = best
            return best
        }

        func isAllowed(_ read: ClosedRange<Int>) -> Bool {
            guard read.count <= limits.maximumCount(for: table) else { return false }
            guard read.lowerBound >= 0, read.upperBound <= 65535 else { return false }
            if (limits.forbidden[table] ?? []).contains(where: { $0.overlaps(read) }) { return false }
            let inside = points.filter { $0.addresses.overlaps(read) }
            if inside.contains(where: { $0.address < read.lowerBound || $0.addresses.upperBound > read.upperBound }) {
                return false
            }
            var unpointedRun = 0
            for address in read {
                if inside.contains(where: { $0.addresses.contains(address) }) {
                    unpointedRun = 0
                } else {
                    unpointedRun += 1
                    if unpointedRun > max(limits.maxGap, 0) { return false }
                }
            }
            if limits.singleRegister {
                for address in read.dropLast() {
                    let joined = inside.contains {
                        $0.addresses.contains(address) && $0.addresses.contains(address + 1)
                    }
                    if !joined { return false }
                }
            }
            return true
        }

        return fewest(from: 0)
    }

    /// The number of overlap groups in one table: sets of points chained by shared addresses.
    static func groupCount(points: [PlannedPoint]) -> Int {
        var parent = Array(points.indices)
        func root(_ index: Int) -> Int {
            var index = index
            while parent[index] != index { index = parent[index] }
            return index
        }
        for first in points.indices {
            for second in points.indices where second > first && points[first].table == points[second].table {
                if points[first].addresses.overlaps(points[second].addresses) {
                    parent[root(first)] = root(second)
                }
            }
        }
        return Set(points.indices.map(root)).count
    }
}

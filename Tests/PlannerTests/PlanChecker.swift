import Modbus
import Planner

/// Checks reads against the planner's guarantees and lists every broken one.
enum PlanChecker {
    /// The guarantees `reads` break for `points` within `limits`; empty when all hold.
    static func violations(of reads: [PlannedRead], points: [PlannedPoint], limits: PlannerLimits) -> [String] {
        var problems: [String] = []
        let byID = Dictionary(points.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

        // 1. Every point is served by exactly one read, which holds its whole span.
        for point in points {
            let serving = reads.filter { $0.pointIDs.contains(point.id) }
            if serving.count != 1 {
                problems.append("point \(point.id) is served by \(serving.count) reads")
            }
            for read in serving where read.table != point.table || !read.addresses.contains(point.addresses) {
                problems.append("\(read) does not hold point \(point.id) at \(point.table) \(point.addresses)")
            }
        }
        for read in reads {
            for id in read.pointIDs where byID[id] == nil {
                problems.append("\(read) serves unknown point \(id)")
            }
            let served = read.pointIDs.compactMap { byID[$0] }
            let ordered = served.sorted { ($0.address, $0.id) < ($1.address, $1.id) }
            if served != ordered { problems.append("\(read) lists its points out of (address, id) order") }
            if served.isEmpty { problems.append("\(read) serves no point") }

            // 2. Within the table's maximum, no forbidden address, within 0...65535.
            if read.count < 1 || read.count > limits.maximumCount(for: read.table) {
                problems.append("\(read) carries \(read.count), at most \(limits.maximumCount(for: read.table))")
            }
            if (limits.forbidden[read.table] ?? []).contains(where: { $0.overlaps(read.addresses) }) {
                problems.append("\(read) reads a forbidden address")
            }
            if read.address < 0 || read.addresses.upperBound > 65535 {
                problems.append("\(read) reads outside 0...65535")
            }

            // 3. Every unpointed address belongs to a gap of at most maxGap between groups.
            var run = 0
            for address in read.addresses {
                if served.contains(where: { $0.addresses.contains(address) }) {
                    run = 0
                } else {
                    run += 1
                    if address == read.address || address == read.addresses.upperBound {
                        problems.append("\(read) reads unpointed address \(address) at its edge")
                    }
                    if run > max(limits.maxGap, 0) {
                        problems.append("\(read) reads a gap longer than \(limits.maxGap) ending at \(address)")
                    }
                }
            }
            if limits.singleRegister, ReferencePlanner.groupCount(points: served) > 1 {
                problems.append("\(read) joins several groups though the device reads single spans")
            }
        }

        // Tables in ModbusTable.allCases order, then ascending, non-overlapping addresses.
        let tableOrder = ModbusTable.allCases
        for (earlier, later) in zip(reads, reads.dropFirst()) {
            let earlierTable = tableOrder.firstIndex(of: earlier.table)!
            let laterTable = tableOrder.firstIndex(of: later.table)!
            if earlierTable > laterTable
                || (earlierTable == laterTable && earlier.addresses.upperBound >= later.address)
            {
                problems.append("\(earlier) and \(later) are out of order or overlap")
            }
        }
        return problems
    }
}

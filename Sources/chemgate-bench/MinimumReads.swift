import Modbus
import Planner

/// The fewest reads that cover a set of points, computed independently of ``RequestPlan``: an exact
/// dynamic programme over the points' address spans sorted by address.
///
/// Overlapping points must share a read (they are merged into one span first). A read covers
/// consecutive spans when its length is within the device's maximum, every hole between
/// neighbouring spans is at most `maxGap` addresses, no forbidden address lies inside, and (with
/// `singleRegister`) it covers one span only. `reads[j]` is the minimum over every feasible last
/// read `i..<j` of `reads[i] + 1`: O(n²) per table, exact.
enum MinimumReads {
    /// The minimum number of reads, or nil when a span alone exceeds the limits (no plan exists).
    static func count(points: [PlannedPoint], limits: PlannerLimits) -> Int? {
        var total = 0
        for table in ModbusTable.allCases {
            let spans = mergedSpans(points.filter { $0.table == table }.map(\.addresses))
            guard !spans.isEmpty else { continue }
            guard let reads = count(spans: spans, table: table, limits: limits) else { return nil }
            total += reads
        }
        return total
    }

    static func mergedSpans(_ ranges: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
        var spans: [ClosedRange<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = spans.last, range.lowerBound <= last.upperBound {
                spans[spans.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                spans.append(range)
            }
        }
        return spans
    }

    private static func count(spans: [ClosedRange<Int>], table: ModbusTable, limits: PlannerLimits) -> Int? {
        let maximum = min(max(table.holdsBits ? limits.maxBits : limits.maxRegisters, 1), table.maximumReadCount)
        let forbidden = limits.forbidden[table] ?? []
        let unreachable = Int.max
        var reads = [Int](repeating: unreachable, count: spans.count + 1)
        reads[0] = 0
        for end in 1...spans.count {
            // The last read covers spans first..<end; widen it backwards while it stays feasible.
            var first = end - 1
            while first >= 0 {
                let covered = spans[first].lowerBound...spans[end - 1].upperBound
                guard covered.count <= maximum, !forbidden.contains(where: { $0.overlaps(covered) }) else { break }
                if first < end - 1 {
                    guard !limits.singleRegister,
                        spans[first + 1].lowerBound - spans[first].upperBound - 1 <= max(limits.maxGap, 0)
                    else { break }
                }
                if reads[first] != unreachable { reads[end] = min(reads[end], reads[first] + 1) }
                first -= 1
            }
            if reads[end] == unreachable { return nil }
        }
        return reads[spans.count]
    }
}

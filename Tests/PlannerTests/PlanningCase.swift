import Modbus
import Planner
import PropertyBased

/// One randomly generated device: its points, its limits, and a seed to shuffle the points with.
struct PlanningCase: Sendable, CustomStringConvertible {
    var points: [PlannedPoint]
    var limits: PlannerLimits
    var shuffleSeed: UInt64

    /// The points in another order, fixed by ``shuffleSeed``.
    var shuffledPoints: [PlannedPoint] {
        var generator = SplitMix64(state: shuffleSeed)
        return points.shuffled(using: &generator)
    }

    var description: String {
        let pointList = points.map { "(\($0.id) \($0.table) \($0.address)+\($0.count))" }.joined(separator: " ")
        return "points: \(pointList); maxRegisters \(limits.maxRegisters), maxBits \(limits.maxBits), "
            + "maxGap \(limits.maxGap), singleRegister \(limits.singleRegister), forbidden \(limits.forbidden)"
    }

    /// Random points in all four tables at addresses 0...600 (packed into a random, often narrow, window so reads
    /// hit their limits), counts 1...4, random limits, and a few forbidden ranges that overlap no point.
    static let generator = zip(
        zip(Gen.int(in: 0...3), Gen.int(in: 0...600), Gen.int(in: 1...4)).array(of: 0...40),
        zip(Gen.int(in: 0...3), Gen.int(in: 0...600), Gen.int(in: 0...6)).array(of: 0...6),
        zip(Gen.int(in: 1...125), Gen.int(in: 1...200), Gen.int(in: 0...10), Gen.int(in: 0...5)),
        zip(Gen.int(in: 10...600), Gen.uint64(in: 0...UInt64.max))
    )
    .map { rawPoints, rawForbidden, rawLimits, rawShape in
        let (maxRegisters, maxBits, maxGap, singleRegisterRoll) = rawLimits
        let (window, shuffleSeed) = rawShape
        var limits = PlannerLimits(
            maxRegisters: maxRegisters,
            maxBits: maxBits,
            maxGap: maxGap,
            singleRegister: singleRegisterRoll == 0
        )
        let points = rawPoints.enumerated().map { index, raw in
            let table = ModbusTable.allCases[raw.0]
            let count = min(raw.2, limits.maximumCount(for: table))
            return PlannedPoint(id: "p\(index)", table: table, address: raw.1 % (window + 1), count: count)
        }
        for (tableIndex, start, length) in rawForbidden {
            let table = ModbusTable.allCases[tableIndex]
            let range = start % (window + 1)...start % (window + 1) + length
            if !points.contains(where: { $0.table == table && $0.addresses.overlaps(range) }) {
                limits.forbidden[table, default: []].append(range)
            }
        }
        return PlanningCase(points: points, limits: limits, shuffleSeed: shuffleSeed)
    }

    /// Contiguous maps of single-item points: per table, 0...300 points from a random base address, random limits.
    static let contiguousGenerator = zip(
        Gen.int(in: 0...300).array(of: 4),
        Gen.int(in: 0...60_000).array(of: 4),
        Gen.int(in: 1...125),
        Gen.int(in: 1...2000)
    )
    .map { counts, bases, maxRegisters, maxBits in
        let points = ModbusTable.allCases.enumerated().flatMap { index, table in
            singles("\(table)", table, from: bases[index], count: counts[index])
        }
        return PlanningCase(
            points: points,
            limits: PlannerLimits(maxRegisters: maxRegisters, maxBits: maxBits),
            shuffleSeed: UInt64(counts.reduce(0, +))
        )
    }
}

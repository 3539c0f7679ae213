import Modbus
import Planner

/// A point for hand-written examples.
func point(_ id: String, _ table: ModbusTable = .holding, at address: Int, count: Int = 1) -> PlannedPoint {
    PlannedPoint(id: id, table: table, address: address, count: count)
}

/// `count` single-item points at consecutive addresses from `address`, named `prefix000`, `prefix001`, ….
func singles(_ prefix: String, _ table: ModbusTable = .holding, from address: Int, count: Int) -> [PlannedPoint] {
    (0..<count).map { index in
        let digits = String(index)
        let name = prefix + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
        return point(name, table, at: address + index)
    }
}

/// The reads' spans, e.g. `["holding 0..15"]`.
func spans(_ plan: RequestPlan) -> [String] {
    plan.reads.map { "\($0.table) \($0.addresses.lowerBound)..\($0.addresses.upperBound)" }
}

/// The reads' point ids.
func pointIDs(_ plan: RequestPlan) -> [[String]] {
    plan.reads.map(\.pointIDs)
}

/// A small deterministic random number generator (SplitMix64) for shuffling in tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

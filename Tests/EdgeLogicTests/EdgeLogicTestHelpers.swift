import EdgeLogic
import GatewayCore

extension AlarmTransition {
    static func raised(_ level: AlarmLevel, limit: Double?, value: Double?) -> AlarmTransition {
        AlarmTransition(kind: .raised, level: level, limit: limit, value: value)
    }

    static func cleared(_ level: AlarmLevel, limit: Double?, value: Double?) -> AlarmTransition {
        AlarmTransition(kind: .cleared, level: level, limit: limit, value: value)
    }

    static func suppressed(_ level: AlarmLevel, limit: Double?, value: Double?) -> AlarmTransition {
        AlarmTransition(kind: .suppressed, level: level, limit: limit, value: value)
    }
}

extension AlarmEvaluator {
    /// Feeds a good, unsuppressed value at `seconds`.
    mutating func good(_ value: Double?, at seconds: Double = 0) -> [AlarmTransition] {
        update(value: value, quality: .good, suppressed: false, at: .seconds(seconds))
    }
}

/// A small deterministic generator (SplitMix64) for property tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Calls `ChangeFilter.shouldReport` outside `#expect`'s decomposition (which cannot call mutating members).
func report(_ filter: inout ChangeFilter, _ value: Value?, quality: Quality) -> Bool {
    filter.shouldReport(value, quality: quality)
}

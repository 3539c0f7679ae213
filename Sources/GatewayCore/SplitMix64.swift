/// A tiny, fast, seeded pseudo-random generator (SplitMix64, Steele/Lea/Flood 2014).
///
/// Deterministic for a given seed, which makes jittered backoff reproducible in tests and simulations.
/// Not cryptographically secure.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    /// The internal state; advances by a fixed odd constant on every draw.
    public private(set) var state: UInt64

    /// Creates a generator whose sequence is fully determined by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// Returns the next 64 pseudo-random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Capped exponential backoff with jitter for reconnecting a TCP link.
///
/// Jitter style: *proportional (symmetric) jitter*. After `n` failures the un-jittered base delay is
/// `initial × multiplier^(n−1)`, capped at `maximum`; the actual delay is drawn uniformly (to the attosecond)
/// from `[base − spread, base + spread]` where `spread = base × jitter`. Unlike AWS "full jitter" the delay
/// never collapses towards zero, and unlike AWS "equal jitter" (`base/2 + random(0, base/2)`) it is centred on
/// the base, so the average delay equals the documented base delay. Jitter de-synchronises many gateways
/// reconnecting to the same device after a shared outage.
///
/// Guarantees: the delay lies in `[base × (1 − jitter), base × (1 + jitter)]`, never exceeds
/// `maximum × (1 + jitter)` and is never negative. Huge failure counts cannot overflow.
///
/// All times are `Duration`s since an arbitrary, caller-chosen origin; the type never reads a clock.
public struct ReconnectBackoff: Sendable, Hashable {
    /// Base delay after the first failure (clamped into `0...maximum`).
    public let initial: Duration
    /// Cap on the base delay (never negative).
    public let maximum: Duration
    /// Growth factor per failure (at least 1; NaN is treated as 1).
    public let multiplier: Double
    /// Jitter as a fraction of the base delay, clamped into `0...1` (NaN is treated as 0).
    ///
    /// Internally the fraction is used in parts per billion, rounded down.
    public let jitter: Double

    /// Jitter in parts per billion, rounded down so the spread never exceeds `base × jitter`.
    private let jitterPartsPerBillion: Int128

    /// Failed connection attempts since the last success (saturates at `Int.max`).
    public private(set) var failures: Int = 0

    /// Creates a backoff with no recorded failures.
    ///
    /// - Parameters:
    ///   - initial: Base delay after the first failure; negative values become zero, values above `maximum`
    ///     become `maximum`.
    ///   - maximum: Cap on the base delay; negative values become zero.
    ///   - multiplier: Growth factor per failure; values below 1 (or NaN) become 1.
    ///   - jitter: ± fraction of the delay; clamped into `0...1`, NaN becomes 0.
    public init(
        initial: Duration = .milliseconds(500),
        maximum: Duration = .seconds(30),
        multiplier: Double = 2,
        jitter: Double = 0.2
    ) {
        let cap = max(maximum, .zero)
        self.maximum = cap
        self.initial = min(max(initial, .zero), cap)
        self.multiplier = multiplier >= 1 ? multiplier : 1
        let fraction = jitter.isNaN ? 0 : min(max(jitter, 0), 1)
        self.jitter = fraction
        self.jitterPartsPerBillion = Int128((fraction * 1_000_000_000).rounded(.down))
    }

    /// Records a failed connection attempt at `time` and returns the earliest time the next attempt may start.
    ///
    /// The returned time is `time` plus the jittered delay for the new failure count.
    public mutating func failed(at time: Duration, random: inout some RandomNumberGenerator) -> Duration {
        if failures < Int.max { failures += 1 }
        let base = baseDelay(afterFailures: failures).attoseconds
        let (high, low) = base.multipliedFullWidth(by: jitterPartsPerBillion)
        // spread = ⌊base × ppb / 10⁹⌋ ≤ base, so the quotient always fits.
        let spread = Int128(1_000_000_000).dividingFullWidth((high, low)).quotient
        let delay = Int128.random(in: (base - spread)...(base + spread), using: &random)
        return time + Duration(attoseconds: delay)
    }

    /// Records a successful connection: the next failure starts again from `initial`.
    public mutating func succeeded() {
        failures = 0
    }

    /// The un-jittered delay after `failures` failures: initial × multiplier^(failures−1), capped at maximum
    /// (0 for no failures).
    public func baseDelay(afterFailures failures: Int) -> Duration {
        guard failures > 0, initial > .zero else { return .zero }
        let factor = Self.power(multiplier, failures - 1)
        let scaled = Double(initial.attoseconds) * factor
        let cap = maximum.attoseconds
        // `scaled` may be +∞ for huge counts; the comparison handles that before any integer conversion.
        guard scaled < Double(cap) else { return maximum }
        return Duration(attoseconds: min(Int128(scaled), cap))
    }

    /// `base` raised to a non-negative integer `exponent` by repeated squaring (O(log exponent), may yield +∞).
    private static func power(_ base: Double, _ exponent: Int) -> Double {
        var result = 1.0
        var square = base
        var remaining = exponent
        while remaining > 0 {
            if remaining & 1 == 1 { result *= square }
            remaining >>= 1
            if remaining > 0 { square *= square }
        }
        return result
    }
}

import GatewayCore
import Polling
import Testing

@Suite struct ReconnectBackoffTests {
    @Test func baseDelaysDoubleAndCap() {
        let backoff = ReconnectBackoff()
        let expected: [Duration] = [
            .zero, .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16),
            .seconds(30), .seconds(30), .seconds(30),
        ]
        for (failures, delay) in expected.enumerated() {
            #expect(backoff.baseDelay(afterFailures: failures) == delay, "after \(failures) failures")
        }
        #expect(backoff.baseDelay(afterFailures: -3) == .zero)
    }

    @Test func jitteredDelaysStayWithinBounds() {
        var backoff = ReconnectBackoff()  // 0.5 s … 30 s, ×2, ±20 %
        var rng = SplitMix64(seed: 0xC0FF_EE00)
        let ceiling = Duration.seconds(30).attoseconds * 6 / 5
        var sawBelow = false
        var sawAbove = false
        for round in 0..<2_000 {
            let now = Duration.seconds(round)
            let next = backoff.failed(at: now, random: &rng)
            let delay = (next - now).attoseconds
            let base = backoff.baseDelay(afterFailures: backoff.failures).attoseconds
            // All base delays are multiples of 5 as, so these bounds are exact.
            #expect(delay >= base * 4 / 5)
            #expect(delay <= base * 6 / 5)
            #expect(delay <= ceiling)
            #expect(delay >= 0)
            sawBelow = sawBelow || delay < base
            sawAbove = sawAbove || delay > base
            if round % 12 == 11 { backoff.succeeded() }
        }
        #expect(sawBelow && sawAbove, "jitter must actually spread the delays")
    }

    @Test func failedCountsAndReturnsTimePlusDelay() {
        var backoff = ReconnectBackoff(initial: .seconds(1), maximum: .seconds(60), multiplier: 3, jitter: 0)
        var rng = SplitMix64(seed: 1)
        #expect(backoff.failures == 0)
        #expect(backoff.failed(at: .seconds(100), random: &rng) == .seconds(101))
        #expect(backoff.failed(at: .seconds(200), random: &rng) == .seconds(203))
        #expect(backoff.failed(at: .seconds(300), random: &rng) == .seconds(309))
        #expect(backoff.failed(at: .seconds(400), random: &rng) == .seconds(427))
        #expect(backoff.failed(at: .seconds(500), random: &rng) == .seconds(560))
        #expect(backoff.failures == 5)
    }

    @Test func succeededResets() {
        var backoff = ReconnectBackoff(jitter: 0)
        var rng = SplitMix64(seed: 2)
        for _ in 0..<6 { _ = backoff.failed(at: .zero, random: &rng) }
        #expect(backoff.failures == 6)
        backoff.succeeded()
        #expect(backoff.failures == 0)
        #expect(backoff.failed(at: .seconds(7), random: &rng) == .seconds(7) + .milliseconds(500))
    }

    @Test func hugeFailureCountsDoNotOverflow() {
        var backoff = ReconnectBackoff()
        var rng = SplitMix64(seed: 3)
        var last = Duration.zero
        for _ in 0..<10_000 {
            last = backoff.failed(at: .zero, random: &rng)
        }
        #expect(backoff.failures == 10_000)
        #expect(backoff.baseDelay(afterFailures: 10_000) == .seconds(30))
        #expect(backoff.baseDelay(afterFailures: Int.max) == .seconds(30))
        #expect(last >= .seconds(24) && last <= .seconds(36))
        let steep = ReconnectBackoff(multiplier: .greatestFiniteMagnitude)
        #expect(steep.baseDelay(afterFailures: 10_000) == .seconds(30))
    }

    @Test func sameSeedSameDelays() {
        func draws(seed: UInt64) -> [Duration] {
            var backoff = ReconnectBackoff()
            var rng = SplitMix64(seed: seed)
            return (0..<20).map { _ in backoff.failed(at: .zero, random: &rng) }
        }
        #expect(draws(seed: 42) == draws(seed: 42))
        #expect(draws(seed: 42) != draws(seed: 43))
    }

    @Test func parametersAreClamped() {
        let backoff = ReconnectBackoff(initial: .seconds(90), maximum: .seconds(30), multiplier: 0.5, jitter: 7)
        #expect(backoff.initial == .seconds(30))
        #expect(backoff.multiplier == 1)
        #expect(backoff.jitter == 1)
        let negative = ReconnectBackoff(initial: .seconds(-1), maximum: .seconds(-5), multiplier: .nan, jitter: -.nan)
        #expect(negative.initial == .zero && negative.maximum == .zero)
        #expect(negative.multiplier == 1 && negative.jitter == 0)
        #expect(negative.baseDelay(afterFailures: 4) == .zero)
    }

    @Test func fullJitterNeverGoesNegative() {
        var backoff = ReconnectBackoff(initial: .seconds(1), maximum: .seconds(1), multiplier: 2, jitter: 1)
        var rng = SplitMix64(seed: 4)
        for _ in 0..<1_000 {
            let delay = backoff.failed(at: .zero, random: &rng)
            #expect(delay >= .zero && delay <= .seconds(2))
        }
    }
}

@Suite struct SplitMix64Tests {
    @Test func matchesReferenceSequence() {
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(rng.next() == 0x06C4_5D18_8009_454F)
    }
}

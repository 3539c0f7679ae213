import EdgeLogic
import GatewayCore
import Testing

/// Random value/quality/suppression sequences checked against a straightforward reference model.
@Suite("AlarmEvaluator properties")
struct AlarmEvaluatorPropertyTests {
    /// One level of the reference model: recomputed from the full history at each step.
    struct Reference {
        let level: AlarmLevel
        let limit: Double
        let isHigh: Bool
        var active = false
        var since: Duration?
        /// Active when suppression began; cleared once the value is past its clear condition after it.
        var hidden = false

        mutating func step(
            value: Double?,
            usable: Bool,
            suppressed: Bool,
            time: Duration,
            settings: AlarmSettings
        ) -> AlarmTransition? {
            if suppressed {
                since = nil
                guard active else { return nil }
                active = false
                hidden = true
                return AlarmTransition(kind: .suppressed, level: level, limit: limit, value: usable ? value : nil)
            }
            guard usable, let value else {
                since = nil
                return nil
            }
            let deadband = max(settings.deadband, 0)
            if hidden, !active, !(isHigh ? value >= limit : value <= limit) {
                since = nil
                guard isHigh ? value < limit - deadband : value > limit + deadband else { return nil }
                hidden = false
                return AlarmTransition(kind: .cleared, level: level, limit: limit, value: value)
            }
            let holds: Bool
            if active {
                holds = isHigh ? value < limit - deadband : value > limit + deadband
            } else {
                holds = isHigh ? value >= limit : value <= limit
            }
            guard holds else {
                since = nil
                return nil
            }
            let start = since ?? time
            guard time - start >= (active ? settings.offDelay : settings.onDelay) else {
                since = start
                return nil
            }
            since = nil
            hidden = false
            active.toggle()
            return AlarmTransition(kind: active ? .raised : .cleared, level: level, limit: limit, value: value)
        }
    }

    static func randomSettings(using rng: inout SplitMix64) -> AlarmSettings {
        func maybe(_ value: Double) -> Double? { Bool.random(using: &rng) ? value : nil }
        let limits = (0..<4).map { _ in Double(Int.random(in: 0...20, using: &rng)) }.sorted()
        return AlarmSettings(
            lowLow: maybe(limits[0]),
            low: maybe(limits[1]),
            high: maybe(limits[2]),
            highHigh: maybe(limits[3]),
            gasLevels: Bool.random(using: &rng),
            deadband: Double(Int.random(in: 0...4, using: &rng)) / 2,
            onDelay: .seconds(Int.random(in: 0...3, using: &rng)),
            offDelay: .seconds(Int.random(in: 0...3, using: &rng))
        )
    }

    @Test("matches the reference model and keeps its invariants", arguments: 0..<200)
    func matchesReference(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let settings = Self.randomSettings(using: &rng)
        var evaluator = AlarmEvaluator(settings: settings)
        var model: [Reference] = []
        if let limit = settings.lowLow { model.append(Reference(level: .lowLow, limit: limit, isHigh: false)) }
        if let limit = settings.low { model.append(Reference(level: .low, limit: limit, isHigh: false)) }
        if let limit = settings.high {
            model.append(Reference(level: settings.gasLevels ? .level1 : .high, limit: limit, isHigh: true))
        }
        if let limit = settings.highHigh {
            model.append(Reference(level: settings.gasLevels ? .level2 : .highHigh, limit: limit, isHigh: true))
        }

        var time = Duration.zero
        var suppressed = false
        for _ in 0..<300 {
            time += .seconds(Int.random(in: 0...2, using: &rng))
            if Int.random(in: 0..<20, using: &rng) == 0 { suppressed.toggle() }
            let value: Double? =
                Int.random(in: 0..<15, using: &rng) == 0 ? nil : Double(Int.random(in: -4...48, using: &rng)) / 2
            let quality: Quality =
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: .bad(.timeout)
                case 1: .uncertain(.outOfRange)
                default: .good
                }
            let usable = value != nil && quality.level != .bad
            let before = evaluator.active
            let hiddenBefore = Set(model.filter(\.hidden).map(\.level))

            let got = evaluator.update(value: value, quality: quality, suppressed: suppressed, at: time)
            let expected = model.indices.compactMap {
                model[$0].step(value: value, usable: usable, suppressed: suppressed, time: time, settings: settings)
            }
            #expect(got == expected, "seed \(seed) at \(time)")
            #expect(evaluator.active == Set(model.filter(\.active).map(\.level)))

            // Invariants that do not depend on the model.
            if suppressed {
                #expect(evaluator.active.isEmpty)
                #expect(got.allSatisfy { $0.kind == .suppressed && before.contains($0.level) })
            }
            if !usable {
                #expect(got.allSatisfy { $0.kind == .suppressed })
            }
            if !usable && !suppressed {
                #expect(evaluator.active == before)
            }
            for transition in got {
                switch transition.kind {
                case .raised: #expect(!before.contains(transition.level))
                case .cleared: #expect(before.contains(transition.level) || hiddenBefore.contains(transition.level))
                case .suppressed: #expect(before.contains(transition.level))
                }
            }
        }
    }

    @Test("with no delays and no deadband, active equals the levels in condition", arguments: 0..<50)
    func instantaneous(seed: UInt64) {
        var rng = SplitMix64(seed: seed &+ 10_000)
        let settings = AlarmSettings(lowLow: 5, low: 8, high: 12, highHigh: 15)
        var evaluator = AlarmEvaluator(settings: settings)
        for step in 0..<200 {
            let value = Double(Int.random(in: 0...40, using: &rng)) / 2
            _ = evaluator.update(value: value, quality: .good, suppressed: false, at: .seconds(step))
            var expected: Set<AlarmLevel> = []
            if value <= 5 { expected.insert(.lowLow) }
            if value <= 8 { expected.insert(.low) }
            if value >= 12 { expected.insert(.high) }
            if value >= 15 { expected.insert(.highHigh) }
            #expect(evaluator.active == expected, "value \(value)")
        }
    }
}

import EdgeLogic
import GatewayCore
import Testing

@Suite("AlarmEvaluator")
struct AlarmEvaluatorTests {
    static let gas = AlarmSettings(high: 25, highHigh: 50, gasLevels: true, deadband: 2)

    @Test("gas detector: raise, deadband, clear, both levels in order")
    func gasDetectorSequence() {
        var alarm = AlarmEvaluator(settings: Self.gas)
        #expect(alarm.good(10).isEmpty)
        #expect(alarm.active.isEmpty)
        #expect(alarm.good(26) == [.raised(.level1, limit: 25, value: 26)])
        #expect(alarm.active == [.level1])
        #expect(alarm.good(26).isEmpty, "raised only once")
        #expect(alarm.good(24).isEmpty, "inside deadband")
        #expect(alarm.good(23).isEmpty, "exactly limit − deadband is still inside")
        #expect(alarm.active == [.level1])
        #expect(alarm.good(22.9) == [.cleared(.level1, limit: 25, value: 22.9)])
        #expect(alarm.active.isEmpty)
        #expect(alarm.good(22.9).isEmpty, "cleared only once")
        #expect(
            alarm.good(60) == [.raised(.level1, limit: 25, value: 60), .raised(.level2, limit: 50, value: 60)]
        )
        #expect(alarm.active == [.level1, .level2])
        #expect(alarm.good(49).isEmpty, "level2 inside its deadband")
        #expect(alarm.good(47.5) == [.cleared(.level2, limit: 50, value: 47.5)])
        #expect(alarm.active == [.level1])
        #expect(alarm.good(0) == [.cleared(.level1, limit: 25, value: 0)])
    }

    @Test("raise exactly at the high limit and exactly at the low limit")
    func limitsAreInclusive() {
        var high = AlarmEvaluator(settings: AlarmSettings(high: 25))
        #expect(high.good(24.999).isEmpty)
        #expect(high.good(25) == [.raised(.high, limit: 25, value: 25)])
        var low = AlarmEvaluator(settings: AlarmSettings(low: 19.5))
        #expect(low.good(19.501).isEmpty)
        #expect(low.good(19.5) == [.raised(.low, limit: 19.5, value: 19.5)])
    }

    @Test("zero deadband clears as soon as the value is below the limit")
    func zeroDeadband() {
        var alarm = AlarmEvaluator(settings: AlarmSettings(high: 25))
        #expect(alarm.good(25) == [.raised(.high, limit: 25, value: 25)])
        #expect(alarm.good(25).isEmpty, "at the limit: still in condition")
        #expect(alarm.good(24.99) == [.cleared(.high, limit: 25, value: 24.99)])
    }

    @Test("negative deadband is treated as zero")
    func negativeDeadband() {
        var alarm = AlarmEvaluator(settings: AlarmSettings(high: 25, deadband: -5))
        #expect(alarm.good(25) == [.raised(.high, limit: 25, value: 25)])
        #expect(alarm.good(27).isEmpty, "still in condition: a negative deadband must not clear it")
        #expect(alarm.good(24) == [.cleared(.high, limit: 25, value: 24)])
    }

    @Test("non-gas high levels are reported as high / highHigh")
    func plainHighLevels() {
        var alarm = AlarmEvaluator(settings: AlarmSettings(high: 50, highHigh: 55))
        #expect(alarm.good(60) == [.raised(.high, limit: 50, value: 60), .raised(.highHigh, limit: 55, value: 60)])
        #expect(alarm.active == [.high, .highHigh])
    }

    @Test("onDelay: the condition must hold continuously")
    func onDelay() {
        var alarm = AlarmEvaluator(settings: AlarmSettings(high: 25, gasLevels: true, onDelay: .seconds(5)))
        #expect(alarm.good(30, at: 0).isEmpty)
        #expect(alarm.good(30, at: 3).isEmpty)
        #expect(alarm.good(30, at: 4.999).isEmpty)
        #expect(alarm.good(30, at: 5) == [.raised(.level1, limit: 25, value: 30)])
        #expect(alarm.good(30, at: 6).isEmpty)
    }

    @Test("onDelay: a dip below the limit restarts the timer")
    func onDelayRestarts() {
        var alarm = AlarmEvaluator(settings: AlarmSettings(high: 25, gasLevels: true, onDelay: .seconds(5)))
        #expect(alarm.good(30, at: 0).isEmpty)
        #expect(alarm.good(20, at: 2).isEmpty)
        #expect(alarm.good(30, at: 4).isEmpty)
        #expect(alarm.good(30, at: 8).isEmpty, "timer restarted at 4")
        #expect(alarm.good(30, at: 9) == [.raised(.level1, limit: 25, value: 30)])
    }

    @Test("onDelay: a value inside the deadband but below the limit also restarts the raise timer")
    func onDelayDeadbandDoesNotHoldPendingRaise() {
        var alarm = AlarmEvaluator(settings: AlarmSettings(high: 25, deadband: 2, onDelay: .seconds(5)))
        #expect(alarm.good(30, at: 0).isEmpty)
        #expect(alarm.good(24, at: 1).isEmpty)
        #expect(alarm.good(30, at: 2).isEmpty)
        #expect(alarm.good(30, at: 6).isEmpty)
        #expect(alarm.good(30, at: 7) == [.raised(.high, limit: 25, value: 30)])
    }

    @Test("onDelay applies to each level independently")
    func onDelayPerLevel() {
        var alarm = AlarmEvaluator(
            settings: AlarmSettings(high: 25, highHigh: 50, gasLevels: true, onDelay: .seconds(5))
        )
        #expect(alarm.good(30, at: 0).isEmpty)
        #expect(alarm.good(60, at: 3).isEmpty)
        #expect(alarm.good(60, at: 5) == [.raised(.level1, limit: 25, value: 60)])
        #expect(alarm.good(60, at: 7).isEmpty)
        #expect(alarm.good(60, at: 8) == [.raised(.level2, limit: 50, value: 60)])
    }

    @Test("offDelay: the clear condition must hold continuously")
    func offDelay() {
        var alarm = AlarmEvaluator(
            settings: AlarmSettings(high: 25, gasLevels: true, deadband: 2, offDelay: .seconds(10))
        )
        #expect(alarm.good(30, at: 0) == [.raised(.level1, limit: 25, value: 30)])
        #expect(alarm.good(20, at: 1).isEmpty)
        #expect(alarm.good(20, at: 10.999).isEmpty)
        #expect(alarm.good(24, at: 11).isEmpty, "back inside the deadband: pending clear forgotten")
        #expect(alarm.good(20, at: 12).isEmpty)
        #expect(alarm.good(20, at: 21).isEmpty, "timer restarted at 12")
        #expect(alarm.good(19, at: 22) == [.cleared(.level1, limit: 25, value: 19)])
        #expect(alarm.active.isEmpty)
    }

    @Test("offDelay: a value back above the limit keeps the alarm and restarts the clear timer")
    func offDelayReenter() {
        var alarm = AlarmEvaluator(settings: AlarmSettings(high: 25, offDelay: .seconds(3)))
        #expect(alarm.good(30, at: 0) == [.raised(.high, limit: 25, value: 30)])
        #expect(alarm.good(10, at: 1).isEmpty)
        #expect(alarm.good(30, at: 2).isEmpty)
        #expect(alarm.good(10, at: 3).isEmpty)
        #expect(alarm.good(10, at: 5).isEmpty)
        #expect(alarm.good(10, at: 6) == [.cleared(.high, limit: 25, value: 10)])
    }

    @Test("oxygen: low limits with deadband")
    func oxygenLowLimits() {
        var alarm = AlarmEvaluator(settings: AlarmSettings(lowLow: 18, low: 19.5, deadband: 0.5))
        #expect(alarm.good(20.9).isEmpty)
        #expect(alarm.good(19.0) == [.raised(.low, limit: 19.5, value: 19.0)])
        #expect(alarm.good(17.5) == [.raised(.lowLow, limit: 18, value: 17.5)])
        #expect(alarm.active == [.low, .lowLow])
        #expect(alarm.good(18.5).isEmpty, "exactly LL + deadband keeps LL")
        #expect(alarm.good(19.8) == [.cleared(.lowLow, limit: 18, value: 19.8)], "L needs > 20.0")
        #expect(alarm.active == [.low])
        #expect(alarm.good(20.0).isEmpty, "exactly L + deadband keeps L")
        #expect(alarm.good(20.1) == [.cleared(.low, limit: 19.5, value: 20.1)])
        #expect(alarm.active.isEmpty)
    }

    @Test("low levels raise together in the order lowLow, low")
    func lowOrder() {
        var alarm = AlarmEvaluator(settings: AlarmSettings(lowLow: 18, low: 19.5))
        #expect(alarm.good(10) == [.raised(.lowLow, limit: 18, value: 10), .raised(.low, limit: 19.5, value: 10)])
        #expect(alarm.good(30) == [.cleared(.lowLow, limit: 18, value: 30), .cleared(.low, limit: 19.5, value: 30)])
    }

    @Test("all four levels: stable order lowLow, low, high, highHigh")
    func stableOrderAllLevels() {
        // Crossed limits (a misconfiguration) make every level true at once and show the order.
        var alarm = AlarmEvaluator(settings: AlarmSettings(lowLow: 100, low: 100, high: 0, highHigh: 0))
        #expect(alarm.good(50).map(\.level) == [.lowLow, .low, .high, .highHigh])
        #expect(
            alarm.update(value: 50, quality: .good, suppressed: true, at: .zero).map(\.level) == [
                .lowLow, .low, .high, .highHigh,
            ]
        )
    }

    @Test("bad quality and nil keep active alarms and raise nothing", arguments: [true, false])
    func badQualityAndNil(useNil: Bool) {
        var alarm = AlarmEvaluator(settings: Self.gas)
        #expect(alarm.good(30) == [.raised(.level1, limit: 25, value: 30)])
        let quality: Quality = useNil ? .good : .bad(.timeout)
        let value: Double? = useNil ? nil : 0
        #expect(alarm.update(value: value, quality: quality, suppressed: false, at: .seconds(1)).isEmpty)
        #expect(alarm.active == [.level1], "a leak alarm must not clear because communication dropped")
        let high: Double? = useNil ? nil : 70
        #expect(alarm.update(value: high, quality: quality, suppressed: false, at: .seconds(2)).isEmpty)
        #expect(alarm.active == [.level1], "nothing new is raised")
        #expect(alarm.good(70, at: 3) == [.raised(.level2, limit: 50, value: 70)])
    }

    @Test("bad quality forgets a pending raise: its timer restarts with the next good value")
    func badQualityForgetsPendingRaise() {
        var alarm = AlarmEvaluator(settings: AlarmSettings(high: 25, onDelay: .seconds(5)))
        #expect(alarm.good(30, at: 0).isEmpty)
        #expect(
            alarm.update(value: 30, quality: .bad(.communicationFailure), suppressed: false, at: .seconds(2)).isEmpty
        )
        #expect(alarm.good(30, at: 4).isEmpty)
        #expect(alarm.good(30, at: 8).isEmpty, "timer restarted at 4")
        #expect(alarm.good(30, at: 9) == [.raised(.high, limit: 25, value: 30)])
    }

    @Test("nil forgets a pending clear: its timer restarts with the next good value")
    func nilForgetsPendingClear() {
        var alarm = AlarmEvaluator(settings: AlarmSettings(high: 25, offDelay: .seconds(5)))
        #expect(alarm.good(30, at: 0) == [.raised(.high, limit: 25, value: 30)])
        #expect(alarm.good(10, at: 1).isEmpty)
        #expect(alarm.good(nil, at: 2).isEmpty)
        #expect(alarm.good(10, at: 3).isEmpty)
        #expect(alarm.good(10, at: 7).isEmpty, "timer restarted at 3")
        #expect(alarm.good(10, at: 8) == [.cleared(.high, limit: 25, value: 10)])
    }

    @Test("NaN is treated like a missing value")
    func nanIsIgnored() {
        var alarm = AlarmEvaluator(settings: AlarmSettings(low: 19.5))
        #expect(alarm.good(19) == [.raised(.low, limit: 19.5, value: 19)])
        #expect(alarm.good(.nan).isEmpty)
        #expect(alarm.active == [.low])
        #expect(
            alarm.update(value: .nan, quality: .good, suppressed: true, at: .zero) == [
                .suppressed(.low, limit: 19.5, value: nil)
            ],
            "a NaN is not reported as the value"
        )
    }

    @Test("uncertain over-range value still raises and clears")
    func uncertainIsEvaluated() {
        var alarm = AlarmEvaluator(settings: Self.gas)
        let overRange = Quality.uncertain(.outOfRange)
        #expect(
            alarm.update(value: 110, quality: overRange, suppressed: false, at: .zero) == [
                .raised(.level1, limit: 25, value: 110), .raised(.level2, limit: 50, value: 110),
            ]
        )
        #expect(
            alarm.update(value: 0, quality: .uncertain(.warmup), suppressed: false, at: .seconds(1)) == [
                .cleared(.level1, limit: 25, value: 0), .cleared(.level2, limit: 50, value: 0),
            ]
        )
    }

    @Test("positive infinity is over every high limit")
    func infinityRaises() {
        var alarm = AlarmEvaluator(settings: AlarmSettings(high: 25))
        #expect(alarm.good(.infinity) == [.raised(.high, limit: 25, value: .infinity)])
    }

    @Test("suppression: reported once, silent while suppressed, raised again after")
    func suppression() {
        var alarm = AlarmEvaluator(settings: Self.gas)
        #expect(alarm.good(30, at: 0) == [.raised(.level1, limit: 25, value: 30)])
        #expect(
            alarm.update(value: 30, quality: .good, suppressed: true, at: .seconds(1)) == [
                .suppressed(.level1, limit: 25, value: 30)
            ]
        )
        #expect(alarm.active.isEmpty)
        #expect(alarm.update(value: 30, quality: .good, suppressed: true, at: .seconds(2)).isEmpty, "reported once")
        #expect(alarm.update(value: 60, quality: .good, suppressed: true, at: .seconds(3)).isEmpty, "crossing level2")
        #expect(alarm.update(value: 0, quality: .good, suppressed: true, at: .seconds(4)).isEmpty, "falling below")
        #expect(alarm.update(value: 60, quality: .good, suppressed: true, at: .seconds(5)).isEmpty)
        #expect(alarm.active.isEmpty)
        #expect(
            alarm.update(value: 30, quality: .good, suppressed: false, at: .seconds(6)) == [
                .raised(.level1, limit: 25, value: 30)
            ]
        )
        #expect(alarm.active == [.level1])
    }

    @Test("suppression reports every active level, in order, and with a bad value carries no value")
    func suppressionMultiple() {
        var alarm = AlarmEvaluator(settings: Self.gas)
        _ = alarm.good(60)
        #expect(
            alarm.update(value: 60, quality: .bad(.timeout), suppressed: true, at: .seconds(1)) == [
                .suppressed(.level1, limit: 25, value: nil), .suppressed(.level2, limit: 50, value: nil),
            ]
        )
        #expect(alarm.active.isEmpty)
    }

    @Test("suppression with nothing active reports nothing")
    func suppressionNothingActive() {
        var alarm = AlarmEvaluator(settings: Self.gas)
        #expect(alarm.good(10).isEmpty)
        #expect(alarm.update(value: 30, quality: .good, suppressed: true, at: .zero).isEmpty)
        #expect(alarm.active.isEmpty)
    }

    @Test("after suppression the onDelay starts fresh")
    func suppressionRestartsOnDelay() {
        var alarm = AlarmEvaluator(settings: AlarmSettings(high: 25, onDelay: .seconds(5)))
        #expect(alarm.good(30, at: 0).isEmpty)
        #expect(alarm.update(value: 30, quality: .good, suppressed: true, at: .seconds(3)).isEmpty)
        #expect(alarm.good(30, at: 6).isEmpty, "pending raise forgotten by suppression")
        #expect(alarm.good(30, at: 10).isEmpty)
        #expect(alarm.good(30, at: 11) == [.raised(.high, limit: 25, value: 30)])
    }

    @Test("after suppression a pending clear is forgotten, and the level it hid is cleared once at once")
    func suppressionDuringPendingClear() {
        var alarm = AlarmEvaluator(settings: AlarmSettings(high: 25, offDelay: .seconds(5)))
        #expect(alarm.good(30, at: 0) == [.raised(.high, limit: 25, value: 30)])
        #expect(alarm.good(10, at: 1).isEmpty)
        #expect(
            alarm.update(value: 10, quality: .good, suppressed: true, at: .seconds(2)) == [
                .suppressed(.high, limit: 25, value: 10)
            ]
        )
        // The alarm hidden by the suppression is over: the platform is told (it used to hear nothing more).
        #expect(alarm.good(10, at: 3) == [.cleared(.high, limit: 25, value: 10)], "no off-delay after suppression")
        #expect(alarm.good(10, at: 30).isEmpty, "once")
        #expect(alarm.active.isEmpty)
    }

    @Test("a point without limits never alarms")
    func noLimits() {
        var alarm = AlarmEvaluator(settings: AlarmSettings())
        for value in [-1e9, 0, 1e9, .infinity, -.infinity] {
            #expect(alarm.good(value).isEmpty)
        }
        #expect(alarm.update(value: 1, quality: .good, suppressed: true, at: .zero).isEmpty)
    }

    @Test("time going backwards restarts a pending delay at the earlier time")
    func timeGoingBackwards() {
        var alarm = AlarmEvaluator(settings: AlarmSettings(high: 25, onDelay: .seconds(5)))
        #expect(alarm.good(30, at: 100).isEmpty)
        #expect(alarm.good(30, at: 10).isEmpty)
        #expect(alarm.good(30, at: 14).isEmpty)
        #expect(alarm.good(30, at: 15) == [.raised(.high, limit: 25, value: 30)])
    }

    @Test("settings defaults")
    func settingsDefaults() {
        let settings = AlarmSettings()
        #expect(settings.lowLow == nil && settings.low == nil && settings.high == nil && settings.highHigh == nil)
        #expect(!settings.gasLevels)
        #expect(settings.deadband == 0)
        #expect(settings.onDelay == .zero && settings.offDelay == .zero)
        #expect(AlarmEvaluator(settings: Self.gas).settings == Self.gas)
    }
}

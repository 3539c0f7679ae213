import EdgeLogic
import GatewayCore
import Testing

/// What a level hidden by suppression does when suppression ends, and the state a restart carries.
@Suite("Suppression end and remembered state")
struct SuppressionEndTests {
    @Test func aLevelThatReturnedToNormalDuringSuppressionIsClearedWhenItEnds() {
        var alarm = AlarmEvaluator(settings: AlarmSettings(high: 25, highHigh: 50, gasLevels: true, deadband: 2))
        #expect(alarm.good(30) == [.raised(.level1, limit: 25, value: 30)])
        #expect(alarm.update(value: 30, quality: .good, suppressed: true, at: .seconds(1)).map(\.kind) == [.suppressed])
        #expect(alarm.update(value: 5, quality: .good, suppressed: true, at: .seconds(2)) == [])
        #expect(alarm.levelStates.first { $0.level == .level1 }?.suppressed == true)
        #expect(alarm.good(5, at: 3) == [.cleared(.level1, limit: 25, value: 5)])
        #expect(alarm.good(5, at: 4) == [], "once")
        #expect(alarm.levelStates.allSatisfy { $0.isIdle })
    }

    @Test func aLevelStillInConditionWhenSuppressionEndsIsRaisedAgain() {
        var alarm = AlarmEvaluator(settings: AlarmSettings(high: 25, gasLevels: true, deadband: 2))
        _ = alarm.good(30)
        _ = alarm.update(value: 30, quality: .good, suppressed: true, at: .seconds(1))
        #expect(alarm.good(30, at: 2) == [.raised(.level1, limit: 25, value: 30)])
        #expect(alarm.good(10, at: 3) == [.cleared(.level1, limit: 25, value: 10)])
    }

    @Test func insideTheDeadbandNothingHappensUntilTheValueDecides() {
        var alarm = AlarmEvaluator(settings: AlarmSettings(high: 25, gasLevels: true, deadband: 2))
        _ = alarm.good(30)
        _ = alarm.update(value: 30, quality: .good, suppressed: true, at: .seconds(1))
        #expect(alarm.good(24, at: 2) == [], "24 is within the deadband of 25")
        #expect(alarm.update(value: nil, quality: .bad(.timeout), suppressed: false, at: .seconds(3)) == [])
        #expect(alarm.good(22, at: 4) == [.cleared(.level1, limit: 25, value: 22)])
    }

    @Test func aFlagClearedDuringSuppressionIsClearedWhenItEnds() {
        var flag = FlagAlarm(level: .deviceFault)
        #expect(flag.update(flag: true, suppressed: false).map(\.kind) == [.raised])
        #expect(flag.update(flag: true, suppressed: true).map(\.kind) == [.suppressed])
        #expect(flag.update(flag: false, suppressed: true) == [])
        #expect(flag.update(flag: false, suppressed: false).map(\.kind) == [.cleared])
        #expect(flag.update(flag: false, suppressed: false) == [])
    }

    @Test func restoredStateGoesOnWhereItStopped() {
        let settings = AlarmSettings(high: 25, highHigh: 50, gasLevels: true, deadband: 2, onDelay: .seconds(10))
        var before = AlarmEvaluator(settings: settings)
        _ = before.good(30, at: 0)
        _ = before.good(30, at: 10)  // level 1 raised after its on-delay
        _ = before.good(60, at: 12)  // level 2 pending since 12
        var after = AlarmEvaluator(settings: settings)
        after.restore(before.levelStates)
        #expect(after.active == [.level1])
        #expect(after.levelStates == before.levelStates)
        #expect(after.good(60, at: 21) == [], "the on-delay runs from 12, not from the restart")
        #expect(after.good(60, at: 22) == [.raised(.level2, limit: 50, value: 60)])
        #expect(after.good(5, at: 23).map(\.kind) == [.cleared, .cleared])
    }
}

import EdgeLogic
import GatewayCore
import Testing

@Suite("FlagAlarm")
struct FlagAlarmTests {
    @Test("raised once while set, cleared once when reset, nil changes nothing")
    func followsFlag() {
        var alarm = FlagAlarm(level: .deviceAlarm1)
        #expect(alarm.level == .deviceAlarm1)
        #expect(!alarm.isActive)
        #expect(alarm.update(flag: false, suppressed: false).isEmpty)
        #expect(alarm.update(flag: nil, suppressed: false).isEmpty)
        #expect(alarm.update(flag: true, suppressed: false) == [.raised(.deviceAlarm1, limit: nil, value: nil)])
        #expect(alarm.isActive)
        #expect(alarm.update(flag: true, suppressed: false).isEmpty, "raised once")
        #expect(alarm.update(flag: nil, suppressed: false).isEmpty, "nil keeps it active")
        #expect(alarm.isActive)
        #expect(alarm.update(flag: false, suppressed: false) == [.cleared(.deviceAlarm1, limit: nil, value: nil)])
        #expect(!alarm.isActive)
        #expect(alarm.update(flag: false, suppressed: false).isEmpty, "cleared once")
    }

    @Test("suppression drops an active alarm once and raises nothing while suppressed")
    func suppression() {
        var alarm = FlagAlarm(level: .deviceFault)
        #expect(alarm.update(flag: true, suppressed: false) == [.raised(.deviceFault, limit: nil, value: nil)])
        #expect(alarm.update(flag: true, suppressed: true) == [.suppressed(.deviceFault, limit: nil, value: nil)])
        #expect(!alarm.isActive)
        #expect(alarm.update(flag: true, suppressed: true).isEmpty, "reported once")
        #expect(alarm.update(flag: false, suppressed: true).isEmpty)
        #expect(alarm.update(flag: true, suppressed: true).isEmpty)
        #expect(alarm.update(flag: nil, suppressed: true).isEmpty)
        #expect(!alarm.isActive)
        #expect(alarm.update(flag: true, suppressed: false) == [.raised(.deviceFault, limit: nil, value: nil)])
        #expect(alarm.isActive)
    }

    @Test("suppression with a nil flag still drops the active alarm")
    func suppressionWithNil() {
        var alarm = FlagAlarm(level: .deviceAlarm2)
        _ = alarm.update(flag: true, suppressed: false)
        #expect(alarm.update(flag: nil, suppressed: true) == [.suppressed(.deviceAlarm2, limit: nil, value: nil)])
        // The alarm it hid is over: the platform is told so, once (it used to hear nothing more).
        #expect(alarm.update(flag: false, suppressed: false) == [.cleared(.deviceAlarm2, limit: nil, value: nil)])
        #expect(alarm.update(flag: false, suppressed: false).isEmpty, "nothing active to clear")
    }
}

import Decoding
import GatewayCore
import Testing

@Suite("StatusRole")
struct StatusRoleTests {
    @Test(
        "the quality each role imposes",
        arguments: [
            (StatusRole.fault, Quality.bad(.sensorFault) as Quality?),
            (.alarm1, nil),
            (.alarm2, nil),
            (.inhibit, .uncertain(.inhibited)),
            (.overRange, .uncertain(.outOfRange)),
            (.commFault, .bad(.communicationFailure)),
            (.warmup, .uncertain(.warmup)),
            (.maintenance, .uncertain(.maintenance)),
            (.configMismatch, .bad(.configMismatch)),
        ]
    )
    func quality(role: StatusRole, expected: Quality?) {
        #expect(role.quality == expected)
    }

    @Test("YAML spellings")
    func rawValues() {
        #expect(
            StatusRole.allCases.map(\.rawValue) == [
                "fault", "alarm1", "alarm2", "inhibit", "over_range", "comm_fault", "warmup", "maintenance",
                "config_mismatch",
            ]
        )
        #expect(StatusRole(rawValue: "over_range") == .overRange)
        #expect(StatusRole(rawValue: "comm_fault") == .commFault)
        #expect(StatusRole(rawValue: "overRange") == nil)
    }
}

import Modbus
import Simulator
import Testing

@Suite("Parsing --fault")
struct UnitFaultParsingTests {
    @Test(
        "valid faults",
        arguments: [
            ("3:no-reply", UnitFault(unit: 3, fault: .noReply)),
            ("2:delay=300ms", UnitFault(unit: 2, fault: .delay(.milliseconds(300)))),
            ("2:delay=1.5s", UnitFault(unit: 2, fault: .delay(.milliseconds(1500)))),
            ("1:exception=2@100-109", UnitFault(unit: 1, fault: .exception(.illegalDataAddress, addresses: 100...109))),
            ("1:exception=6", UnitFault(unit: 1, fault: .exception(.serverDeviceBusy, addresses: nil))),
            (
                "1:exception=11@7",
                UnitFault(unit: 1, fault: .exception(.gatewayTargetFailedToRespond, addresses: 7...7))
            ),
            ("4:corrupt-crc", UnitFault(unit: 4, fault: .corruptCRC)),
            ("1:wrong-unit", UnitFault(unit: 1, fault: .wrongUnitID)),
            ("1:protocol-id=1", UnitFault(unit: 1, fault: .protocolID(1))),
            ("1:mbap-length=65535", UnitFault(unit: 1, fault: .mbapLength(65535))),
            ("1:max-registers=10", UnitFault(unit: 1, fault: .maxRegisters(10))),
        ]
    )
    func parses(text: String, expected: UnitFault) throws {
        #expect(try UnitFault(parsing: text) == expected)
        #expect(try UnitFault(parsing: expected.description) == expected, "description round-trips")
    }

    @Test(
        "invalid faults say what is allowed",
        arguments: [
            ("no-reply", "write UNIT:FAULT"),
            ("300:no-reply", "write UNIT:FAULT"),
            ("1:explode", "unknown fault 'explode'; allowed: no-reply"),
            ("1:delay=soon", "write delay=MILLISECONDSms"),
            ("1:exception=x", "write exception=CODE[@FROM-TO]"),
            ("1:exception=2@9-1", "the address range is FROM-TO"),
            ("1:mbap-length=70000", "write mbap-length=VALUE"),
            ("1:protocol-id", "write protocol-id=VALUE"),
            ("1:max-registers=0", "write max-registers=COUNT (1–125)"),
            ("1:max-registers", "write max-registers=COUNT (1–125)"),
        ]
    )
    func rejects(text: String, message: String) {
        let error = #expect(throws: SimulatorConfigurationError.self) { try UnitFault(parsing: text) }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }
}

import Foundation
import Modbus
import Simulator
import TestSupport
import Testing

@Suite("Modbus RTU link over a socat pty pair")
struct RTULinkTests {
    @Test func severalUnitsShareOneSerialLine() async throws {
        try await withRTUSimulator(units: [1, 2, 3, 4]) { (endpoint, _) async throws in
            let link = testLink(endpoint)
            for unit: UInt8 in [1, 2, 3, 4, 2] {
                let values = try await link.readRegisters(.holding, unit: unit, address: 0, count: 1)
                #expect(values == [UInt16(unit)])
            }
            let registers = try await link.readRegisters(.holding, unit: 3, address: 10, count: 125)
            #expect(registers == (10..<135).map { UInt16($0) })
            let inputs = try await link.readRegisters(.input, unit: 4, address: 7, count: 2)
            #expect(inputs == [10007, 10008])
            let coils = try await link.readBits(.coil, unit: 1, address: 3, count: 3)
            #expect(coils == [false, true, false])
            let discrete = try await link.readBits(.discrete, unit: 2, address: 3, count: 3)
            #expect(discrete == [true, false, false])
        }
    }

    @Test func deadUnitTimesOutAndItsNeighboursStillAnswer() async throws {
        try await withRTUSimulator(units: [1, 2, 3], faults: [UnitFault(unit: 2, fault: .noReply)]) {
            (endpoint, _) async throws in
            let link = testLink(endpoint, timeout: .milliseconds(200))
            let error = await #expect(throws: ModbusError.self) {
                try await link.readRegisters(.holding, unit: 2, address: 0, count: 1)
            }
            #expect(error?.kind == .timeout(.milliseconds(200)))
            #expect(error?.description == "unit 2 at \(endpoint): no reply within 200 ms reading holding 0..0")
            for unit: UInt8 in [1, 3] {
                let values = try await link.readRegisters(.holding, unit: unit, address: 0, count: 1)
                #expect(values == [UInt16(unit)])
            }
            #expect(await link.statistics.reconnects == 0, "a timeout on RTU does not reopen the port")
        }
    }

    @Test func unitAbsentFromTheBusNeverAnswers() async throws {
        try await withRTUSimulator(units: [1]) { (endpoint, simulator) async throws in
            let error = await #expect(throws: ModbusError.self) {
                try await testLink(endpoint, timeout: .milliseconds(150)).readRegisters(
                    .holding,
                    unit: 5,
                    address: 0,
                    count: 1
                )
            }
            #expect(error?.kind == .timeout(.milliseconds(150)))
            #expect(simulator.requestCount(unit: 5) == 1, "the frame reached the line and was ignored")
        }
    }

    @Test func corruptedChecksumIsACRCError() async throws {
        try await withRTUSimulator(units: [1, 2], faults: [UnitFault(unit: 2, fault: .corruptCRC)]) {
            (endpoint, _) async throws in
            let link = testLink(endpoint)
            let error = await #expect(throws: ModbusError.self) {
                try await link.readRegisters(.holding, unit: 2, address: 0, count: 4)
            }
            #expect(error?.kind == .badCRC)
            #expect(error?.description == "unit 2 at \(endpoint): reply with a bad CRC reading holding 0..3")
            #expect(error?.hint?.contains("parity") == true)
            let values = try await link.readRegisters(.holding, unit: 1, address: 0, count: 1)
            #expect(values == [1])
        }
    }

    @Test func exceptionRepliesOverRTU() async throws {
        try await withRTUSimulator(units: [1]) { (endpoint, _) async throws in
            let error = await #expect(throws: ModbusError.self) {
                try await testLink(endpoint).readRegisters(.input, unit: 1, address: 1000, count: 1)
            }
            #expect(error?.kind == .exception(.illegalDataAddress))
        }
    }

    @Test("unit ids outside 1–247 are refused on RTU before sending", arguments: [UInt8(0), 248, 255])
    func broadcastAndReservedUnitsAreRefused(unit: UInt8) async throws {
        try await withRTUSimulator(units: [1]) { (endpoint, simulator) async throws in
            let error = await #expect(throws: ModbusError.self) {
                try await testLink(endpoint).readRegisters(.holding, unit: unit, address: 0, count: 1)
            }
            #expect(error?.description.contains("unit id is 1 to 247") == true)
            #expect(simulator.requestCount(unit: unit) == 0)
        }
    }

    @Test func missingSerialDeviceCannotBeOpened() async throws {
        let link = testLink(.rtu(try SerialPort(path: "/dev/chemgate-no-such-tty")))
        let error = await #expect(throws: ModbusError.self) {
            try await link.readRegisters(.holding, unit: 1, address: 0, count: 1)
        }
        guard case .cannotOpen(let detail) = error?.kind else {
            Issue.record("expected cannotOpen, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("No such file or directory"))
    }
}

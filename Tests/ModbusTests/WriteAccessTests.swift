import Modbus
import Simulator
import TestSupport
import Testing

@Suite("Writes need an explicit opt-in")
struct WriteAccessTests {
    @Test func writesAreRefusedByDefault() async throws {
        try await withTCPSimulator { (endpoint, simulator, _) async throws in
            let link = testLink(endpoint)
            let error = await #expect(throws: ModbusError.self) {
                try await link.writeRegister(unit: 1, address: 20, value: 999)
            }
            #expect(error?.kind == .writeNotPermitted)
            await #expect(throws: ModbusError.self) { try await link.writeCoil(unit: 1, address: 1, value: true) }
            await #expect(throws: ModbusError.self) {
                try await link.writeRegisters(unit: 1, address: 20, values: [1, 2])
            }
            await #expect(throws: ModbusError.self) { try await link.writeCoils(unit: 1, address: 1, values: [true]) }
            #expect(simulator.requestCount(unit: 1) == 0)
            #expect(try await link.readRegisters(.holding, unit: 1, address: 20, count: 1) == [20])
        }
    }

    @Test func writesAreSentWhenAllowed() async throws {
        try await withTCPSimulator { (endpoint, _, _) async throws in
            let link = testLink(endpoint, writes: .allowed)
            try await link.writeRegister(unit: 1, address: 20, value: 999)
            try await link.writeRegisters(unit: 1, address: 30, values: [7, 8, 9])
            try await link.writeCoil(unit: 1, address: 1, value: true)
            try await link.writeCoils(unit: 1, address: 2, values: [false, true])
            #expect(try await link.readRegisters(.holding, unit: 1, address: 20, count: 1) == [999])
            #expect(try await link.readRegisters(.holding, unit: 1, address: 30, count: 3) == [7, 8, 9])
            #expect(try await link.readBits(.coil, unit: 1, address: 0, count: 4) == [true, true, false, true])
        }
    }
}

import Modbus
import Simulator
import TestSupport
import Testing

/// A reply that arrives after the timeout must never be taken as the answer to the next request.
@Suite("Late replies are discarded")
struct LateReplyTests {
    @Test func aLateRTUReplyNeverAnswersTheNextRequest() async throws {
        try await withRTUSimulator(units: [1]) { (endpoint, simulator) async throws in
            let link = testLink(endpoint, timeout: .milliseconds(200))
            for (late, next): (UInt16, UInt16) in [(50, 60), (70, 80), (90, 100)] {
                // The device answers 350 ms after the request: 150 ms after the link gave up.
                simulator.setFaults([.delay(.milliseconds(350))], unit: 1)
                await #expect(throws: ModbusError.self) {
                    try await link.readRegisters(.holding, unit: 1, address: late, count: 1)
                }
                simulator.setFaults([], unit: 1)
                // Same unit, function and size: only the address differs, which a reply does not carry.
                let values = try await link.readRegisters(.holding, unit: 1, address: next, count: 1)
                #expect(values == [next], "holding \(late)'s late reply was taken for holding \(next)")
            }
            #expect(await link.statistics.lateBytesDiscarded >= 3 * 7, "three late replies of 7 bytes were discarded")
        }
    }

    @Test func aLateTCPReplyNeverAnswersTheNextRequest() async throws {
        // TCP reads carry transaction id 0 (libmodbus's raw request API): the quiet wait, not the
        // transaction id, keeps the late reply out.
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            let link = testLink(endpoint, timeout: .milliseconds(200))
            for (late, next): (UInt16, UInt16) in [(50, 60), (70, 80)] {
                simulator.setFaults([.delay(.milliseconds(350))], unit: 1)
                await #expect(throws: ModbusError.self) {
                    try await link.readRegisters(.holding, unit: 1, address: late, count: 1)
                }
                simulator.setFaults([], unit: 1)
                let values = try await link.readRegisters(.holding, unit: 1, address: next, count: 1)
                #expect(values == [next], "holding \(late)'s late reply was taken for holding \(next)")
            }
            #expect(await link.statistics.lateBytesDiscarded > 0)
            #expect(await link.statistics.reconnects == 0, "discarded on the same connection")
        }
    }

    @Test func aLateRTUReplyNeverAnswersTheRetryOfAPoll() async throws {
        try await withRTUSimulator(units: [1, 2]) { (endpoint, simulator) async throws in
            let link = testLink(endpoint, timeout: .milliseconds(150))
            simulator.setFaults([.delay(.milliseconds(260))], unit: 1)
            await #expect(throws: ModbusError.self) {
                try await link.readRegisters(.holding, unit: 1, address: 20, count: 2)
            }
            simulator.setFaults([], unit: 1)
            // A neighbour is asked meanwhile: unit 1's late reply comes first and is refused as
            // another unit's (the neighbour's own reply is discarded with it), never taken as good.
            do throws(ModbusError) {
                #expect(try await link.readRegisters(.holding, unit: 2, address: 0, count: 1) == [2])
            } catch {
                #expect(error.kind == .wrongUnit, "\(error)")
            }
            #expect(try await link.readRegisters(.holding, unit: 1, address: 30, count: 2) == [30, 31])
        }
    }
}

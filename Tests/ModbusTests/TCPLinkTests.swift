import Modbus
import Simulator
import Synchronization
import TestSupport
import Testing

@Suite("Modbus TCP link against the simulator")
struct TCPLinkTests {
    @Test func readsEveryTable() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let link = testLink(endpoint)
            #expect(try await link.readRegisters(.holding, unit: 1, address: 10, count: 5) == [10, 11, 12, 13, 14])
            #expect(try await link.readRegisters(.input, unit: 1, address: 20, count: 2) == [10020, 10021])
            #expect(try await link.readBits(.coil, unit: 1, address: 0, count: 4) == [true, false, true, false])
            #expect(try await link.readBits(.discrete, unit: 1, address: 0, count: 4) == [true, false, false, true])
        }
    }

    @Test func readsTheLargestRequests() async throws {
        try await withTCPSimulator { (endpoint, _, _) async throws in
            let link = testLink(endpoint)
            let registers = try await link.readRegisters(.holding, unit: 1, address: 100, count: 125)
            #expect(registers == (100..<225).map { UInt16($0) })
            let bits = try await link.readBits(.coil, unit: 1, address: 0, count: 999)
            #expect(bits == (0..<999).map { $0 % 2 == 0 })
        }
    }

    @Test func manyUnitsShareOneLink() async throws {
        try await withTCPSimulator(units: [1, 2, 3]) { (endpoint, _, _) async throws in
            let link = testLink(endpoint)
            for unit: UInt8 in [3, 1, 2, 3] {
                #expect(try await link.readRegisters(.holding, unit: unit, address: 0, count: 1) == [UInt16(unit)])
            }
            #expect(await link.statistics.connects == 1)
        }
    }

    @Test func valuesChangeOverTime() async throws {
        try await withTCPSimulator { (endpoint, _, _) async throws in
            let link = testLink(endpoint)
            let first = try await link.readRegisters(.holding, unit: 1, address: 1, count: 1)[0]
            try await Task.sleep(for: .milliseconds(350))
            let second = try await link.readRegisters(.holding, unit: 1, address: 1, count: 1)[0]
            #expect(first != second, "the ramp at holding 1 should have moved")
        }
    }

    @Test func deadUnitTimesOut() async throws {
        try await withTCPSimulator(units: [1, 9], faults: [UnitFault(unit: 9, fault: .noReply)]) {
            (endpoint, _, _) async throws in
            let link = testLink(endpoint, timeout: .milliseconds(200))
            let error = await #expect(throws: ModbusError.self) {
                try await link.readRegisters(.holding, unit: 9, address: 0, count: 10)
            }
            #expect(error?.kind == .timeout(.milliseconds(200)))
            #expect(error?.description == "unit 9 at \(endpoint): no reply within 200 ms reading holding 0..9")
            // The neighbour on the same connection still answers.
            #expect(try await link.readRegisters(.holding, unit: 1, address: 0, count: 1) == [1])
        }
    }

    @Test func addressOutsideTheServedRangeIsException2() async throws {
        try await withTCPSimulator { (endpoint, _, _) async throws in
            let link = testLink(endpoint)
            let error = await #expect(throws: ModbusError.self) {
                try await link.readRegisters(.holding, unit: 1, address: 995, count: 10)
            }
            #expect(error?.kind == .exception(.illegalDataAddress))
            #expect(
                error?.description
                    == "unit 1 at \(endpoint): exception 02 (illegal data address) reading holding 995..1004"
            )
            #expect(error?.hint?.contains("register map") == true)
        }
    }

    @Test func injectedExceptionForChosenAddresses() async throws {
        let fault = UnitFault(unit: 1, fault: .exception(.serverDeviceBusy, addresses: 100...109))
        try await withTCPSimulator(faults: [fault]) { (endpoint, _, _) async throws in
            let link = testLink(endpoint)
            let error = await #expect(throws: ModbusError.self) {
                try await link.readRegisters(.holding, unit: 1, address: 105, count: 1)
            }
            #expect(error?.kind == .exception(.serverDeviceBusy))
            #expect(error?.description.contains("exception 06 (server device busy)") == true)
            #expect(try await link.readRegisters(.holding, unit: 1, address: 110, count: 1) == [110])
        }
    }

    @Test func unknownUnitBehindTCPIsGatewayTargetFailure() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let error = await #expect(throws: ModbusError.self) {
                try await testLink(endpoint).readRegisters(.holding, unit: 42, address: 0, count: 1)
            }
            #expect(error?.kind == .exception(.gatewayTargetFailedToRespond))
            #expect(error?.description.contains("exception 11 (gateway target device failed to respond)") == true)
        }
    }

    @Test(
        "requests over protocol limits never reach the wire",
        arguments: [
            (ModbusTable.holding, 126), (.input, 126), (.coil, 2001), (.discrete, 2001), (.holding, 0),
        ]
    )
    func oversizedRequestIsRejectedWithoutIO(table: ModbusTable, count: Int) async throws {
        try await withTCPSimulator { (endpoint, simulator, _) async throws in
            let link = testLink(endpoint)
            let error = await #expect(throws: ModbusError.self) {
                try await link.read(table, unit: 1, address: 0, count: count)
            }
            guard case .invalidRequest = error?.kind else {
                Issue.record("expected invalidRequest, got \(String(describing: error))")
                return
            }
            #expect(error?.description.contains("refused before sending") == true)
            #expect(simulator.requestCount(unit: 1) == 0)
            #expect(await link.statistics.transactions == 0)
            #expect(await link.isConnected == false)
        }
    }

    @Test func rangePastTheLastAddressIsRejected() async throws {
        try await withTCPSimulator { (endpoint, simulator, _) async throws in
            let error = await #expect(throws: ModbusError.self) {
                try await testLink(endpoint).read(.holding, unit: 1, address: 65530, count: 10)
            }
            #expect(error?.description.contains("past address 65535") == true)
            #expect(simulator.requestCount(unit: 1) == 0)
        }
    }

    @Test func connectionRefused() async throws {
        let port = try Tools.freePort()
        let link = testLink(.tcp(TCPEndpoint(host: "127.0.0.1", port: port)))
        let error = await #expect(throws: ModbusError.self) {
            try await link.readRegisters(.holding, unit: 1, address: 0, count: 1)
        }
        #expect(error?.kind == .connectionRefused)
        #expect(error?.description == "unit 1 at tcp://127.0.0.1:\(port): connection refused reading holding 0..0")
    }

    @Test func severalClientsAtOnce() async throws {
        try await withTCPSimulator(units: [1, 2]) { (endpoint, simulator, _) async throws in
            let links = (0..<4).map { _ in testLink(endpoint) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, link) in links.enumerated() {
                    group.addTask {
                        let unit = UInt8(index % 2 + 1)
                        for _ in 0..<25 {
                            let values = try await link.readRegisters(.holding, unit: unit, address: 0, count: 1)
                            #expect(values == [UInt16(unit)])
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(simulator.requestCount(unit: 1) + simulator.requestCount(unit: 2) == 100)
        }
    }

    @Test func aBlockedLinkDoesNotHoldUpAnotherLink() async throws {
        try await withTCPSimulator(units: [1, 2], faults: [UnitFault(unit: 2, fault: .noReply)]) {
            (endpoint, _, _) async throws in
            let slow = testLink(endpoint, timeout: .seconds(2))
            let fast = testLink(endpoint)
            let slowFinished = Flag()
            let blocked = Task {
                defer { slowFinished.set() }
                return try await slow.readRegisters(.holding, unit: 2, address: 0, count: 1)
            }
            try await Task.sleep(for: .milliseconds(50))
            for _ in 0..<20 {
                let values = try await fast.readRegisters(.holding, unit: 1, address: 0, count: 1)
                #expect(values == [1])
            }
            // All twenty reads finished while the slow link still waits for its 2 s timeout.
            #expect(slowFinished.isSet == false)
            _ = await blocked.result
            #expect(slowFinished.isSet)
            #expect(await slow.statistics.timeouts == 1)
        }
    }
}

/// A flag one task sets and another reads, without going through an actor.
private final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .sequentiallyConsistent) }
    var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
}

import Modbus
import Simulator
import TestSupport
import Testing

extension ScriptedTCPServer.Request {
    /// The PDU of the correct reply (function code onwards).
    var correctPDU: [UInt8] { Array(correctReply.dropFirst(7)) }

    /// The correct reply with some of its fields replaced.
    func answer(
        transaction: UInt16? = nil,
        protocolID: UInt16 = 0,
        unit: UInt8? = nil,
        pdu: [UInt8]? = nil,
        length: Int? = nil
    ) -> [UInt8] {
        Self.frame(
            transaction: transaction ?? self.transaction,
            protocolID: protocolID,
            unit: unit ?? self.unit,
            pdu: pdu ?? correctPDU,
            length: length
        )
    }
}

/// Modbus TCP replies that libmodbus 3.1.6 frames without complaint but that must never be taken as
/// good: each misbehaving reply is a named error, and the link reads correctly right after it.
@Suite("Modbus TCP replies are checked field by field")
struct TCPReplyCheckTests {
    typealias Request = ScriptedTCPServer.Request

    /// One way a device or gateway can get a reply wrong.
    struct Misbehaviour: Sendable, CustomTestStringConvertible {
        var name: String
        var reply: @Sendable (Request) -> [UInt8]
        /// What the error's description must say.
        var named: String
        var testDescription: String { name }
    }

    static func exception(_ code: UInt8) -> Misbehaviour {
        Misbehaviour(
            name: "exception code \(code)",
            reply: { $0.answer(pdu: [$0.function | 0x80, code]) },
            named: "the device answered an invalid exception code \(code)"
        )
    }

    static let misbehaviours: [Misbehaviour] = [
        Misbehaviour(
            name: "wrong unit id",
            reply: { $0.answer(unit: $0.unit &+ 1) },
            named: "reply came from another unit id"
        ),
        Misbehaviour(
            name: "protocol id 0x0001",
            reply: { $0.answer(protocolID: 1) },
            named: "protocol id 0x0001"
        ),
        Misbehaviour(
            name: "protocol id 0x0100",
            reply: { $0.answer(protocolID: 0x0100) },
            named: "protocol id 0x0100"
        ),
        Misbehaviour(
            name: "protocol id 0xFFFF",
            reply: { $0.answer(protocolID: 0xFFFF) },
            named: "protocol id 0xFFFF"
        ),
        Misbehaviour(
            name: "MBAP length too short",
            reply: { $0.answer(length: 2) },
            named: "the MBAP header gives a length of 2"
        ),
        Misbehaviour(
            name: "MBAP length 0",
            reply: { $0.answer(length: 0) },
            named: "the MBAP header gives a length of 0"
        ),
        Misbehaviour(
            name: "MBAP length too long, nothing more sent",
            reply: { $0.answer(length: 40) },
            named: "the MBAP header gives a length of 40"
        ),
        Misbehaviour(
            name: "MBAP length 0xFFFF, padded",
            reply: {
                $0.answer(length: 0xFFFF) + [UInt8](repeating: 0, count: 200)
            },
            named: "the MBAP header gives a length of 65535"
        ),
        TCPReplyCheckTests.exception(0), TCPReplyCheckTests.exception(9), TCPReplyCheckTests.exception(12),
        TCPReplyCheckTests.exception(0xFF),
        Misbehaviour(
            name: "function code of another read",
            reply: { $0.answer(pdu: [4] + $0.correctPDU.dropFirst()) },
            named: "invalid reply"
        ),
        Misbehaviour(
            name: "byte count too large",
            reply: {
                $0.answer(pdu: [$0.function, 4, 0, 1, 0, 2])
            },
            named: "byte count 4, but 1 registers need 2"
        ),
        Misbehaviour(
            name: "another transaction id",
            reply: { $0.answer(transaction: $0.transaction &+ 7) },
            named: "invalid reply"
        ),
    ]

    @Test(arguments: misbehaviours)
    func aMisbehavingReplyIsANamedErrorAndTheLinkReadsOnRight(_ misbehaviour: Misbehaviour) async throws {
        let server = try ScriptedTCPServer { request in
            request.index == 0 ? misbehaviour.reply(request) : request.correctReply
        }
        defer { server.stop() }
        let link = testLink(.tcp(TCPEndpoint(host: "127.0.0.1", port: server.port)), timeout: .milliseconds(300))
        do throws(ModbusError) {
            let values = try await link.readRegisters(.holding, unit: 1, address: 10, count: 1)
            Issue.record("\(misbehaviour.name): taken as good, values \(values)")
        } catch {
            #expect(error.description.contains(misbehaviour.named), "\(error)")
            #expect(!error.description.contains("Unknown error"), "\(error)")
            if case .system = error.kind { Issue.record("\(misbehaviour.name): not a Modbus error: \(error)") }
        }
        #expect(try await link.readRegisters(.holding, unit: 1, address: 11, count: 1) == [11])
        #expect(try await link.readRegisters(.holding, unit: 1, address: 12, count: 2) == [12, 13])
    }

    @Test func aPaddedMBAPLengthDoesNotDesynchroniseTheStream() async throws {
        let server = try ScriptedTCPServer { request in
            guard request.index == 0 else { return request.correctReply }
            return request.answer(length: 0xFFFF) + [UInt8](repeating: 0x03, count: 300)
        }
        defer { server.stop() }
        let link = testLink(.tcp(TCPEndpoint(host: "127.0.0.1", port: server.port)), timeout: .milliseconds(300))
        await #expect(throws: ModbusError.self) {
            try await link.readRegisters(.holding, unit: 1, address: 50, count: 1)
        }
        for address: UInt16 in 60..<80 {
            #expect(try await link.readRegisters(.holding, unit: 1, address: address, count: 1) == [address])
        }
        #expect(server.connections == 2, "the link dropped the out-of-step connection and connected again")
    }

    @Test func coilsAreDecodedFromTheCheckedReply() async throws {
        let server = try ScriptedTCPServer { $0.correctReply }
        defer { server.stop() }
        let link = testLink(.tcp(TCPEndpoint(host: "127.0.0.1", port: server.port)))
        let bits = try await link.readBits(.coil, unit: 1, address: 3, count: 11)
        #expect(bits == (3..<14).map { $0 % 2 == 1 })
        #expect(try await link.readRegisters(.input, unit: 9, address: 1000, count: 3) == [1000, 1001, 1002])
    }
}

/// The simulator's TCP header faults (`chemgate simulate --fault 1:wrong-unit` …) and what the link
/// makes of them.
@Suite("Simulator MBAP header faults")
struct SimulatorHeaderFaultTests {
    @Test(
        arguments: [
            (SimulatorFault.wrongUnitID, "reply came from another unit id"),
            (.protocolID(1), "protocol id 0x0001"),
            (.mbapLength(65535), "the MBAP header gives a length of 65535"),
            (.mbapLength(3), "the MBAP header gives a length of 3"),
            (
                .exception(ModbusException(rawValue: 0), addresses: nil),
                "the device answered an invalid exception code 0"
            ),
        ]
    )
    func aHeaderFaultIsANamedErrorUntilHealed(fault: SimulatorFault, named: String) async throws {
        try await withTCPSimulator(units: [1], faults: [UnitFault(unit: 1, fault: fault)]) {
            (endpoint, simulator, _) async throws in
            let link = testLink(endpoint)
            for address: UInt16 in [10, 20] {
                let error = await #expect(throws: ModbusError.self) {
                    try await link.readRegisters(.holding, unit: 1, address: address, count: 1)
                }
                #expect(error?.description.contains(named) == true, "\(String(describing: error))")
            }
            simulator.setFaults([], unit: 1)
            #expect(try await link.readRegisters(.holding, unit: 1, address: 30, count: 2) == [30, 31])
        }
    }
}

@Suite("Invalid exception codes over RTU")
struct RTUInvalidExceptionTests {
    @Test(arguments: [UInt8(0), 9])
    func anUndefinedExceptionCodeIsAnInvalidReply(code: UInt8) async throws {
        let fault = UnitFault(unit: 1, fault: .exception(ModbusException(rawValue: code), addresses: nil))
        try await withRTUSimulator(units: [1, 2], faults: [fault]) { (endpoint, _) async throws in
            let link = testLink(endpoint)
            let error = await #expect(throws: ModbusError.self) {
                try await link.readRegisters(.holding, unit: 1, address: 10, count: 1)
            }
            #expect(error?.description.contains("the device answered an invalid exception code \(code)") == true)
            #expect(error?.description.contains("Unknown error") == false, "\(String(describing: error))")
            #expect(try await link.readRegisters(.holding, unit: 2, address: 10, count: 1) == [10])
        }
    }
}

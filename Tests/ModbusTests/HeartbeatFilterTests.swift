import Testing

@testable import Modbus

/// The filter between a DTU's socket and libmodbus: heartbeats out, every other byte through in order.
@Suite("Heartbeat filter and registration forms")
struct HeartbeatFilterTests {
    let beat = Array("HB".utf8)

    @Test func takesOutAHeartbeatInTheMiddleOfAReply() {
        var filter = HeartbeatFilter(pattern: beat)
        let reply: [UInt8] = [0x01, 0x03, 0x02, 0x00, 0x07, 0xF9, 0x86]
        let (output, count) = filter.feed(reply[..<3] + beat + reply[3...])
        #expect(output == reply && count == 1)
    }

    @Test func aHeartbeatSplitAcrossReadsIsHeldThenTakenOut() {
        var filter = HeartbeatFilter(pattern: Array("PING".utf8))
        let first = filter.feed([0x01, 0x03] + Array("PI".utf8))
        #expect(first.output == [0x01, 0x03] && first.heartbeats == 0)
        #expect(filter.held == Array("PI".utf8))
        let second = filter.feed(Array("NG".utf8) + [0x02])
        #expect(second.output == [0x02] && second.heartbeats == 1)
    }

    @Test func heldBytesThatAreNotAHeartbeatPassOnInOrder() {
        var filter = HeartbeatFilter(pattern: Array("PING".utf8))
        let first = filter.feed([0x01] + Array("PI".utf8))
        #expect(first.output == [0x01])
        #expect(filter.release() == Array("PI".utf8), "released after the hold: they were reply bytes")
        let next = filter.feed(Array("PIX".utf8))
        #expect(next.output == Array("PIX".utf8) && next.heartbeats == 0)
    }

    @Test func heartbeatsBackToBackAndBetweenReplies() {
        var filter = HeartbeatFilter(pattern: beat)
        let (output, count) = filter.feed(beat + beat + [0x05] + beat)
        #expect(output == [0x05] && count == 3)
    }

    @Test func noPatternPassesEverything() {
        var filter = HeartbeatFilter(pattern: [])
        #expect(filter.feed(beat).output == beat)
    }

    @Test func registrationForms() throws {
        #expect(DTURegistration.ascii.consumed(Array("ST7\r\n".utf8), id: "ST7") == 5)
        #expect(DTURegistration.ascii.consumed(Array("ST8".utf8), id: "ST7") == nil)
        #expect(DTURegistration.hex.consumed([0x08, 0x60, 0xAB, 0x01], id: "0860AB") == 3)
        let pattern = try DTURegistration(parsing: "regex:REG,(\\d{15}),")
        let packet = Array("REG,860123456789012,V1.2".utf8)
        #expect(pattern.consumed(packet, id: "860123456789012") == 20)
        #expect(pattern.consumed(packet, id: "860123456789013") == nil)
        #expect(pattern.consumed(Array("XREG,860123456789012,".utf8), id: "860123456789012") == nil, "anchored")
        #expect(throws: ModbusError.self) { try DTURegistration(parsing: "regex:(") }
        #expect(throws: ModbusError.self) { try DTURegistration(parsing: "base64") }
    }

    @Test func packetsAndAllowLists() throws {
        #expect(try DTUBytes(parsing: "hex:FE 01").bytes == [0xFE, 0x01])
        #expect(try DTUBytes(parsing: "HB").bytes == Array("HB".utf8))
        #expect(throws: ModbusError.self) { try DTUBytes(parsing: "hex:F") }
        let allow = try DTUAllowList(["10.0.0.0/8", "192.168.1.20", "fd00::/64"])
        #expect(allow.permits("10.200.3.4"))
        #expect(allow.permits("192.168.1.20"))
        #expect(!allow.permits("192.168.1.21"))
        #expect(allow.permits("fd00::17"))
        #expect(!allow.permits("127.0.0.1"))
        #expect(throws: ModbusError.self) { try DTUAllowList(["10.0.0.0/33"]) }
    }
}

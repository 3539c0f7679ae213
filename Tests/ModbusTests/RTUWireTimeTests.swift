import Modbus
import Testing

/// The line-time model of ANCHORS.md §8: frame bytes × bits per character / baud, and t3.5.
@Suite("RTU wire time")
struct RTUWireTimeTests {
    /// Milliseconds, rounded to the microsecond, for comparing with the table of §8.
    private func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return ((Double(seconds) + Double(attoseconds) / 1e18) * 1e6).rounded() / 1e3
    }

    @Test("frame sizes of FC03: 8-byte request, 5 + 2N-byte response, 255 bytes at N = 125")
    func frameSizes() {
        #expect(RTUWireTime.requestBytes(functionCode: 3) == 8)
        #expect(RTUWireTime.responseBytes(functionCode: 3, count: 10) == 25)
        #expect(RTUWireTime.responseBytes(functionCode: 3, count: 125) == 255)
        #expect(RTUWireTime.responseBytes(functionCode: 1, count: 9) == 7)
        #expect(RTUWireTime.responseBytes(functionCode: 3, count: 10, exception: true) == 5)
        #expect(RTUWireTime.requestBytes(functionCode: 16, count: 2) == 13)
        #expect(RTUWireTime.responseBytes(functionCode: 16, count: 2) == 8)
    }

    @Test("8E1 is 11 bits a character, 8N1 10")
    func characterFormat() throws {
        #expect(RTUWireTime(port: try SerialPort(path: "/dev/null", baud: 9600, parity: .even)).bitsPerCharacter == 11)
        #expect(RTUWireTime(port: try SerialPort(path: "/dev/null", baud: 9600, parity: .none)).bitsPerCharacter == 10)
    }

    @Test(
        "frame times and t3.5 match §8's table",
        arguments: [
            // baud, request ms, response ms (N = 10), t3.5 ms, T ms
            (9600, 9.167, 28.646, 4.010, 45.833),
            (19200, 4.583, 14.323, 2.005, 22.917),
            (115_200, 0.764, 2.387, 1.750, 6.651),
        ]
    )
    func table(baud: Int, request: Double, response: Double, silence: Double, transaction: Double) {
        let wire = RTUWireTime(baud: baud, bitsPerCharacter: 11)
        #expect(abs(milliseconds(wire.frame(bytes: 8)) - request) < 0.002)
        #expect(abs(milliseconds(wire.frame(bytes: 25)) - response) < 0.002)
        #expect(abs(milliseconds(wire.interFrameSilence) - silence) < 0.002)
        #expect(abs(milliseconds(wire.transaction(requestBytes: 8, responseBytes: 25)) - transaction) < 0.004)
    }

    @Test("t3.5 is 3.5 characters up to 19200 baud and 1.750 ms above")
    func silenceRule() {
        #expect(RTUWireTime(baud: 19200).interFrameSilence == .nanoseconds(2_005_208))
        #expect(RTUWireTime(baud: 38400).interFrameSilence == .microseconds(1750))
        #expect(RTUWireTime(baud: 1200).interFrameSilence == .nanoseconds(32_083_333))
    }

    @Test("125 registers at 9600 8E1: 3.2 transactions per second (§8)")
    func largestRead() {
        let rate = RTUWireTime(baud: 9600).transactionsPerSecond(requestBytes: 8, responseBytes: 255)
        #expect(abs(rate - 3.232) < 0.01)
    }
}

import DeviceMap
import Modbus
import Planner
import Testing

/// The RS-485 transaction model against the worked figures of ANCHORS.md §8.1.
@Suite("RS-485 bus time")
struct BusTimeTests {
    static func milliseconds(_ duration: Duration) -> Double { duration / .milliseconds(1) }

    @Test(
        "one FC03 transaction",
        arguments: [
            (9600, SerialPort.Parity.even, 10, 45.83),
            (9600, .even, 125, 309.38),
            (19200, .even, 10, 22.92),
            (115200, .even, 125, 28.61),
            (9600, .none, 10, 41.67),
            (115200, .none, 10, 6.36),
        ]
    )
    func transaction(baud: Int, parity: SerialPort.Parity, registers: Int, expected: Double) throws {
        let port = try SerialPort(path: "/dev/ttyS0", baud: baud, parity: parity)
        let read = PlannedRead(table: .holding, address: 0, count: registers, pointIDs: ["p"])
        let time = BusTimeEstimate.transactionTime(read, port: port, turnaround: .zero)
        #expect(abs(Self.milliseconds(time) - expected) < 0.02, "\(Self.milliseconds(time)) ms")
    }

    @Test func turnaroundAddsToEachTransaction() throws {
        let port = try SerialPort(path: "/dev/ttyS0", baud: 19200)
        let read = PlannedRead(table: .holding, address: 0, count: 10, pointIDs: ["p"])
        let time = BusTimeEstimate.transactionTime(read, port: port, turnaround: .milliseconds(20))
        #expect(abs(Self.milliseconds(time) - 42.92) < 0.02)
    }
}

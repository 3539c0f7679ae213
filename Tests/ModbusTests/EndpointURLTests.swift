import Modbus
import Testing

@Suite("Endpoint URLs")
struct EndpointURLTests {
    @Test func tcpWithPort() throws {
        #expect(try ModbusEndpoint(url: "tcp://10.0.0.5:1502") == .tcp(TCPEndpoint(host: "10.0.0.5", port: 1502)))
    }

    @Test func tcpDefaultsToPort502() throws {
        #expect(try ModbusEndpoint(url: "tcp://plc-1") == .tcp(TCPEndpoint(host: "plc-1", port: 502)))
    }

    @Test func tcpIPv6InBrackets() throws {
        let endpoint = try ModbusEndpoint(url: "tcp://[::1]:1502")
        #expect(endpoint == .tcp(TCPEndpoint(host: "::1", port: 1502)))
        #expect(endpoint.description == "tcp://[::1]:1502")
    }

    @Test func rtuWithEverySetting() throws {
        let endpoint = try ModbusEndpoint(url: "rtu:///dev/ttyUSB0?baud=19200&parity=N&data=8&stop=2")
        let expected = try SerialPort(path: "/dev/ttyUSB0", baud: 19200, parity: .none, dataBits: 8, stopBits: 2)
        #expect(endpoint == .rtu(expected))
        #expect(endpoint.description == "rtu:///dev/ttyUSB0?baud=19200&parity=N&data=8&stop=2")
    }

    @Test func rtuDefaultsTo9600EvenParity() throws {
        guard case .rtu(let port) = try ModbusEndpoint(url: "rtu:///dev/ttyS1") else {
            Issue.record("not an RTU endpoint")
            return
        }
        #expect(port.baud == 9600)
        #expect(port.parity == .even)
        #expect(port.dataBits == 8)
        #expect(port.stopBits == 1)
        #expect(port.bitsPerCharacter == 11)
    }

    @Test("baud rates libmodbus 3.1.6 would turn into 9600 are refused", arguments: [14400, 28800, 250000, 12345])
    func unsupportedBaudRate(baud: Int) {
        let error = #expect(throws: ModbusError.self) {
            try ModbusEndpoint(url: "rtu:///dev/ttyUSB0?baud=\(baud)")
        }
        #expect(error?.description.contains("baud rate \(baud) is not supported") == true)
        #expect(error?.description.contains("silently use 9600") == true)
    }

    @Test func supportedBaudRatesAreAccepted() throws {
        for baud in [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] {
            _ = try ModbusEndpoint(url: "rtu:///dev/ttyUSB0?baud=\(baud)")
        }
    }

    @Test(
        "bad URLs name what is wrong",
        arguments: [
            ("10.0.0.5:502", "is not an endpoint URL"),
            ("tcp://10.0.0.5:99999", "the port must be a number from 0 to 65535"),
            ("tcp://:502", "the host is missing"),
            ("rtu://dev/ttyUSB0", "absolute path"),
            ("rtu:///dev/ttyUSB0?parity=X", "parity must be N, E or O"),
            ("rtu:///dev/ttyUSB0?speed=9600", "unknown setting 'speed'; allowed: baud, parity, data, stop"),
            ("rtu:///dev/ttyUSB0?data=6", "data bits must be 7 or 8"),
            ("rtu:///dev/ttyUSB0?stop=3", "stop bits must be 1 or 2"),
        ]
    )
    func badURL(url: String, message: String) {
        let error = #expect(throws: ModbusError.self) { try ModbusEndpoint(url: url) }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }
}

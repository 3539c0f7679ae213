extension ModbusEndpoint {
    /// Parses an endpoint URL.
    ///
    /// - `tcp://HOST[:PORT]` — Modbus TCP; the port defaults to 502; IPv6 hosts go in brackets.
    /// - `rtu://DEVICE[?baud=B&parity=N|E|O&data=7|8&stop=1|2]` — Modbus RTU on a serial device,
    ///   for example `rtu:///dev/ttyUSB0?baud=9600&parity=E`; the format defaults to 9600 8E1.
    ///
    /// - `rtu+tcp://HOST:PORT[?baud=…]` — Modbus RTU frames over TCP to a serial device server in
    ///   transparent TCP-server mode; the query states the line behind it, for the bus time only.
    /// - `dtu://ID[?baud=…]` — a DTU that connects in to the DTU listener and registers with `ID`.
    ///
    /// - Throws: ``ModbusError`` of kind `invalidEndpoint` saying what is wrong and what is allowed.
    public init(url: String) throws(ModbusError) {
        if url.hasPrefix("rtu+tcp://") {
            let rest = String(url.dropFirst("rtu+tcp://".count))
            let parts = rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            let address = try Self.parseTCP(String(parts[0]), url: url)
            guard parts[0].contains(":"), !parts[0].hasSuffix("]") else {
                throw ModbusError(
                    .invalidEndpoint(
                        "'\(url)': a serial device server needs its port, as in rtu+tcp://10.0.0.7:4001 "
                            + "(the port of its TCP-server mode: 4001 on a Moxa NPort, as set on a USR-TCP232)"
                    )
                )
            }
            let line = try Self.parseRTU("/line" + (parts.count > 1 ? "?" + parts[1] : ""), url: url)
            self = .rtuOverTCP(RTUOverTCPEndpoint(host: address.host, port: address.port, line: line))
        } else if url.hasPrefix("dtu://") {
            let rest = String(url.dropFirst("dtu://".count))
            let parts = rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            let id = String(parts[0])
            guard !id.isEmpty, id.utf8.count <= 128,
                id.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "/" })
            else {
                throw ModbusError(
                    .invalidEndpoint(
                        "'\(url)': a DTU link is dtu://REGISTRATION-ID, the id its registration packet carries "
                            + "(1 to 128 printable ASCII characters without spaces or '/', e.g. dtu://860123456789012)"
                    )
                )
            }
            let line = try Self.parseRTU("/line" + (parts.count > 1 ? "?" + parts[1] : ""), url: url)
            self = .dtu(DTUEndpoint(registrationID: id, line: line))
        } else if url.hasPrefix("tcp://") {
            self = .tcp(try Self.parseTCP(String(url.dropFirst("tcp://".count)), url: url))
        } else if url.hasPrefix("rtu://") {
            self = .rtu(try Self.parseRTU(String(url.dropFirst("rtu://".count)), url: url))
        } else {
            throw ModbusError(
                .invalidEndpoint(
                    "'\(url)' is not an endpoint URL: write tcp://HOST:PORT (for example tcp://10.0.0.5:502), "
                        + "rtu:///dev/ttyUSB0?baud=9600&parity=E&data=8&stop=1, rtu+tcp://HOST:PORT "
                        + "(a serial device server) or dtu://REGISTRATION-ID (a DTU connecting in)"
                )
            )
        }
    }

    private static func parseTCP(_ rest: String, url: String) throws(ModbusError) -> TCPEndpoint {
        var authority = rest
        if authority.hasSuffix("/") { authority.removeLast() }
        guard !authority.isEmpty, !authority.contains("/"), !authority.contains("?") else {
            throw ModbusError(
                .invalidEndpoint("'\(url)': a TCP endpoint is tcp://HOST:PORT with nothing after the port")
            )
        }
        var host: String
        var portText: String?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw ModbusError(.invalidEndpoint("'\(url)': an IPv6 address needs a closing ']'"))
            }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                portText = String(after.dropFirst())
            } else if !after.isEmpty {
                throw ModbusError(.invalidEndpoint("'\(url)': expected ':PORT' after the IPv6 address"))
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            portText = String(authority[authority.index(after: colon)...])
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw ModbusError(.invalidEndpoint("'\(url)': the host is missing")) }
        var port = TCPEndpoint.defaultPort
        if let portText {
            guard let value = Int(portText), (0...65535).contains(value) else {
                throw ModbusError(
                    .invalidEndpoint("'\(url)': the port must be a number from 0 to 65535, not '\(portText)'")
                )
            }
            port = value
        }
        return TCPEndpoint(host: host, port: port)
    }

    private static func parseRTU(_ rest: String, url: String) throws(ModbusError) -> SerialPort {
        let parts = rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts[0])
        guard path.hasPrefix("/") else {
            throw ModbusError(
                .invalidEndpoint(
                    "'\(url)': the serial device needs an absolute path, as in rtu:///dev/ttyUSB0 (three slashes)"
                )
            )
        }
        var baud = 9600
        var parity = SerialPort.Parity.even
        var dataBits = 8
        var stopBits = 1
        let query = parts.count > 1 ? parts[1].split(separator: "&") : []
        for item in query {
            let pair = item.split(separator: "=", maxSplits: 1)
            let key = String(pair[0]).lowercased()
            let value = pair.count > 1 ? String(pair[1]) : ""
            switch key {
            case "baud":
                guard let number = Int(value) else {
                    throw ModbusError(.invalidEndpoint("'\(url)': baud must be a number, not '\(value)'"))
                }
                baud = number
            case "parity":
                switch value.uppercased() {
                case "N", "NONE": parity = .none
                case "E", "EVEN": parity = .even
                case "O", "ODD": parity = .odd
                default:
                    throw ModbusError(.invalidEndpoint("'\(url)': parity must be N, E or O, not '\(value)'"))
                }
            case "data":
                guard let number = Int(value) else {
                    throw ModbusError(.invalidEndpoint("'\(url)': data must be 7 or 8, not '\(value)'"))
                }
                dataBits = number
            case "stop":
                guard let number = Int(value) else {
                    throw ModbusError(.invalidEndpoint("'\(url)': stop must be 1 or 2, not '\(value)'"))
                }
                stopBits = number
            default:
                throw ModbusError(
                    .invalidEndpoint("'\(url)': unknown setting '\(key)'; allowed: baud, parity, data, stop")
                )
            }
        }
        return try SerialPort(path: path, baud: baud, parity: parity, dataBits: dataBits, stopBits: stopBits)
    }
}

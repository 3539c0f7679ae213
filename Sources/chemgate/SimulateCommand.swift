import ArgumentParser
import DeviceMap
import Foundation
import Logging
import Modbus
import Simulator

/// `chemgate simulate`: simulated Modbus devices over TCP and/or RTU, until interrupted.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Serve simulated Modbus devices over TCP and/or a serial line, for tests, demos and dry runs.",
        discussion: """
            Each unit serves addresses 0–999 of every table (anything above answers exception 02):
              holding 0      the unit id
              holding 1      ramp, +1 every 100 ms, wrapping at 1000
              holding 2      sine, 1000 ± 500, period 60 s
              holding 3      noise, 500 ± 50
              holding 4      step, 0 and 100 alternating every 10 s
              holding 10–999 the address itself (holding 100 reads 100)
              input A        10000 + A (input 0–4 mirror holding 0–4)
              coil A         on when A is even;  discrete A: on when A is a multiple of 3
            Writes to holding registers and coils are kept. A unit that is not simulated gets no reply
            on RTU and exception 0B (gateway target failed to respond) on TCP.

            Faults (--fault UNIT:FAULT, repeatable):
              3:no-reply              unit 3 never answers
              2:delay=300ms           unit 2 answers after 300 ms
              1:exception=2@100-109   unit 1 answers exception 02 for requests touching 100..109
              4:corrupt-crc           unit 4's RTU replies carry a corrupted CRC
              1:wrong-unit            unit 1's TCP replies carry unit id 2 (a gateway mixing up devices)
              1:protocol-id=1         unit 1's TCP replies carry protocol id 1 instead of 0
              1:mbap-length=65535     unit 1's TCP replies carry MBAP length 65535 (padded with zeros)
              1:max-registers=10      unit 1 answers exception 03 to reads of more than 10 registers
            --max-registers N gives every unit of --units the max-registers=N fault.

            Device maps (--map FILE with --units, or --device UNITS:FILE, repeatable) serve a map's \
            points instead, with plausible moving values: gas near zero, tank levels breathing slowly, \
            temperatures around 25 °C, totalisers counting. Only the map's addresses answer. Put a \
            map-served unit in a condition with --state UNIT:STATE, or by typing 'UNIT STATE' (or \
            'all STATE') on standard input while it runs. States: normal, alarm1, alarm2, fault, \
            calibration, warmup, overrange.

            Examples:
              chemgate simulate --tcp 127.0.0.1:1502 --units 1-4
              chemgate simulate --tcp 127.0.0.1:1502 --map Devices/honeywell/midas.yaml --units 1 --state 1:calibration
              chemgate simulate --rtu rtu:///tmp/sim --device 1-8:Devices/generic/combustible-gas-detector.yaml \\
                --device 9-12:Devices/generic/electrochemical-gas-module.yaml
              socat pty,raw,echo=0,link=/tmp/sim pty,raw,echo=0,link=/tmp/gw &
              chemgate simulate --rtu 'rtu:///tmp/sim?baud=19200&parity=E' --units 1,2,3 --fault 3:no-reply

            A serial device server stand-in (RTU frames over TCP, as a Moxa NPort or USR-TCP232 in \
            TCP-server mode carries them): --rtu-tcp HOST:PORT; the gateway links to rtu+tcp://HOST:PORT.
            A 4G DTU stand-in that connects out to a gateway's dtu_listen port, registers and serves RTU \
            frames there, reconnecting a second after its connection ends: --dtu HOST:PORT \
            --registration ID [--heartbeat TEXT --every 30s] [--heartbeat-in-replies]. ID and TEXT are \
            sent as ASCII, or as bytes when written hex:0102AB.
              chemgate simulate --rtu-tcp 127.0.0.1:4001 --device 1-4:Devices/generic/combustible-gas-detector.yaml
              chemgate simulate --dtu 127.0.0.1:9502 --registration 860123456789012 --heartbeat HB --every 30s --units 1

            Prints one line per endpoint when ready ("listening on tcp://127.0.0.1:1502 units 1,2") \
            and runs until SIGINT or SIGTERM.
            """
    )

    @Option(help: "Serve Modbus TCP on HOST:PORT (port 0 picks a free port).")
    var tcp: String?

    @Option(help: "Serve Modbus RTU on this endpoint URL or serial device path.")
    var rtu: String?

    @Option(
        name: .customLong("rtu-tcp"),
        help: "Serve Modbus RTU frames over TCP on HOST:PORT (a serial device server)."
    )
    var rtuTCP: String?

    @Option(help: "Act as a DTU: connect out to a gateway's DTU listener at HOST:PORT.")
    var dtu: String?

    @Option(help: "With --dtu: the registration packet, as ASCII text or hex:BYTES.")
    var registration: String?

    @Option(help: "With --dtu: the heartbeat packet, as ASCII text or hex:BYTES.")
    var heartbeat: String?

    @Option(help: "With --heartbeat: how often it is sent, e.g. 30s or 500ms (default 30s).")
    var every: String?

    @Flag(help: "With --heartbeat: also put a heartbeat in the middle of every reply (a DTU's worst case).")
    var heartbeatInReplies = false

    @Option(
        name: [.customLong("units"), .customLong("unit")],
        help: "Unit ids to simulate: a list and ranges, e.g. 1,2,5-8 (--unit N for one)."
    )
    var units: String = "1"

    @Option(name: .customLong("fault"), help: "Inject a fault: UNIT:FAULT (see above). Repeatable.")
    var faults: [String] = []

    @Option(
        name: .customLong("max-registers"),
        help: "Every unit answers exception 03 to reads of more than N registers (a small device buffer)."
    )
    var maxRegisters: Int?

    @Option(help: "Serve this device map on every unit of --units instead of the default layout.")
    var map: String?

    @Option(
        name: .customLong("device"),
        help: "Serve a device map on some units: UNITS:FILE, e.g. 1-8:Devices/x.yaml. Repeatable."
    )
    var devices: [String] = []

    @Option(
        name: .customLong("state"),
        help: "Start a map-served unit in a state: UNIT:STATE, e.g. 3:fault. Repeatable."
    )
    var states: [String] = []

    @Flag(
        help: """
            On --rtu, hold each reply for its frames' time on a real line at the port's baud rate and \
            character format (request + t3.5 + response, then t3.5 of silence): a pty pair then carries \
            no more transactions than the line would.
            """
    )
    var wireTime = false

    @Flag(help: "Default-layout registers from address 10 change at every read (throughput benchmarks).")
    var changing = false

    @Option(
        help: """
            The fraction F (0 to 1) of default-layout registers from address 10 that change at each read, \
            spread evenly over the addresses (throughput benchmarks; --changing is 1).
            """
    )
    var changeFraction: Double?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if dtu != nil, registration == nil {
            throw ValidationError("--dtu needs --registration ID: the id the gateway's DTU link is configured with")
        }
        if dtu == nil, registration != nil || heartbeat != nil {
            throw ValidationError("--registration and --heartbeat are for --dtu")
        }
        if heartbeat == nil, every != nil || heartbeatInReplies {
            throw ValidationError("--every and --heartbeat-in-replies need --heartbeat TEXT")
        }
        if let changeFraction, !(0...1).contains(changeFraction) {
            throw ValidationError("--change-fraction \(changeFraction): write a fraction from 0 to 1, e.g. 0.1")
        }
        if let maxRegisters, !(1...125).contains(maxRegisters) {
            throw ValidationError("--max-registers \(maxRegisters): write a count of 1–125 registers")
        }
        if let every, Self.parseDuration(every) == nil {
            throw ValidationError("--every '\(every)': write a duration such as 30s, 500ms or 2m")
        }
        _ = try parsedStates()
        _ = try parsedUnits()
        _ = try parsedFaults()
        do throws(ModbusError) {
            if let tcp { _ = try Self.parseHostPort(tcp) }
            if let rtu { _ = try Self.rtuPort(rtu) }
            if let rtuTCP { _ = try Self.parseHostPort(rtuTCP) }
            if let dtu { _ = try Self.parseHostPort(dtu) }
            _ = try dtuHeartbeat()
            if let registration { _ = try DTUBytes(parsing: registration) }
        } catch {
            throw ValidationError(error.reason)
        }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "chemgate.simulate")
        let maps = try loadedMaps()
        let units = map == nil && !devices.isEmpty && !unitsGiven ? [] : try parsedUnits()
        let limited = maxRegisters.map { count in
            Set(units).union(maps.keys).sorted().map { UnitFault(unit: $0, fault: .maxRegisters(count)) }
        }
        let simulator = Simulator(
            units: units,
            faults: try parsedFaults() + (limited ?? []),
            maps: maps,
            changesEveryRead: changing,
            changeFraction: changeFraction
        )
        for (unit, state) in try parsedStates() { simulator.setState(state, unit: unit) }
        let unitList = simulator.units.map(String.init).joined(separator: ",")
        var tcpServer: ModbusTCPServer?
        var rtuServer: ModbusRTUServer?
        var rtuTCPServer: ModbusRTUOverTCPServer?
        var dtuClient: DTUClient?
        do throws(ModbusError) {
            if let rtuTCP {
                let (host, port) = try Self.parseHostPort(rtuTCP)
                let server = try ModbusRTUOverTCPServer(host: host, port: port, handler: simulator, logger: logger)
                Console.out("listening on \(server.url) units \(unitList)")
                rtuTCPServer = server
            }
            if let dtu, let registration {
                let (host, port) = try Self.parseHostPort(dtu)
                let client = DTUClient(
                    host: host,
                    port: port,
                    registration: try DTUBytes(parsing: registration),
                    heartbeat: try dtuHeartbeat(),
                    handler: simulator,
                    logger: logger
                )
                Console.out("DTU \(client.registration) connecting to \(host):\(port) units \(unitList)")
                dtuClient = client
            }
            if tcp != nil || (rtu == nil && rtuTCP == nil && dtu == nil) {
                let (host, port) = try Self.parseHostPort(tcp ?? "127.0.0.1:1502")
                let server = try ModbusTCPServer(host: host, port: port, handler: simulator, logger: logger)
                Console.out("listening on \(server.endpoint) units \(unitList)")
                tcpServer = server
            }
            if let rtu {
                let server = try ModbusRTUServer(
                    port: try Self.rtuPort(rtu),
                    handler: simulator,
                    logger: logger,
                    holdsForWireTime: wireTime
                )
                Console.out("listening on \(server.port) units \(unitList)")
                rtuServer = server
            }
        } catch {
            Console.error("error: \(error)")
            throw ExitStatus(error).exitCode
        }
        if !maps.isEmpty { StateCommands.listen(simulator: simulator) }
        let signal = await ShutdownSignal.wait()
        Console.out("stopping on \(signal)")
        tcpServer?.stop()
        rtuServer?.stop()
        rtuTCPServer?.stop()
        dtuClient?.stop()
    }

    /// Whether --units was given (a --device-only simulator serves only its devices' units).
    private var unitsGiven: Bool {
        CommandLine.arguments.contains("--units") || CommandLine.arguments.contains("--unit")
    }

    private func loadedMaps() throws -> [UInt8: DeviceMap] {
        var result: [UInt8: DeviceMap] = [:]
        var cache: [String: DeviceMap] = [:]
        func load(_ path: String) throws -> DeviceMap {
            if let map = cache[path] { return map }
            do throws(ConfigErrors) {
                let map = try DeviceMapLoader.load(path: path)
                cache[path] = map
                return map
            } catch {
                Console.error(error.description)
                throw ExitStatus.usage.exitCode
            }
        }
        if let map {
            for unit in try parsedUnits() { result[unit] = try load(map) }
        }
        for device in devices {
            guard let colon = device.firstIndex(of: ":") else {
                throw ValidationError(
                    "--device '\(device)': write UNITS:FILE, e.g. 1-8:Devices/generic/combustible-gas-detector.yaml"
                )
            }
            for unit in try Self.parseUnits(String(device[..<colon])) {
                result[unit] = try load(String(device[device.index(after: colon)...]))
            }
        }
        return result
    }

    private func parsedStates() throws -> [(UInt8, DeviceState)] {
        try states.map { text in
            let parts = text.split(separator: ":").map(String.init)
            guard parts.count == 2, let unit = UInt8(parts[0]), let state = DeviceState(rawValue: parts[1]) else {
                throw ValidationError(
                    "--state '\(text)': write UNIT:STATE with a state of \(DeviceState.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            return (unit, state)
        }
    }

    private func parsedUnits() throws -> [UInt8] { try Self.parseUnits(units) }

    static func parseUnits(_ units: String) throws -> [UInt8] {
        var result: [UInt8] = []
        for item in units.split(separator: ",") {
            let bounds = item.split(separator: "-").map { UInt8($0.trimmingCharacters(in: .whitespaces)) }
            guard (1...2).contains(bounds.count), let first = bounds.first!, let last = bounds.last!, first <= last
            else {
                throw ValidationError("--units '\(units)': write unit ids 0–255 as a list and ranges, e.g. 1,2,5-8")
            }
            result.append(contentsOf: first...last)
        }
        guard !result.isEmpty else { throw ValidationError("--units needs at least one unit id") }
        return result
    }

    private func parsedFaults() throws -> [UnitFault] {
        try faults.map { text in
            do throws(SimulatorConfigurationError) {
                return try UnitFault(parsing: text)
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    static func rtuPort(_ text: String) throws(ModbusError) -> SerialPort {
        let url = text.hasPrefix("rtu://") ? text : "rtu://" + text
        guard case .rtu(let port) = try ModbusEndpoint(url: url) else {
            throw ModbusError(.invalidEndpoint("--rtu needs a serial device, such as rtu:///dev/ttyUSB0"))
        }
        return port
    }

    /// The heartbeat a DTU stand-in sends, from --heartbeat, --every and --heartbeat-in-replies.
    private func dtuHeartbeat() throws(ModbusError) -> HeartbeatInjection? {
        guard let heartbeat else { return nil }
        return HeartbeatInjection(
            packet: try DTUBytes(parsing: heartbeat),
            every: Self.parseDuration(every ?? "30s"),
            insideReplies: heartbeatInReplies
        )
    }

    /// `30s`, `500ms`, `2m`.
    static func parseDuration(_ text: String) -> Duration? {
        for (suffix, scale) in [("ms", 1), ("s", 1000), ("m", 60_000)] where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)), value > 0, value * Double(scale) <= 86_400_000
            else { return nil }
            return .milliseconds(Int64((value * Double(scale)).rounded()))
        }
        return nil
    }

    static func parseHostPort(_ text: String) throws(ModbusError) -> (String, Int) {
        guard case .tcp(let endpoint) = try ModbusEndpoint(url: text.hasPrefix("tcp://") ? text : "tcp://" + text)
        else {
            throw ModbusError(.invalidEndpoint("--tcp needs HOST:PORT, such as 127.0.0.1:1502"))
        }
        return (endpoint.host, endpoint.port)
    }
}

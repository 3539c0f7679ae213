import Glibc
import Logging
import Modbus
import Simulator
import Synchronization
import TestSupport
import Testing

/// `dtu://` links: DTUs (the simulator's stand-in, a real process's threads) connect in to the
/// gateway's listener, register, send heartbeats anywhere in the stream, reconnect, and impostors
/// are turned away.
@Suite("DTU links (inbound 4G/GPRS connections)")
struct DTULinkTests {
    static func listener(
        _ links: [DTULinkSettings],
        allow: DTUAllowList? = nil,
        logger: Logger = quietLogger
    ) throws -> DTUListener {
        try DTUListener(
            settings: DTUListenerSettings(host: "127.0.0.1", port: 0, allow: allow),
            links: links,
            logger: logger
        )
    }

    static func dtu(
        _ id: String,
        to listener: DTUListener,
        units: [UInt8] = [1],
        heartbeat: HeartbeatInjection? = nil
    ) throws -> DTUClient {
        DTUClient(
            host: "127.0.0.1",
            port: listener.port,
            registration: try DTUBytes(parsing: id),
            heartbeat: heartbeat,
            handler: Simulator(units: units),
            logger: quietLogger
        )
    }

    static func link(_ id: String, _ listener: DTUListener, timeout: Duration = .milliseconds(500)) throws -> ModbusLink
    {
        ModbusLink(
            endpoint: try ModbusEndpoint(url: "dtu://\(id)"),
            options: ModbusLinkOptions(responseTimeout: timeout, byteTimeout: timeout),
            logger: quietLogger,
            dtuListener: listener
        )
    }

    /// Waits until `condition` holds, for at most 5 s.
    static func eventually(_ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw TestFailure("not within 5 s: \(what)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func aDTUThatIsNotConnectedReadsAsLinkDownWithItsReason() async throws {
        let listener = try Self.listener([DTULinkSettings(linkID: "station-7", registrationID: "ST7")])
        defer { listener.stop() }
        let link = try Self.link("ST7", listener)
        let error = await #expect(throws: ModbusError.self) {
            try await link.readRegisters(.holding, unit: 1, address: 0, count: 1)
        }
        guard case .cannotOpen(let reason)? = error?.kind else {
            Issue.record("expected a link failure, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("DTU 'ST7' is not connected"), "\(reason)")
        #expect(reason.contains(listener.address), "\(reason)")
    }

    @Test func registersAndServesReads() async throws {
        let listener = try Self.listener([DTULinkSettings(linkID: "station-7", registrationID: "ST7")])
        defer { listener.stop() }
        let client = try Self.dtu("ST7", to: listener, units: [3])
        defer { client.stop() }
        try await Self.eventually("ST7 registered") { listener.status(registrationID: "ST7").connected }
        let link = try Self.link("ST7", listener)
        #expect(try await link.readRegisters(.holding, unit: 3, address: 0, count: 1) == [3])
        #expect(try await link.readRegisters(.holding, unit: 3, address: 100, count: 4) == [100, 101, 102, 103])
        let status = try #require(link.dtuStatus)
        #expect(status.connected && status.registrations == 1)
        #expect(status.remoteAddress?.hasPrefix("127.0.0.1:") == true, "\(String(describing: status.remoteAddress))")
        #expect(status.connectedSince != nil)
    }

    @Test func heartbeatsBetweenAndInsideRepliesAreTakenOut() async throws {
        let heartbeat = try DTUBytes(parsing: "HB-ST7")
        let listener = try Self.listener([
            DTULinkSettings(linkID: "station-7", registrationID: "ST7", heartbeat: heartbeat)
        ])
        defer { listener.stop() }
        // A heartbeat every 30 ms between replies, and one in the middle of every reply.
        let client = try Self.dtu(
            "ST7",
            to: listener,
            units: [1, 2],
            heartbeat: HeartbeatInjection(packet: heartbeat, every: .milliseconds(30), insideReplies: true)
        )
        defer { client.stop() }
        try await Self.eventually("ST7 registered") { listener.status(registrationID: "ST7").connected }
        let link = try Self.link("ST7", listener)
        for round in 0..<20 {
            let unit = UInt8(1 + round % 2)
            #expect(try await link.readRegisters(.holding, unit: unit, address: 10, count: 8) == Array(10...17))
            #expect(try await link.readRegisters(.holding, unit: unit, address: 0, count: 1) == [UInt16(unit)])
            try await Task.sleep(for: .milliseconds(10))
        }
        let status = try #require(link.dtuStatus)
        // 40 replies each carried one; the timer added more.
        #expect(status.heartbeats > 40, "\(status.heartbeats) heartbeats seen")
        #expect(status.lastHeartbeat != nil)
        let statistics = await link.statistics
        #expect(statistics.failures == 0, "no reply was damaged: \(statistics.errors)")
    }

    @Test func aReconnectingDTUReplacesItsOldConnection() async throws {
        let listener = try Self.listener([DTULinkSettings(linkID: "station-7", registrationID: "ST7")])
        defer { listener.stop() }
        let first = try Self.dtu("ST7", to: listener, units: [1])
        defer { first.stop() }
        try await Self.eventually("first registered") { listener.status(registrationID: "ST7").connected }
        let link = try Self.link("ST7", listener)
        #expect(try await link.readRegisters(.holding, unit: 1, address: 0, count: 1) == [1])
        let firstAddress = try #require(listener.status(registrationID: "ST7").remoteAddress)

        // The same DTU comes back over a new connection (a new local port) before the old one died.
        let second = try Self.dtu("ST7", to: listener, units: [2])
        defer { second.stop() }
        try await Self.eventually("second registered") { listener.status(registrationID: "ST7").registrations == 2 }
        first.stop()  // or, its connection closed by the listener, it would connect again in a second
        let status = listener.status(registrationID: "ST7")
        #expect(status.connected)
        #expect(status.remoteAddress != firstAddress, "now from \(String(describing: status.remoteAddress))")

        // The old connection is closed: the link loses it once, then reads through the new one.
        var values: [UInt16]?
        for _ in 0..<3 where values == nil {
            values = try? await link.readRegisters(.holding, unit: 2, address: 0, count: 1)
        }
        #expect(values == [2], "the new connection's unit 2 answers")
        #expect(await link.statistics.reconnects == 1)
    }

    @Test func anImpostorIsClosedAndLoggedOncePerAddressAndMinute() async throws {
        let log = CollectedLog()
        let listener = try Self.listener(
            [DTULinkSettings(linkID: "station-7", registrationID: "ST7")],
            logger: Logger(label: "test") { _ in CollectingLogHandler(log: log) }
        )
        defer { listener.stop() }
        for _ in 0..<3 {
            let socket = try Self.connectRaw(listener.port)
            defer { close(socket) }
            _ = "IMPOSTOR".withCString { write(socket, $0, 8) }
            // The listener closes the connection: read returns end of file.
            #expect(Self.readUntilClosed(socket), "the impostor's connection is closed")
        }
        let refusals = log.lines.withLock { $0.filter { $0.contains("IMPOSTOR") } }
        #expect(refusals.count == 1, "\(refusals)")
        #expect(refusals.first?.contains("127.0.0.1:") == true, "the refusal names the address: \(refusals)")
        #expect(listener.status(registrationID: "ST7").connected == false)
    }

    @Test func aConnectionWithoutRegistrationIsClosed() async throws {
        var settings = DTUListenerSettings(host: "127.0.0.1", port: 0)
        settings.registrationTimeout = .milliseconds(300)
        let listener = try DTUListener(
            settings: settings,
            links: [DTULinkSettings(linkID: "station-7", registrationID: "ST7")],
            logger: quietLogger
        )
        defer { listener.stop() }
        let socket = try Self.connectRaw(listener.port)
        defer { close(socket) }
        #expect(Self.readUntilClosed(socket))
    }

    @Test func anAddressOutsideTheAllowListIsRefused() async throws {
        let listener = try Self.listener(
            [DTULinkSettings(linkID: "station-7", registrationID: "ST7")],
            allow: try DTUAllowList(["10.0.0.0/8"])
        )
        defer { listener.stop() }
        let client = try Self.dtu("ST7", to: listener)
        defer { client.stop() }
        try await Task.sleep(for: .milliseconds(400))
        #expect(listener.status(registrationID: "ST7").registrations == 0)
        #expect(client.connections >= 1, "the DTU did connect, and was turned away")
    }

    @Test func twoDTUsOnOneListener() async throws {
        let listener = try Self.listener([
            DTULinkSettings(linkID: "station-7", registrationID: "ST7"),
            DTULinkSettings(linkID: "station-8", registrationID: "0860AB", registration: .hex),
        ])
        defer { listener.stop() }
        let seven = try Self.dtu("ST7", to: listener, units: [7])
        let eight = try Self.dtu("hex:0860AB", to: listener, units: [8])
        defer {
            seven.stop()
            eight.stop()
        }
        try await Self.eventually("both registered") {
            listener.status(registrationID: "ST7").connected && listener.status(registrationID: "0860AB").connected
        }
        let linkSeven = try Self.link("ST7", listener)
        let linkEight = try Self.link("0860AB", listener)
        async let a = linkSeven.readRegisters(.holding, unit: 7, address: 0, count: 1)
        async let b = linkEight.readRegisters(.holding, unit: 8, address: 0, count: 1)
        #expect(try await a == [7])
        #expect(try await b == [8])
        // Unit 8 is not behind DTU ST7: silence, as on its line.
        await #expect(throws: ModbusError.self) {
            try await linkSeven.readRegisters(.holding, unit: 8, address: 0, count: 1)
        }
    }

    // MARK: - Helpers

    static func connectRaw(_ port: Int) throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw TestFailure("cannot connect to the listener: errno \(errno)") }
        return socket
    }

    /// Whether the peer closes `socket` within 3 s.
    static func readUntilClosed(_ socket: Int32) -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        var scratch = [UInt8](repeating: 0, count: 64)
        let deadline = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < deadline {
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            if read(socket, &scratch, scratch.count) <= 0 { return true }
        }
        return false
    }
}

/// Log lines, for tests of what is logged and how often.
final class CollectedLog: Sendable {
    let lines = Mutex<[String]>([])
}

struct CollectingLogHandler: LogHandler {
    let log: CollectedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
        log.lines.withLock { $0.append("\(event.level) \(event.message) \(fields)") }
    }
}

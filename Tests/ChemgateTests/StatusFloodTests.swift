import Foundation
import Modbus
import Simulator
import TestSupport
import Testing

/// The status endpoint under attack: `chemgate run` under an open-file limit of 1024, flooded with
/// 1,100 slow and silent connections while its device drops off and comes back. Polling and
/// delivery go on, descriptors stay far below the limit, idle connections are closed, /healthz
/// answers after the flood, and nothing crashes.
@Suite("chemgate run: status endpoint flood")
struct StatusFloodTests {
    static let floodSize = 1100

    @Test func aFloodOfSlowConnectionsUnderAnOpenFileLimitOf1024() async throws {
        let simulator = Simulator(units: [1])
        var modbus = try ModbusTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quietLogger)
        let modbusPort = modbus.endpoint.port
        defer { modbus.stop() }
        let rig = try await GatewayRig.start(endpoint: "\(modbus.endpoint)", devices: DeliveryTests.simulatorDevice)
        defer { rig.receive.signal(SIGTERM) }
        // `ulimit -n` sets the soft and the hard limit: chemgate cannot raise it.
        let run = try ChildProcess(
            "/bin/bash",
            ["-c", "ulimit -n 1024 && exec \"$0\" run --config \"$1\"", try Tools.chemgate(), rig.config]
        )
        defer { run.signal(SIGKILL) }
        let site = RunSite.Port(rig.statusPort)
        try await site.waitUntilAnswering()
        #expect(try Self.openFileLimit(of: run.pid) == 1024)
        _ = try await Self.waitForRecords(rig, beyond: 0)

        // The flood: connections that send half a request head, or nothing at all.
        var flood = try (0..<Self.floodSize).map { _ in try RawConnection(port: rig.statusPort) }
        try await Task.sleep(for: .milliseconds(300))
        for (index, connection) in flood.enumerated() where index.isMultiple(of: 2) && connection.isConnected {
            connection.send("GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        }
        let floodStart = ContinuousClock.now

        // The device drops off and comes back: the gateway needs new sockets to reconnect.
        modbus.stop()
        try await Task.sleep(for: .milliseconds(300))
        modbus = try await Self.listen(simulator, port: modbusPort)
        let afterRestart = try await rig.counts().records
        let delivered = try await Self.waitForRecords(rig, beyond: afterRestart + 20, timeout: .seconds(8))
        #expect(delivered > afterRestart + 20, "polling and delivery go on during the flood")
        var descriptors = try Self.openDescriptors(of: run.pid)

        // Idle connections are closed (the first ones accepted, at least).
        let deadline = floodStart + .seconds(9)
        var closed = flood.filter(\.isClosedByPeer).count
        while closed < 100, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            closed = flood.filter(\.isClosedByPeer).count
            descriptors = max(descriptors, try Self.openDescriptors(of: run.pid))
        }
        #expect(closed >= 100, "\(closed) of \(Self.floodSize) slow connections closed by the server")
        #expect(descriptors < 400, "at most \(descriptors) descriptors open of 1024: the connection cap holds")
        #expect(run.isRunning, "\(run.text)")

        // The flood stops: /healthz answers again at once.
        flood.removeAll()
        var answered = false
        let healthDeadline = ContinuousClock.now + .seconds(5)
        while !answered, ContinuousClock.now < healthDeadline {
            answered = try await RunSite.healthz(port: rig.statusPort)
        }
        #expect(answered, "/healthz answers once the flood stops")
        #expect(run.isRunning, "\(run.text)")
        #expect(!run.text.contains("Fatal error"), "\(run.text)")
        run.signal(SIGTERM)
        #expect(try await run.waitForExit() == 0, "\(run.text)")
    }

    /// Serves `simulator` on `port` again (the old listener may take a moment to go).
    static func listen(_ simulator: Simulator, port: Int) async throws -> ModbusTCPServer {
        let deadline = ContinuousClock.now + .seconds(3)
        var server = try? ModbusTCPServer(host: "127.0.0.1", port: port, handler: simulator, logger: quietLogger)
        while server == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            server = try? ModbusTCPServer(host: "127.0.0.1", port: port, handler: simulator, logger: quietLogger)
        }
        guard let server else { throw TestFailure("cannot listen on 127.0.0.1:\(port) again") }
        return server
    }

    /// Waits until the receiver holds more than `count` records; returns how many it holds.
    static func waitForRecords(_ rig: GatewayRig, beyond count: Int, timeout: Duration = .seconds(10)) async throws
        -> Int
    {
        let deadline = ContinuousClock.now + timeout
        var records = try await rig.counts().records
        while records <= count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            records = try await rig.counts().records
        }
        return records
    }

    /// The soft open-file limit of a process, from /proc.
    static func openFileLimit(of pid: Int32) throws -> Int? {
        let limits = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)
        let line = limits.split(separator: "\n").first { $0.hasPrefix("Max open files") }
        return line?.split(separator: " ", omittingEmptySubsequences: true).dropFirst(3).first.flatMap { Int($0) }
    }

    /// How many descriptors a process has open.
    static func openDescriptors(of pid: Int32) throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
    }
}

import Foundation
import TestSupport
import Testing

/// `chemgate run` under systemd's `Type=notify`, with a datagram socket standing in for systemd:
/// READY=1 only once the status endpoint answers, WATCHDOG=1 while polling, STOPPING=1 at a stop.
@Suite("chemgate run: systemd notifications")
struct SystemdRunTests {
    @Test func readyWhenListeningWatchdogWhilePollingStoppingAtStop() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let site = try RunSite(endpoint: "\(endpoint)")
            let socketPath = site.directory.appendingPathComponent("notify").path
            let systemd = try DatagramSocket(binding: socketPath)
            let run = try site.run(environment: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "400000"])
            defer { run.signal(SIGKILL) }

            let first = try systemd.receive()
            #expect(first.hasPrefix("READY=1\nSTATUS=polling 1 devices on 1 links"), "\(first)")
            #expect(try await RunSite.healthz(port: site.statusPort), "READY=1 comes after the port is bound")
            var pings = 0
            while pings < 3 {
                let message = try systemd.receive()
                #expect(message == "WATCHDOG=1", "\(message)")
                pings += 1
            }
            run.signal(SIGTERM)
            var message = try systemd.receive()
            while message == "WATCHDOG=1" { message = try systemd.receive() }
            #expect(message == "STOPPING=1")
            #expect(try await run.waitForExit() == 0, "\(run.text)")
        }
    }

    @Test func noWatchdogPingsWhenSystemdAsksForNone() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let site = try RunSite(endpoint: "\(endpoint)")
            let socketPath = site.directory.appendingPathComponent("notify").path
            let systemd = try DatagramSocket(binding: socketPath)
            let run = try site.run(environment: ["NOTIFY_SOCKET": socketPath])
            defer { run.signal(SIGKILL) }
            #expect(try systemd.receive().hasPrefix("READY=1"))
            try await Task.sleep(for: .seconds(1))
            run.signal(SIGTERM)
            #expect(try systemd.receive() == "STOPPING=1", "nothing between READY=1 and STOPPING=1")
            #expect(try await run.waitForExit() == 0, "\(run.text)")
        }
    }
}

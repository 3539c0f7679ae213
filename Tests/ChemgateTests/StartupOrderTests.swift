import Foundation
import Modbus
import Outbox
import Simulator
import TestSupport
import Testing

/// `chemgate run` opens everything that can fail before the first poll: a start that fails says
/// why, first, and has read (and so lost) nothing.
@Suite("chemgate run: ordered start-up")
struct StartupOrderTests {
    @Test func aStatusPortInUseStopsTheStartBeforeAnythingIsPolled() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            // Another listener holds the status port: a second simulator's port.
            let squatter = try ModbusTCPServer(
                host: "127.0.0.1",
                port: 0,
                handler: Simulator(units: [1]),
                logger: quietLogger
            )
            defer { squatter.stop() }
            let port = squatter.endpoint.port
            // Three starts: whether a poll slips in before the bind fails is a race in a gateway
            // that does not order its start.
            for _ in 0..<3 {
                let site = try RunSite(endpoint: "\(endpoint)", statusPort: port)
                let run = try site.run(output: "log", logLevel: "info")
                let status = try await run.waitForExit()
                try await Task.sleep(for: .milliseconds(50))
                let output = run.text
                #expect(status == 1, "\(output)")
                let message =
                    "error: the status endpoint cannot listen on 127.0.0.1:\(port) (status.listen): the address is in use"
                #expect(output.contains(message), "\(output)")
                let firstError = output.split(separator: "\n").first { $0.contains("error") }
                #expect(
                    firstError.map(String.init)?.hasPrefix(message) == true,
                    "the port is the first error: \(output)"
                )
                #expect(!output.contains("lost"), "\(output)")
                #expect(!output.contains("ServiceGroupError"), "\(output)")
                let log = try DurableLog(path: site.logPath)
                #expect(try await log.records(in: 1...Int64.max).isEmpty, "nothing was polled")
            }
        }
    }

    @Test func anAddressNotOnThisMachineIsNamed() async throws {
        let directory = try Tools.temporaryDirectory()
        let config = directory.appendingPathComponent("site.yaml")
        let port = try Tools.freePort()
        try """
        gateway: { id: GW-RUN, enterprise: E }
        devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
        links: [ { id: plc, endpoint: "tcp://127.0.0.1:1" } ]
        status: { listen: "192.0.2.10:\(port)", token_env: CHEMGATE_TEST_STARTUP_TOKEN }
        storage: { path: "\(directory.appendingPathComponent("log.sqlite").path)" }
        devices: [ { id: gd-1, link: plc, unit: 1, map: generic/combustible-gas-detector } ]
        """.write(to: config, atomically: true, encoding: .utf8)
        setenv("CHEMGATE_TEST_STARTUP_TOKEN", "t0ken", 1)
        let result = try await ChildProcess.run(try Tools.chemgate(), ["run", "--config", config.path])
        #expect(result.status == 1, "\(result.output)")
        #expect(
            result.output.contains(
                "error: the status endpoint cannot listen on 192.0.2.10:\(port) (status.listen): no interface of this machine has that address"
            ),
            "\(result.output)"
        )
    }
}

import DeviceMap
import Foundation
import Modbus
import Simulator
import TestSupport
import Testing

/// `chemgate status --json`, `--nagios`, `--fleet` and `--timeout` against a running `chemgate run`.
@Suite("chemgate status for fleets")
struct StatusFleetTests {
    @Test func jsonNagiosAndFleet() async throws {
        let map = try DeviceMapLoader.load(
            path: Tools.repositoryRoot.appendingPathComponent("Devices/generic/combustible-gas-detector.yaml").path
        )
        let simulator = Simulator(units: [], faults: [], maps: [1: map])
        let server = try ModbusTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quietLogger)
        defer { server.stop() }
        let endpoint = ModbusEndpoint.tcp(server.endpoint)
        do {
            let port = try Tools.freePort()
            let directory = try Tools.temporaryDirectory()
            let config = directory.appendingPathComponent("site.yaml")
            try """
            gateway: { id: GW-FLEET, enterprise: E }
            devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
            links: [ { id: plc, endpoint: "\(endpoint)", timeout: 100ms } ]
            scan_classes: { fast: 200ms }
            default_scan: fast
            status: { listen: "127.0.0.1:\(port)", token_env: CHEMGATE_FLEET_TEST_TOKEN }
            devices:
              - { id: u1, link: plc, unit: 1, map: generic/combustible-gas-detector }
            """.write(to: config, atomically: true, encoding: .utf8)
            setenv("CHEMGATE_FLEET_TEST_TOKEN", "fl33t", 1)
            let run = try ChildProcess(try Tools.chemgate(), ["run", "--config", config.path, "--output", "jsonl"])
            defer { run.signal(SIGTERM) }
            try await run.waitForLine(containing: "\"device\":\"u1\"")
            let url = "http://127.0.0.1:\(port)"

            let json = try await ChildProcess.run(
                try Tools.chemgate(),
                ["status", "--url", url, "--token", "fl33t", "--json"]
            )
            let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
            let verdict = try #require(object?["verdict"] as? [String: Any], "\(json.output.prefix(500))")
            #expect(verdict["alarms_level2"] as? Int == 0)
            #expect(["intact", "degraded"].contains(verdict["monitoring"] as? String))

            let nagios = try await ChildProcess.run(
                try Tools.chemgate(),
                ["status", "--url", url, "--token", "fl33t", "--nagios"]
            )
            #expect(nagios.output.hasPrefix("CHEMGATE "), "\(nagios.output)")
            #expect(nagios.output.contains("| 'alarms_level2'=0;;1;0"), "\(nagios.output)")
            #expect([0, 1].contains(nagios.status))

            // A listener that accepts and never answers: the timeout, in words.
            let silent = try ChildProcess(
                "/usr/bin/python3",
                [
                    "-c",
                    "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen()\nprint('port', s.getsockname()[1], flush=True)\ntime.sleep(60)",
                ]
            )
            defer { silent.signal(SIGKILL) }
            let silentPort = try await silent.waitForLine(containing: "port ").dropFirst(5)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let fleetFile = directory.appendingPathComponent("fleet.txt")
            try """
            # name   url   token variable
            tanks    \(url)    CHEMGATE_FLEET_TEST_TOKEN
            dead     http://127.0.0.1:\(try Tools.freePort())
            silent   http://127.0.0.1:\(silentPort)
            """.write(to: fleetFile, atomically: true, encoding: .utf8)
            let started = ContinuousClock.now
            let fleet = try await ChildProcess.run(
                try Tools.chemgate(),
                ["status", "--fleet", fleetFile.path, "--timeout", "1"]
            )
            let elapsed = ContinuousClock.now - started
            let lines = fleet.output.split(separator: "\n").map(String.init)
            #expect(
                lines.contains { $0.hasPrefix("tanks") && ($0.contains("OK") || $0.contains("WARNING")) },
                "\(fleet.output)"
            )
            #expect(lines.contains { $0.hasPrefix("dead") && $0.contains("UNKNOWN") }, "\(fleet.output)")
            #expect(lines.contains { $0.hasPrefix("total 3") }, "\(fleet.output)")
            #expect(fleet.output.contains("dead: http://127.0.0.1"), "\(fleet.output)")
            #expect(fleet.output.contains("connection refused"), "\(fleet.output)")
            #expect(
                fleet.output.contains("silent: http://127.0.0.1:\(silentPort): no answer within 1 s"),
                "\(fleet.output)"
            )
            #expect(fleet.status == 3, "\(fleet.output)")
            #expect(elapsed < .seconds(6), "the gateways were not checked in parallel: \(elapsed)")

            // A level-2 alarm makes the whole fleet CRITICAL.
            simulator.setState(.alarm2, unit: 1)
            var critical = fleet
            for _ in 0..<40 where critical.status != 2 {
                try await Task.sleep(for: .milliseconds(100))
                critical = try await ChildProcess.run(
                    try Tools.chemgate(),
                    ["status", "--fleet", fleetFile.path, "--timeout", "1"]
                )
            }
            #expect(critical.status == 2, "\(critical.output)")
            #expect(critical.output.contains("CRITICAL LEVEL 2 ALARM"), "\(critical.output)")
        }
    }

    @Test func aBadFleetFileNamesTheLine() async throws {
        let file = try Tools.temporaryDirectory().appendingPathComponent("fleet.txt")
        try "tanks http://127.0.0.1:1\nloading-bay 10.0.0.8:8080\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try await ChildProcess.run(try Tools.chemgate(), ["status", "--fleet", file.path])
        #expect(result.status == 64)
        #expect(result.output.contains("fleet.txt:2: expected NAME URL [TOKEN_ENV]"), "\(result.output)")
    }
}

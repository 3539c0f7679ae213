import Foundation
import Modbus
import Simulator
import TestSupport
import Testing

/// `chemgate check --explain` and `chemgate read --map` on computed points and per-instance overrides,
/// run as processes.
@Suite("chemgate check --explain and read --map with computed points")
struct CheckExplainTests {
    static let root = Tools.repositoryRoot.path

    @Test func explainSaysWhereEachSettingComesFrom() async throws {
        let directory = try Tools.temporaryDirectory()
        let site = directory.appendingPathComponent("site.yaml")
        try """
        gateway: { id: GW, enterprise: E }
        devices_path: \(Self.root)/Devices
        links: [ { id: bus, endpoint: "tcp://127.0.0.1:1502" } ]
        devices:
          - id: PT-101
            link: bus
            unit: 1
            map: generic/analog-input-8ch-4-20ma
            points:
              ai_1: { range: { raw: [4000, 20000], eng: [0, 2.5] }, unit: MPa, alarms: { h: 2 } }
          - { id: OX-1, link: bus, unit: 2, map: dongxin/sf6-o2-detector }
        """.write(to: site, atomically: true, encoding: .utf8)
        let result = try await ChildProcess.run(try Tools.chemgate(), ["check", site.path, "--explain"])
        #expect(result.status == 0, "\(result.output)")
        let lines = result.output.split(separator: "\n").map(String.init)
        let ai1 = try #require(lines.first { $0.contains("ai_1 ") }, "\(result.output)")
        #expect(ai1.contains("raw 4000..20000 → 0..2.5 (site:10)"), "\(ai1)")
        #expect(ai1.contains("unit MPa (site:10)"), "\(ai1)")
        #expect(ai1.contains("alarms H 2 (site)"), "\(ai1)")
        let ai2 = try #require(lines.first { $0.contains("ai_2 ") })
        #expect(ai2.contains("raw 4000..20000 → 0..100 (map:"), "\(ai2)")
        let o2 = try #require(lines.first { $0.contains("o2 ") && $0.contains("= bits(") }, "\(result.output)")
        #expect(o2.contains("= bits(o2_raw, 8, 15) + bits(o2_raw, 0, 7) / 10"))
        #expect(o2.contains("unit %VOL (map:"))
        #expect(lines.contains { $0.contains("o2_raw") && $0.contains("holding 1 uint16 hidden") })
    }

    @Test func readMapShowsTheComputedValue() async throws {
        let simulator = Simulator(units: [1])
        let server = try ModbusTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quietLogger)
        defer { server.stop() }
        simulator.set(.holding, unit: 1, address: 0, to: 0x0BE8)
        simulator.set(.holding, unit: 1, address: 1, to: 0x1409)
        let result = try await ChildProcess.run(
            try Tools.chemgate(),
            ["read", "\(server.endpoint)", "--map", "\(Self.root)/Devices/dongxin/sf6-o2-detector.yaml", "--unit", "1"]
        )
        #expect(result.status == 0, "\(result.output)")
        let o2 = try #require(result.output.split(separator: "\n").first { $0.hasPrefix("  o2 ") }, "\(result.output)")
        #expect(o2.contains("20.9") && o2.contains("%VOL") && o2.contains("good"), "\(o2)")
        #expect(o2.contains("= bits(o2_raw, 8, 15)"))
        #expect(result.output.contains("3048"))
    }
}

import AsyncHTTPClient
import Foundation
import Modbus
import NIOCore
import Simulator
import TestSupport
import Testing

/// A uint64 counter above 2^53 from the simulator reaches `chemgate receive` with every digit:
/// `chemgate run` → durable log → batch JSON → the receiver's store, and `chemgate history`.
@Suite("Exact integers end to end")
struct ExactCounterDeliveryTests {
    static let map = """
        vendor: Test
        model: Counter
        source: { document: chemgate test fixture (a 64-bit totaliser) }
        points:
          - { id: total, table: holding, address: 100, type: uint64, category: other }
        """

    @Test func aUInt64CounterArrivesAtTheReceiverWithEveryDigit() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            // 0x0123456789ABCDEF = 81985529216486895; through a Double it would read 81985529216486896.
            for (offset, word) in [UInt16(0x0123), 0x4567, 0x89AB, 0xCDEF].enumerated() {
                simulator.set(.holding, unit: 1, address: 100 + offset, to: word)
            }
            let devices = try Tools.temporaryDirectory()
            let folder = devices.appendingPathComponent("test")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Self.map.write(to: folder.appendingPathComponent("counter.yaml"), atomically: true, encoding: .utf8)
            let rig = try await GatewayRig.start(
                endpoint: "\(endpoint)",
                devices: "[ { id: meter, link: plc, unit: 1, map: test/counter } ]",
                devicesPath: devices.path
            )
            let run = try rig.run()
            var latest = ""
            let deadline = ContinuousClock.now + .seconds(15)
            while !latest.contains("\"total\""), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                let response = try await HTTPClient.shared.execute(
                    HTTPClientRequest(url: rig.receiverURL + "/latest"),
                    timeout: .seconds(5)
                )
                latest = String(buffer: try await response.body.collect(upTo: 1 << 20))
            }
            run.signal(SIGTERM)
            _ = try await run.waitForExit()
            #expect(latest.contains("\"value\":81985529216486895"), "\(latest)")

            let stored = try await ChildProcess.run(
                try Tools.path(of: "sqlite3"),
                [
                    rig.directory.appendingPathComponent("receiver.sqlite").path,
                    "SELECT DISTINCT value FROM records WHERE device = 'meter' AND point = 'total'",
                ]
            )
            #expect(stored.output.trimmingCharacters(in: .whitespacesAndNewlines) == "81985529216486895")

            let history = try await rig.chemgate([
                "history", "--config", rig.config, "--device", "meter", "--point", "total", "--csv",
            ])
            #expect(history.status == 0)
            #expect(history.output.contains(",reading,81985529216486895,"), "\(history.output)")
            withExtendedLifetime(rig.receive) {}
        }
    }
}

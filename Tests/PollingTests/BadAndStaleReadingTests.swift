import GatewayCore
import Modbus
import Polling
import Simulator
import TestSupport
import Testing

/// What the poller makes of a faulted detector (no value, its raw registers) and of a device that
/// stops answering (stale, with `ts` at the last successful read), against the real simulator.
@Suite("Bad and stale readings")
struct BadAndStaleReadingTests {
    @Test func aFaultedDetectorReadsNoValueButItsRawRegisters() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            simulator.set(.holding, unit: 1, address: 0, to: 0x8000)  // the map's fault sentinel
            simulator.set(.holding, unit: 1, address: 1, to: 0)  // no status bits
            let fixture = try PollingFixture(
                """
                links: [ { id: plc, endpoint: "\(endpoint)" } ]
                scan_classes: { fast: 100ms }
                default_scan: fast
                devices: [ { id: gd, link: plc, unit: 1, map: generic/combustible-gas-detector } ]
                """
            )
            try await fixture.polling {
                try await fixture.sink.wait(for: "the faulted reading") {
                    await !$0.readings(device: "gd", point: "concentration").isEmpty
                }
                // The status API shows no value for it either, only the raw registers.
                let health = PollingHealth(site: fixture.site, service: fixture.service, configHash: "t", version: "t")
                let shown = try #require(await health.snapshot().points.first { $0.point == "concentration" })
                #expect(shown.quality == "bad" && shown.value == nil && shown.raw == "0x8000")
                simulator.set(.holding, unit: 1, address: 0, to: 100)  // 10.0 %LEL
                try await fixture.sink.wait(for: "a good reading") {
                    await $0.readings(device: "gd", point: "concentration").contains { $0.quality == .good }
                }
            }
            let readings = await fixture.sink.readings(device: "gd", point: "concentration")
            let faulted = try #require(readings.first)
            #expect(faulted.quality == .bad(.sensorFault))
            #expect(faulted.value == nil, "never the sentinel's -3276.8 %LEL")
            #expect(faulted.raw == "0x8000")
            let good = try #require(readings.last)
            #expect(good.value == .number(10))
            #expect(good.raw == nil)
        }
    }

    @Test func aStaleReadingKeepsTheTimeOfTheLastSuccessfulRead() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            // The reply timeout (3 s) is far longer than the staleness limit (2 × 100 ms): the point
            // goes stale while the poller still waits for the silent device.
            let fixture = try PollingFixture(
                """
                links: [ { id: plc, endpoint: "\(endpoint)", timeout: 3s } ]
                scan_classes: { fast: 100ms }
                default_scan: fast
                polling: { stale_after_periods: 2, retries: 0, report: every_poll }
                devices: [ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]
                """
            )
            try await fixture.polling {
                try await fixture.sink.wait(for: "three good polls") {
                    await $0.readings(device: "u1", point: "unit_id").count(where: { $0.quality == .good }) >= 3
                }
                simulator.setFaults([.noReply], unit: 1)
                try await fixture.sink.wait(for: "a stale reading", timeout: .seconds(8)) {
                    await $0.readings(device: "u1", point: "unit_id").contains { $0.quality == .bad(.stale) }
                }
            }
            let readings = await fixture.sink.readings(device: "u1", point: "unit_id")
            let staleIndex = try #require(readings.firstIndex { $0.quality == .bad(.stale) })
            let stale = readings[staleIndex]
            let lastGood = try #require(readings[..<staleIndex].last { $0.quality == .good })
            #expect(stale.timestamp == lastGood.timestamp, "ts is the last successful read")
            let detected = try #require(stale.staleSince)
            #expect(detected.milliseconds - stale.timestamp.milliseconds > 150, "found stale after 2 periods")
            #expect(stale.value == nil)
            #expect(stale.raw == nil)
            #expect(readings[..<staleIndex].allSatisfy { $0.staleSince == nil })
        }
    }
}

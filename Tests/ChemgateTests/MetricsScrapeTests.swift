import Foundation
import Modbus
import Simulator
import TestSupport
import Testing

@testable import chemgate

/// `/metrics` of a real `chemgate run` whose platform is unreachable, parsed by Python's
/// `prometheus_client` (an independent parser): the backlog that `/status` shows, a `# HELP` for every
/// family, the state gauges, and every failure series present at zero.
@Suite("/metrics during an upload outage")
struct MetricsScrapeTests {
    @Test func everyFamilyInTheCatalogueIsDocumented() throws {
        let docs = try String(
            contentsOf: Tools.repositoryRoot.appendingPathComponent("docs/metrics.md"),
            encoding: .utf8
        )
        for (name, help) in MetricCatalog.help {
            #expect(docs.contains("`\(name)`"), "docs/metrics.md does not list \(name)")
            #expect(!help.isEmpty && !help.contains("\n"), "\(name)")
        }
    }

    @Test func theBacklogAndTheStateAreScrapedAsStatusShowsThem() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            simulator.set(.holding, unit: 1, address: 0, to: 0)  // 0 %LEL
            simulator.set(.holding, unit: 1, address: 1, to: 0)  // no status bits (the simulator ramps it)
            let directory = try Tools.temporaryDirectory()
            let statusPort = try Tools.freePort()
            let deadPlatform = try Tools.freePort()  // nothing listens: every upload is refused
            let config = directory.appendingPathComponent("site.yaml")
            try """
            gateway: { id: GW-MET, enterprise: E }
            devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
            links: [ { id: plc, endpoint: "\(endpoint)", timeout: 200ms } ]
            scan_classes: { fast: 100ms }
            default_scan: fast
            storage: { path: "\(directory.appendingPathComponent("log.sqlite").path)" }
            status: { listen: "127.0.0.1:\(statusPort)" }
            uplinks: [ { id: park, url: "http://127.0.0.1:\(deadPlatform)", batch_delay: 50ms, heartbeat: 1s, timeout: 1s } ]
            devices: [ { id: gd-1, link: plc, unit: 1, map: generic/combustible-gas-detector } ]
            """.write(to: config, atomically: true, encoding: .utf8)
            let run = try ChildProcess(try Tools.chemgate(), ["run", "--config", config.path])
            defer { run.signal(SIGKILL) }
            try await RunSite.Port(statusPort).waitUntilAnswering()

            // Wait for a backlog that /status shows, then scrape.
            var lag = 0
            let deadline = ContinuousClock.now + .seconds(15)
            while ContinuousClock.now < deadline {
                let status = try await StatusFetch.status(port: statusPort)
                let uplinks = status["uplinks"] as? [[String: Any]] ?? []
                let park = uplinks.first { $0["id"] as? String == "park" }
                lag = park?["lag"] as? Int ?? 0
                if lag >= 5, park?["state"] as? String == "retrying" { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(lag >= 5, "no backlog in /status: \(run.text)")
            let (code, text) = try await StatusFetch.get(port: statusPort, "/metrics")
            #expect(code == 200)
            let families = try await StatusFetch.parse(metrics: text)

            // The backlog: what /status showed a moment before, or more (readings keep arriving).
            let depth = try #require(families.value("chemgate_outbox_depth", ["destination": "park"]), "\(text)")
            #expect(depth >= Double(lag), "/metrics says \(depth) waiting, /status said \(lag)")
            #expect((families.value("chemgate_uplink_last_ack_age_seconds", ["destination": "park"]) ?? 0) > 0)
            #expect(
                (families.value("chemgate_uplink_oldest_unacknowledged_age_seconds", ["destination": "park"]) ?? 0) > 0
            )
            #expect((families.value("chemgate_uplink_failures_total", ["destination": "park"]) ?? 0) >= 1, "\(text)")

            // Every family has its help.
            let undocumented = families.filter { $0.help.isEmpty }.map(\.name)
            #expect(undocumented.isEmpty, "families without # HELP: \(undocumented)")

            // The state, as gauges.
            #expect(families.value("chemgate_devices", ["state": "ok"]) == 1, "\(text)")
            #expect(families.value("chemgate_devices", ["state": "demoted"]) == 0)
            #expect(families.value("chemgate_link_up", ["link": "plc"]) == 1)
            #expect(families.value("chemgate_alarms_active", ["level": "level2"]) == 0)
            #expect(families.value("chemgate_clock_synchronized") != nil)
            #expect(families.value("chemgate_clock_offset_seconds") != nil)
            #expect(families.value("chemgate_dead_letters", ["destination": "park"]) == 0)

            // Its memory, as the kernel sees the process from outside a moment later (bytes, not kB).
            let status = try String(contentsOfFile: "/proc/\(run.pid)/status", encoding: .utf8)
            let outside = try #require(ProcessMemory.resident(status: status))
            let resident = try #require(families.value("chemgate_resident_memory_bytes"), "\(text)")
            let anonymous = try #require(families.value("chemgate_resident_anonymous_memory_bytes"))
            #expect(
                abs(resident - Double(outside.resident)) < Double(outside.resident) / 5,
                "\(resident) vs \(outside)"
            )
            #expect(abs(anonymous - Double(outside.anonymous)) < Double(outside.anonymous) / 5)
            #expect(anonymous < resident)
            let heap = try #require(families.value("chemgate_heap_in_use_bytes"))
            #expect(heap > 1_000_000 && heap < resident, "heap in use \(heap), resident \(resident)")
            #expect(families.value("chemgate_heap_held_free_bytes") != nil)
            // The log is open: SQLite holds its schema, statements and some cache, a part of the heap.
            let sqlite = try #require(families.value("chemgate_sqlite_memory_bytes"))
            #expect(sqlite > 50_000 && sqlite < heap, "SQLite \(sqlite), heap in use \(heap)")

            // Failure series exist before the first failure, at zero.
            let zeroes: [(String, [String: String])] = [
                ("chemgate_device_polls_total", ["device": "gd-1", "result": "failed"]),
                ("chemgate_scan_overruns_total", ["link": "plc", "scan_class": "fast"]),
                ("chemgate_link_failures_total", ["link": "plc"]),
                ("chemgate_link_reconnects_total", ["link": "plc"]),
                ("chemgate_uplink_dead_lettered_records_total", ["destination": "park"]),
                ("chemgate_outbox_dropped_records_total", ["reason": "size_cap_unacknowledged"]),
                ("chemgate_outbox_dropped_records_total", ["reason": "retention"]),
                ("chemgate_log_write_failures_total", [:]),
            ]
            for (name, labels) in zeroes {
                #expect(families.value(name, labels) == 0, "\(name) \(labels) missing or not 0 in:\n\(text)")
            }

            // A gas alarm shows in the gauge at the next scrape.
            simulator.set(.holding, unit: 1, address: 0, to: 600)  // 60 %LEL: level 2
            var level2: Double?
            let alarmDeadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < alarmDeadline {
                let scraped = try await StatusFetch.parse(
                    metrics: try await StatusFetch.get(port: statusPort, "/metrics").body
                )
                level2 = scraped.value("chemgate_alarms_active", ["level": "level2"])
                if level2 == 1 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(level2 == 1)
        }
    }
}

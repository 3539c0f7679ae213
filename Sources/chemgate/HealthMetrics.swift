import CoreMetrics
import GatewayCore
import Outbox
import Polling
import Synchronization
import Uplink

/// The gauges and counters `/metrics` computes from the gateway's state at each scrape, so that they
/// read what `/status` reads at the same moment (an uplink's backlog, devices by state, links, the
/// clock). Every series exists from the first scrape, failures at zero. The names and their help
/// text: ``MetricCatalog``, docs/metrics.md.
final class HealthMetrics: Sendable {
    /// One uplink's own counters (the status snapshot carries only some of them).
    struct UplinkSource: Sendable {
        var id: String
        var statistics: UplinkStatistics
    }

    static let deviceStates = ["ok", "failing", "demoted", "maintenance", "unknown"]

    private let uplinks: [UplinkSource]
    private let startedAt: Timestamp
    /// The last total seen for each counter mirrored from a running total, by series.
    private let totals = Mutex<[String: Int]>([:])

    init(uplinks: [UplinkSource], startedAt: Timestamp = .now()) {
        self.uplinks = uplinks
        self.startedAt = startedAt
    }

    func record(_ snapshot: HealthSnapshot, now: Timestamp = .now()) {
        PollingMetrics.prepare(
            devices: snapshot.devices.map { ($0.id, $0.link) },
            scanClasses: snapshot.scanClasses.map { ($0.link, $0.name) }
        )
        gauge("chemgate_start_time_seconds", [], Double(startedAt.milliseconds) / 1000)
        gauge(
            "chemgate_build_info",
            [("version", snapshot.gateway.version), ("config_hash", snapshot.gateway.configHash)],
            1
        )
        recordDevices(snapshot)
        recordLinks(snapshot)
        recordClock(snapshot.clock)
        mirror("chemgate_log_write_failures_total", [], total: snapshot.sinkFailures)
        if let outbox = snapshot.outbox {
            gauge("chemgate_outbox_bytes", [], Double(outbox.bytes))
            for reason in DropReason.allCases {
                mirror(
                    "chemgate_outbox_dropped_records_total",
                    [("reason", reason.rawValue)],
                    total: outbox.drops[reason.rawValue] ?? 0
                )
            }
        }
        recordUplinks(snapshot, now: now)
        if let memory = ProcessMemory.now() { recordMemory(memory) }
    }

    /// The gateway's own memory: resident (and its anonymous part, where a leak would show) and
    /// malloc's heap, so that a growing resident size can be told from a growing heap.
    private func recordMemory(_ memory: ProcessMemory) {
        gauge("chemgate_resident_memory_bytes", [], Double(memory.resident))
        gauge("chemgate_resident_anonymous_memory_bytes", [], Double(memory.residentAnonymous))
        gauge("chemgate_heap_in_use_bytes", [], Double(memory.heapInUse))
        gauge("chemgate_heap_held_free_bytes", [], Double(memory.heapHeldFree))
        gauge("chemgate_sqlite_memory_bytes", [], Double(memory.sqliteInUse))
    }

    private func recordDevices(_ snapshot: HealthSnapshot) {
        var counts = Dictionary(uniqueKeysWithValues: Self.deviceStates.map { ($0, 0) })
        for device in snapshot.devices { counts[device.state, default: 0] += 1 }
        for (state, count) in counts { gauge("chemgate_devices", [("state", state)], Double(count)) }
    }

    private func recordLinks(_ snapshot: HealthSnapshot) {
        for link in snapshot.links {
            let labels = [("link", link.id)]
            gauge("chemgate_link_up", labels, link.state == "up" ? 1 : 0)
            mirror("chemgate_link_failures_total", labels, total: link.failures)
            mirror("chemgate_link_reconnects_total", labels, total: link.reconnects)
        }
    }

    private func recordClock(_ clock: HealthSnapshot.Clock) {
        gauge("chemgate_clock_synchronized", [], clock.synchronized == true ? 1 : 0)
        gauge("chemgate_clock_offset_seconds", [], (clock.offsetMs ?? 0) / 1000)
    }

    private func recordUplinks(_ snapshot: HealthSnapshot, now: Timestamp) {
        for source in uplinks {
            let labels = [("destination", source.id)]
            let values = source.statistics.values
            let shown = snapshot.uplinks.first { $0.id == source.id }
            gauge("chemgate_outbox_depth", labels, Double(shown?.lag ?? 0))
            gauge("chemgate_dead_letters", labels, Double(shown?.deadLetters ?? 0))
            gauge("chemgate_uplink_backlog_problem", labels, shown?.backlogProblem == nil ? 0 : 1)
            gauge(
                "chemgate_uplink_oldest_unacknowledged_age_seconds",
                labels,
                shown?.oldestUnacknowledgedAgeSeconds ?? 0
            )
            let since = values.lastAcknowledgement ?? startedAt
            gauge(
                "chemgate_uplink_last_ack_age_seconds",
                labels,
                Double(max(0, now.milliseconds - since.milliseconds)) / 1000
            )
            mirror("chemgate_uplink_acknowledged_records_total", labels, total: values.acknowledged)
            mirror("chemgate_uplink_failures_total", labels, total: values.retries)
            mirror("chemgate_uplink_dead_lettered_records_total", labels, total: values.deadLettered)
            mirror("chemgate_uplink_heartbeats_total", labels, total: values.heartbeats)
        }
    }

    private func gauge(_ name: String, _ labels: [(String, String)], _ value: Double) {
        Gauge(label: name, dimensions: labels).record(value)
    }

    /// A counter that follows a running total kept elsewhere: increments by what the total grew
    /// since the last scrape. A total that went down (a log replaced) restarts from there.
    private func mirror(_ name: String, _ labels: [(String, String)], total: Int) {
        let key = ([name] + labels.map { "\($0.0)=\($0.1)" }).joined(separator: "|")
        let increase = totals.withLock { totals -> Int in
            let last = totals[key] ?? 0
            totals[key] = total
            return total >= last ? total - last : 0
        }
        let counter = Counter(label: name, dimensions: labels)
        if increase > 0 { counter.increment(by: increase) }
    }
}

/// The status endpoint's reporter with ``HealthMetrics`` brought up to date before each scrape.
struct MetricsReporter: HealthReporting {
    let base: any HealthReporting
    let metrics: HealthMetrics

    func snapshot() async -> HealthSnapshot { await base.snapshot() }
    func snapshot(points: PointSelection) async -> HealthSnapshot { await base.snapshot(points: points) }

    func setMaintenance(_ on: Bool, device: String) async -> Bool { await base.setMaintenance(on, device: device) }
    func switchMaintenance(_ on: Bool, device: String, operatorName: String?, client: String?) async -> Bool {
        await base.switchMaintenance(on, device: device, operatorName: operatorName, client: client)
    }

    func requestCatalogue(uplink: String) async -> CatalogueRequestResult {
        await base.requestCatalogue(uplink: uplink)
    }

    func refreshMetrics(from snapshot: HealthSnapshot) async { metrics.record(snapshot) }

    func reloadConfiguration(trigger: String) async -> ReloadOutcome? {
        await base.reloadConfiguration(trigger: trigger)
    }
}

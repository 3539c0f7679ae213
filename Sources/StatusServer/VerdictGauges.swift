import GatewayCore
import Prometheus

/// The three truths as Prometheus gauges, set from the same ``SiteVerdict`` as the page at every
/// scrape, and present (at zero) from the start:
/// `chemgate_monitoring_intact`, `chemgate_monitoring_state{state}`, `chemgate_alarms_active{level}`,
/// `chemgate_detectors_not_protecting{reason}`.
struct VerdictGauges: Sendable {
    private let intact: Gauge
    private let states: [(SiteVerdict.Monitoring, Gauge)]
    private let level2: Gauge
    private let level1: Gauge
    private let reasons: [(SiteVerdict.Exclusion, Gauge)]

    init(registry: PrometheusCollectorRegistry) {
        func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "chemgate", metricName: name, unitName: "", helpText: help)
        }
        intact = registry.makeGauge(
            descriptor: descriptor(
                "monitoring_intact",
                "1 when every device answers, every link is up, every uplink delivers and the clock is synchronised"
            )
        )
        let state = descriptor(
            "monitoring_state",
            "1 for the monitoring state the gateway is in (intact, degraded, lost, starting)"
        )
        states = SiteVerdict.Monitoring.allCases.map {
            ($0, registry.makeGauge(descriptor: state, labels: [("state", $0.rawValue)]))
        }
        let alarms = descriptor(
            "alarms_active",
            "Active alarms by severity: level2 (level 2, HH, LL, device alarm 2) and level1 (level 1, H, L, device alarm 1)"
        )
        level2 = registry.makeGauge(descriptor: alarms, labels: [("level", "level2")])
        level1 = registry.makeGauge(descriptor: alarms, labels: [("level", "level1")])
        let excluded = descriptor(
            "detectors_not_protecting",
            "Detectors that protect nothing right now, by their worst reason (fault, not_answering, calibration, maintenance, warmup)"
        )
        reasons = SiteVerdict.Exclusion.allCases.map {
            ($0, registry.makeGauge(descriptor: excluded, labels: [("reason", $0.rawValue)]))
        }
    }

    func update(_ verdict: SiteVerdict) {
        intact.set(to: verdict.monitoring == .intact ? 1.0 : 0.0)
        for (state, gauge) in states { gauge.set(to: verdict.monitoring == state ? 1.0 : 0.0) }
        level2.set(to: Double(verdict.alarmsLevel2))
        level1.set(to: Double(verdict.alarmsLevel1))
        for (reason, gauge) in reasons {
            gauge.set(to: Double(verdict.notProtecting.filter { $0.reason == reason }.count))
        }
    }
}

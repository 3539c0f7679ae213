import CoreMetrics

/// The poller's Prometheus metrics, through swift-metrics (the backend is chosen by the application).
///
/// - `chemgate_poll_cycle_duration_seconds{link,scan_class}`: time to run one scan cycle
/// - `chemgate_scan_overruns_total{link,scan_class}`: cycles skipped because the previous one ran late
/// - `chemgate_device_polls_total{device,link,result}`: polls answered or failed
/// - `chemgate_modbus_transactions_total{link}`: Modbus requests sent
struct PollingMetrics: Sendable {
    func cycle(link: String, scanClass: String, duration: Duration, skipped: Int) {
        let dimensions = [("link", link), ("scan_class", scanClass)]
        Timer(label: "chemgate_poll_cycle_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
            .recordNanoseconds(Int64(duration / .nanoseconds(1)))
        let overruns = Counter(label: "chemgate_scan_overruns_total", dimensions: dimensions)
        if skipped > 0 { overruns.increment(by: skipped) }
    }

    func poll(device: String, link: String, answered: Bool, transactions: Int) {
        Counter(
            label: "chemgate_device_polls_total",
            dimensions: [("device", device), ("link", link), ("result", answered ? "answered" : "failed")]
        )
        .increment()
        Counter(label: "chemgate_modbus_transactions_total", dimensions: [("link", link)]).increment(by: transactions)
    }
}

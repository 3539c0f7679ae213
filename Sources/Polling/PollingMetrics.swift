import CoreMetrics

/// The poller's Prometheus metrics, through swift-metrics (the backend is chosen by the application).
///
/// - `chemgate_poll_cycle_duration_seconds{link,scan_class}`: time to run one scan cycle
/// - `chemgate_scan_overruns_total{link,scan_class}`: cycles skipped because the previous one ran late
/// - `chemgate_device_polls_total{device,link,result}`: polls answered or failed
/// - `chemgate_modbus_transactions_total{link}`: Modbus requests sent
///
/// The counters exist from the start at zero (``prepare(devices:scanClasses:)``), so that an alert on
/// `rate(chemgate_device_polls_total{result="failed"}[5m])` sees its series before the first failure.
public struct PollingMetrics: Sendable {
    func cycle(link: String, scanClass: String, duration: Duration, skipped: Int) {
        Timer(
            label: "chemgate_poll_cycle_duration_seconds",
            dimensions: Self.cycleDimensions(link: link, scanClass: scanClass),
            preferredDisplayUnit: .seconds
        )
        .recordNanoseconds(Int64(duration / .nanoseconds(1)))
        let overruns = Counter(
            label: "chemgate_scan_overruns_total",
            dimensions: Self.cycleDimensions(link: link, scanClass: scanClass)
        )
        if skipped > 0 { overruns.increment(by: skipped) }
    }

    func poll(device: String, link: String, answered: Bool, transactions: Int) {
        Counter(
            label: "chemgate_device_polls_total",
            dimensions: Self.pollDimensions(device: device, link: link, answered: answered)
        )
        .increment()
        Counter(label: "chemgate_modbus_transactions_total", dimensions: [("link", link)]).increment(by: transactions)
    }

    /// Creates every counter series at zero: polls answered and failed for each device, overruns for
    /// each link's scan classes, transactions for each link. Creating one that exists changes nothing.
    public static func prepare(devices: [(id: String, link: String)], scanClasses: [(link: String, name: String)]) {
        for device in devices {
            for answered in [true, false] {
                _ = Counter(
                    label: "chemgate_device_polls_total",
                    dimensions: pollDimensions(device: device.id, link: device.link, answered: answered)
                )
            }
            _ = Counter(label: "chemgate_modbus_transactions_total", dimensions: [("link", device.link)])
        }
        for scanClass in scanClasses {
            _ = Counter(
                label: "chemgate_scan_overruns_total",
                dimensions: cycleDimensions(link: scanClass.link, scanClass: scanClass.name)
            )
        }
    }

    private static func cycleDimensions(link: String, scanClass: String) -> [(String, String)] {
        [("link", link), ("scan_class", scanClass)]
    }

    private static func pollDimensions(device: String, link: String, answered: Bool) -> [(String, String)] {
        [("device", device), ("link", link), ("result", answered ? "answered" : "failed")]
    }
}

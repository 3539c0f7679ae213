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
        Cycles(link: link, scanClass: scanClass).cycle(duration: duration, skipped: skipped)
    }

    /// One scan class's cycle metrics, looked up once (as ``DevicePolls``).
    struct Cycles: Sendable {
        let duration: Timer
        let overruns: Counter

        init(link: String, scanClass: String) {
            duration = Timer(
                label: "chemgate_poll_cycle_duration_seconds",
                dimensions: PollingMetrics.cycleDimensions(link: link, scanClass: scanClass),
                preferredDisplayUnit: .seconds
            )
            overruns = Counter(
                label: "chemgate_scan_overruns_total",
                dimensions: PollingMetrics.cycleDimensions(link: link, scanClass: scanClass)
            )
        }

        func cycle(duration length: Duration, skipped: Int) {
            duration.recordNanoseconds(Int64(length / .nanoseconds(1)))
            if skipped > 0 { overruns.increment(by: skipped) }
        }
    }

    func poll(device: String, link: String, answered: Bool, transactions: Int) {
        DevicePolls(device: device, link: link).poll(answered: answered, transactions: transactions)
    }

    /// One device's poll counters, looked up once: finding a counter by label and dimensions (the
    /// backend sanitises the names, hashes the labels and takes a lock) cost more than the count.
    struct DevicePolls: Sendable {
        let answered: Counter
        let failed: Counter
        let transactions: Counter

        init(device: String, link: String) {
            answered = Counter(
                label: "chemgate_device_polls_total",
                dimensions: PollingMetrics.pollDimensions(device: device, link: link, answered: true)
            )
            failed = Counter(
                label: "chemgate_device_polls_total",
                dimensions: PollingMetrics.pollDimensions(device: device, link: link, answered: false)
            )
            transactions = Counter(label: "chemgate_modbus_transactions_total", dimensions: [("link", link)])
        }

        func poll(answered: Bool, transactions count: Int) {
            (answered ? self.answered : failed).increment()
            transactions.increment(by: count)
        }
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

import Synchronization

/// Counters of the poller, read by tests, benchmarks and (later) the status endpoint while polling goes on.
public final class PollingStatistics: Sendable {
    /// One device's counters.
    public struct Device: Sendable, Hashable {
        /// Poll cycles started (probes included).
        public var polls = 0
        /// Polls the device answered.
        public var answered = 0
        /// Polls it did not answer.
        public var failed = 0
        /// Cycles skipped because the device was demoted.
        public var skipped = 0
        public var transactions = 0
        public var demoted = false
        /// When the device last answered.
        public var lastAnswer: ContinuousClock.Instant?
        /// What the device taught about the reads it accepts (run-time re-planning), for the status.
        public var lessons: [LessonReport] = []
    }

    /// One scan class on one link.
    public struct ScanClass: Sendable, Hashable {
        public var period: Duration
        /// Cycles run.
        public var cycles = 0
        /// Cycles skipped because the previous one ran past their start.
        public var overruns = 0
        /// Duration of the last cycle.
        public var lastCycle: Duration = .zero
        /// The average time between cycle starts (exponentially weighted).
        public var achievedPeriod: Duration?
        var lastStart: ContinuousClock.Instant?
    }

    /// One link.
    public struct Link: Sendable, Hashable {
        public var up = true
        public var downEvents = 0
        /// The failure that took the link down, while it is down.
        public var downReason: String?
    }

    private let state = Mutex(State())

    private struct State {
        var devices: [String: Device] = [:]
        var scanClasses: [String: ScanClass] = [:]
        var links: [String: Link] = [:]
        var sinkFailures = 0
        var sinkFailing = false
        var sinkLost = 0
    }

    public init() {}

    public var devices: [String: Device] { state.withLock { $0.devices } }

    /// Scan classes keyed `link/class`.
    public var scanClasses: [String: ScanClass] { state.withLock { $0.scanClasses } }

    public var links: [String: Link] { state.withLock { $0.links } }

    /// Failed attempts to store a batch in the sink (each is retried).
    public var sinkFailures: Int { state.withLock { $0.sinkFailures } }

    /// Whether the sink is refusing batches right now (they wait in memory and are retried).
    public var sinkFailing: Bool { state.withLock { $0.sinkFailing } }

    /// Readings and events given up at shutdown because the sink kept refusing them.
    public var sinkLost: Int { state.withLock { $0.sinkLost } }

    func recordSinkFailure() {
        state.withLock {
            $0.sinkFailures += 1
            $0.sinkFailing = true
        }
    }

    func recordSinkRecovered() { state.withLock { $0.sinkFailing = false } }

    func recordSinkLoss(_ count: Int) { state.withLock { $0.sinkLost += count } }

    func updateDevice(_ id: String, _ body: (inout Device) -> Void) {
        state.withLock { body(&$0.devices[id, default: Device()]) }
    }

    func updateScanClass(_ key: String, period: Duration, _ body: (inout ScanClass) -> Void) {
        state.withLock { body(&$0.scanClasses[key, default: ScanClass(period: period)]) }
    }

    func updateLink(_ id: String, _ body: (inout Link) -> Void) {
        state.withLock { body(&$0.links[id, default: Link()]) }
    }

    /// After a reload: forgets the scan classes (`link/class`) and devices no longer polled and the
    /// links not kept running, and takes the periods of the scan classes that stay.
    func keep(scanClasses: [String: Duration], devices: Set<String>, links: Set<String>) {
        state.withLock { state in
            state.scanClasses = state.scanClasses.filter { scanClasses[$0.key] != nil }
            for (key, period) in scanClasses where state.scanClasses[key] != nil {
                state.scanClasses[key]?.period = period
            }
            state.devices = state.devices.filter { devices.contains($0.key) }
            state.links = state.links.filter { links.contains($0.key) }
        }
    }
}

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
    }

    private let state = Mutex(State())

    private struct State {
        var devices: [String: Device] = [:]
        var scanClasses: [String: ScanClass] = [:]
        var links: [String: Link] = [:]
        var sinkFailures = 0
    }

    public init() {}

    public var devices: [String: Device] { state.withLock { $0.devices } }

    /// Scan classes keyed `link/class`.
    public var scanClasses: [String: ScanClass] { state.withLock { $0.scanClasses } }

    public var links: [String: Link] { state.withLock { $0.links } }

    /// Batches the sink failed to store.
    public var sinkFailures: Int { state.withLock { $0.sinkFailures } }

    func recordSinkFailure() { state.withLock { $0.sinkFailures += 1 } }

    func updateDevice(_ id: String, _ body: (inout Device) -> Void) {
        state.withLock { body(&$0.devices[id, default: Device()]) }
    }

    func updateScanClass(_ key: String, period: Duration, _ body: (inout ScanClass) -> Void) {
        state.withLock { body(&$0.scanClasses[key, default: ScanClass(period: period)]) }
    }

    func updateLink(_ id: String, _ body: (inout Link) -> Void) {
        state.withLock { body(&$0.links[id, default: Link()]) }
    }
}

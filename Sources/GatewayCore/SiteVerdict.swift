/// The three truths about a site, derived from one ``HealthSnapshot`` by pure rules (docs/status-api.md,
/// "The three truths"): is monitoring intact, which alarms are active, which detectors protect nothing
/// right now. Every view (the page's badge and tab title, `/status`, `chemgate status`, the metrics)
/// shows these and nothing else, so they can never disagree.
public struct SiteVerdict: Sendable, Codable, Hashable {
    /// Truth 1: can the gateway see the site and pass it on?
    public enum Monitoring: String, Sendable, Codable, Hashable, CaseIterable {
        /// Every device answers, every link is up, every uplink delivers, the clock is synchronised.
        case intact
        /// Part of the site cannot be seen or passed on (a device or line silent, an uplink stuck…).
        case degraded
        /// Nothing can be seen or kept: no device answers, or the log refuses readings.
        case lost
        /// Nothing has been polled yet.
        case starting
    }

    /// The one word the badge and the tab title show: the worst of the three truths.
    public enum Badge: String, Sendable, Codable, Hashable, CaseIterable {
        /// A level-2 (or high-high / low-low / device alarm 2) alarm is active.
        case alarm2 = "alarm_level2"
        /// A level-1 (or high / low / device alarm 1) alarm is active.
        case alarm1 = "alarm_level1"
        /// Monitoring is lost.
        case lost = "monitoring_lost"
        /// A detector is in fault or not answering: it protects nothing.
        case fault
        /// Monitoring is degraded (an uplink stuck, a link down, the clock unsynchronised…).
        case degraded
        /// Detectors are in calibration, inhibited, warming up or in maintenance; nothing else is wrong.
        case inhibited
        /// Nothing has been polled yet.
        case starting
        /// Monitoring intact, no alarm, every detector protecting.
        case ok
    }

    /// Why a detector protects nothing right now, worst first.
    public enum Exclusion: String, Sendable, Codable, Hashable, CaseIterable, Comparable {
        /// It reports a fault (fault bit, sensor fault, frozen value).
        case fault
        /// It does not answer.
        case notAnswering = "not_answering"
        /// Calibration or alarm inhibit.
        case calibration
        /// Maintenance mode (on the device or switched at the gateway).
        case maintenance
        /// Warming up after power-on.
        case warmup

        private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

        public static func < (lhs: Exclusion, rhs: Exclusion) -> Bool { lhs.rank < rhs.rank }
    }

    /// A detector that protects nothing right now.
    public struct Excluded: Sendable, Codable, Hashable {
        public var device: String
        public var reason: Exclusion
        public init(device: String, reason: Exclusion) {
            self.device = device
            self.reason = reason
        }
    }

    /// A problem in structured form: a ``code`` that names a sentence of the translation table and
    /// the values it fills in.
    public struct Problem: Sendable, Codable, Hashable {
        public enum Code: String, Sendable, Codable, Hashable, CaseIterable {
            /// No device on a line answers: one problem for the line, not one per device.
            case lineSilent = "line_silent"
            case linkDown = "link_down"
            case deviceNotAnswering = "device_not_answering"
            case uplinkStuck = "uplink_stuck"
            case logRefusing = "log_refusing"
            case clockUnsynchronised = "clock_unsynchronised"
            case deadLetters = "dead_letters"
            /// The log file was deleted or replaced under the running gateway.
            case logReplaced = "log_replaced"
            /// The log's file system is under `storage.min_free`: the log's size cap is tightened.
            case diskLow = "disk_low"
            /// A configuration reload was refused (errors in the file): the previous configuration runs on.
            case configRejected = "config_rejected"
            /// A problem the rules do not know, shown in its own words.
            case other
        }

        public var code: Code
        /// The link, device or uplink concerned.
        public var subject: String?
        /// Since when (ISO 8601 UTC), where known.
        public var since: String?
        /// A count (records waiting, devices on the line…).
        public var count: Int?
        /// For ``Code/lineSilent``: `rtu` or `tcp`, which decides what to check.
        public var kind: String?
        /// For ``Code/other``: the gateway's own words.
        public var text: String?
        /// Whether it breaks monitoring (false: a warning).
        public var breaksMonitoring: Bool

        public init(
            _ code: Code,
            subject: String? = nil,
            since: String? = nil,
            count: Int? = nil,
            kind: String? = nil,
            text: String? = nil,
            breaksMonitoring: Bool = true
        ) {
            self.code = code
            self.subject = subject
            self.since = since
            self.count = count
            self.kind = kind
            self.text = text
            self.breaksMonitoring = breaksMonitoring
        }
    }

    /// Thresholds of the rules.
    public struct Rules: Sendable, Hashable {
        /// An uplink whose oldest waiting record is older than this is stuck, even without an error.
        public var uplinkStuckAfterSeconds: Double
        /// A line with at least this many devices, none answering, is reported as one silent line.
        public var silentLineMinimumDevices: Int

        public init(uplinkStuckAfterSeconds: Double = 300, silentLineMinimumDevices: Int = 2) {
            self.uplinkStuckAfterSeconds = uplinkStuckAfterSeconds
            self.silentLineMinimumDevices = silentLineMinimumDevices
        }

        public static let standard = Rules()
    }

    public var monitoring: Monitoring
    /// Active alarms by severity: `level2` and `level1` (each counts every alarm of that severity).
    public var alarmsLevel2: Int
    public var alarmsLevel1: Int
    /// Detectors that protect nothing right now, worst reason first, then by id.
    public var notProtecting: [Excluded]
    /// What breaks monitoring, then warnings; a silent line is one problem.
    public var problems: [Problem]
    public var badge: Badge

    public init(
        monitoring: Monitoring,
        alarmsLevel2: Int,
        alarmsLevel1: Int,
        notProtecting: [Excluded],
        problems: [Problem],
        badge: Badge
    ) {
        self.monitoring = monitoring
        self.alarmsLevel2 = alarmsLevel2
        self.alarmsLevel1 = alarmsLevel1
        self.notProtecting = notProtecting
        self.problems = problems
        self.badge = badge
    }
}

extension SiteVerdict {
    /// How severe an alarm level is: 2 (level 2, HH, LL, device alarm 2), 1 (level 1, H, L, device
    /// alarm 1) or 0 (a device fault: not an alarm of gas, but a detector not protecting).
    public static func severity(ofLevel level: String) -> Int {
        switch level {
        case "level2", "HH", "LL", "device_alarm2": 2
        case "device_fault": 0
        default: 1
        }
    }

    /// Which truth the badge shows, given the three.
    public static func badge(
        monitoring: Monitoring,
        alarmsLevel2: Int,
        alarmsLevel1: Int,
        notProtecting: [Excluded]
    ) -> Badge {
        if alarmsLevel2 > 0 { return .alarm2 }
        if alarmsLevel1 > 0 { return .alarm1 }
        if monitoring == .lost { return .lost }
        if notProtecting.contains(where: { $0.reason == .fault || $0.reason == .notAnswering }) { return .fault }
        if monitoring == .degraded { return .degraded }
        if !notProtecting.isEmpty { return .inhibited }
        if monitoring == .starting { return .starting }
        return .ok
    }
}

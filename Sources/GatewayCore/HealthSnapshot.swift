/// Everything the status endpoint shows about a running gateway (`GET /status`, docs/status-api.md).
/// Encoded with snake_case keys.
public struct HealthSnapshot: Sendable, Codable, Hashable {
    public struct Gateway: Sendable, Codable, Hashable {
        public var id: String
        public var enterprise: String
        public var name: String?
        public var version: String
        public var configHash: String
        public var startedAt: String
        public var uptimeSeconds: Int
        public init(
            id: String,
            enterprise: String,
            name: String?,
            version: String,
            configHash: String,
            startedAt: String,
            uptimeSeconds: Int
        ) {
            self.id = id
            self.enterprise = enterprise
            self.name = name
            self.version = version
            self.configHash = configHash
            self.startedAt = startedAt
            self.uptimeSeconds = uptimeSeconds
        }
    }

    public struct Clock: Sendable, Codable, Hashable {
        /// Whether the kernel reports the clock synchronised (NTP/chrony); nil when it cannot tell.
        public var synchronized: Bool?
        /// The kernel's estimate of the clock offset, in milliseconds, where it exposes one.
        public var offsetMs: Double?
        public init(synchronized: Bool?, offsetMs: Double?) {
            self.synchronized = synchronized
            self.offsetMs = offsetMs
        }
    }

    public struct Link: Sendable, Codable, Hashable {
        public var id: String
        public var endpoint: String
        /// `up`, `down` or `idle` (nothing sent yet).
        public var state: String
        public var reconnects: Int
        public var transactions: Int
        public var failures: Int
        public var rttP50Ms: Double?
        public var rttP99Ms: Double?
        /// Failures by kind: `timeout`, `exception_02`, `bad_crc`, `connection_refused`, …
        public var errors: [String: Int]
        public init(
            id: String,
            endpoint: String,
            state: String,
            reconnects: Int,
            transactions: Int,
            failures: Int,
            rttP50Ms: Double?,
            rttP99Ms: Double?,
            errors: [String: Int]
        ) {
            self.id = id
            self.endpoint = endpoint
            self.state = state
            self.reconnects = reconnects
            self.transactions = transactions
            self.failures = failures
            self.rttP50Ms = rttP50Ms
            self.rttP99Ms = rttP99Ms
            self.errors = errors
        }
    }

    public struct Device: Sendable, Codable, Hashable {
        public var id: String
        public var name: String?
        public var location: String?
        public var link: String
        public var unit: Int
        /// `ok`, `failing`, `demoted`, `maintenance` or `unknown` (not polled yet).
        public var state: String
        public var lastGoodRead: String?
        public var polls: Int
        public var answered: Int
        /// answered / polls, or nil before the first poll.
        public var successRatio: Double?
        public init(
            id: String,
            name: String?,
            location: String?,
            link: String,
            unit: Int,
            state: String,
            lastGoodRead: String?,
            polls: Int,
            answered: Int,
            successRatio: Double?
        ) {
            self.id = id
            self.name = name
            self.location = location
            self.link = link
            self.unit = unit
            self.state = state
            self.lastGoodRead = lastGoodRead
            self.polls = polls
            self.answered = answered
            self.successRatio = successRatio
        }
    }

    public struct ScanClass: Sendable, Codable, Hashable {
        public var link: String
        public var name: String
        public var configuredPeriodMs: Double
        /// The average time between cycle starts.
        public var achievedPeriodMs: Double?
        public var cycles: Int
        public var overruns: Int
        public var lastCycleMs: Double
        public init(
            link: String,
            name: String,
            configuredPeriodMs: Double,
            achievedPeriodMs: Double?,
            cycles: Int,
            overruns: Int,
            lastCycleMs: Double
        ) {
            self.link = link
            self.name = name
            self.configuredPeriodMs = configuredPeriodMs
            self.achievedPeriodMs = achievedPeriodMs
            self.cycles = cycles
            self.overruns = overruns
            self.lastCycleMs = lastCycleMs
        }
    }

    public struct Point: Sendable, Codable, Hashable {
        public var device: String
        public var point: String
        public var name: String?
        public var indicator: String?
        public var value: Value?
        public var unit: String?
        public var quality: String
        public var reason: String?
        public var ts: String
        public init(
            device: String,
            point: String,
            name: String?,
            indicator: String?,
            value: Value?,
            unit: String?,
            quality: String,
            reason: String?,
            ts: String
        ) {
            self.device = device
            self.point = point
            self.name = name
            self.indicator = indicator
            self.value = value
            self.unit = unit
            self.quality = quality
            self.reason = reason
            self.ts = ts
        }
    }

    public struct Alarm: Sendable, Codable, Hashable {
        public var device: String
        public var point: String
        public var indicator: String?
        public var level: String
        public var value: Double?
        public var limit: Double?
        public var unit: String?
        public var since: String
        public init(
            device: String,
            point: String,
            indicator: String?,
            level: String,
            value: Double?,
            limit: Double?,
            unit: String?,
            since: String
        ) {
            self.device = device
            self.point = point
            self.indicator = indicator
            self.level = level
            self.value = value
            self.limit = limit
            self.unit = unit
            self.since = since
        }
    }

    /// The durable log; nil when readings go elsewhere (`run --output jsonl`).
    public struct Outbox: Sendable, Codable, Hashable {
        /// Records not yet acknowledged by the slowest platform.
        public var depth: Int
        public var bytes: Int
        public var oldestUnacknowledgedAgeSeconds: Double?
        /// Rows dropped by retention or the size cap, by reason.
        public var drops: [String: Int]
        public var deadLetters: Int

        public init(
            depth: Int,
            bytes: Int,
            oldestUnacknowledgedAgeSeconds: Double?,
            drops: [String: Int],
            deadLetters: Int
        ) {
            self.depth = depth
            self.bytes = bytes
            self.oldestUnacknowledgedAgeSeconds = oldestUnacknowledgedAgeSeconds
            self.drops = drops
            self.deadLetters = deadLetters
        }
    }

    /// One platform the gateway forwards to.
    public struct Uplink: Sendable, Codable, Hashable {
        public var id: String
        /// The platform's URL, without credentials (``Redaction``).
        public var url: String
        /// `ok`, `retrying` (the last attempt failed) or `idle` (nothing sent yet).
        public var state: String
        public var lastAcknowledgement: String?
        /// Records waiting for this platform.
        public var lag: Int
        public var oldestUnacknowledgedAgeSeconds: Double?
        public var lastError: String?
        public var acknowledged: Int
        public var deadLetters: Int
        /// `rising`, `falling` or `steady`: the backlog's trend over the last seconds.
        public var backlogTrend: String?
        /// How long the backlog has kept growing, in seconds; nil when it is not growing.
        public var backlogGrowingSeconds: Double?
        /// Why the backlog is a problem (its oldest record too old, or growing too long); nil when fine.
        public var backlogProblem: String?

        public init(
            id: String,
            url: String,
            state: String,
            lastAcknowledgement: String?,
            lag: Int,
            oldestUnacknowledgedAgeSeconds: Double?,
            lastError: String?,
            acknowledged: Int,
            deadLetters: Int
        ) {
            self.id = id
            self.url = Redaction.userinfo(in: url)
            self.state = state
            self.lastAcknowledgement = lastAcknowledgement
            self.lag = lag
            self.oldestUnacknowledgedAgeSeconds = oldestUnacknowledgedAgeSeconds
            self.lastError = lastError.map(Redaction.userinfo(in:))
            self.acknowledged = acknowledged
            self.deadLetters = deadLetters
        }
    }

    public var gateway: Gateway
    public var clock: Clock
    public var healthy: Bool
    /// What makes the gateway unhealthy, in words.
    public var problems: [String]
    /// What deserves attention without making it unhealthy (e.g. an unsynchronised clock).
    public var warnings: [String]
    public var links: [Link]
    public var devices: [Device]
    public var scanClasses: [ScanClass]
    public var points: [Point]
    public var alarms: [Alarm]
    public var outbox: Outbox?
    public var uplinks: [Uplink] = []
    /// Failed attempts to store readings in the log (each is retried).
    public var sinkFailures: Int
    /// Whether the log is refusing readings right now (they wait in memory and are retried).
    public var sinkFailing: Bool

    public init(
        gateway: Gateway,
        clock: Clock,
        healthy: Bool,
        problems: [String],
        warnings: [String],
        links: [Link],
        devices: [Device],
        scanClasses: [ScanClass],
        points: [Point],
        alarms: [Alarm],
        outbox: Outbox?,
        sinkFailures: Int,
        sinkFailing: Bool = false
    ) {
        self.gateway = gateway
        self.clock = clock
        self.healthy = healthy
        self.problems = problems
        self.warnings = warnings
        self.links = links
        self.devices = devices
        self.scanClasses = scanClasses
        self.points = points
        self.alarms = alarms
        self.outbox = outbox
        self.sinkFailures = sinkFailures
        self.sinkFailing = sinkFailing
    }
}

/// What the status endpoint reads from the running gateway; the poller provides it.
public protocol HealthReporting: Sendable {
    /// The gateway's state now.
    func snapshot() async -> HealthSnapshot
    /// Switches a device's maintenance mode; false when there is no such device.
    func setMaintenance(_ on: Bool, device: String) async -> Bool
}

extension Value: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let number): try container.encode(number)
        case .bool(let flag): try container.encode(flag)
        case .text(let text): try container.encode(text)
        }
    }
}

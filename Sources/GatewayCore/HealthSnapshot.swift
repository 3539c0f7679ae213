/// Everything the status endpoint shows about a running gateway (`GET /status`, docs/status-api.md).
/// Encoded with snake_case keys.
public struct HealthSnapshot: Sendable, Codable, Hashable {
    public struct Gateway: Sendable, Codable, Hashable {
        public var id: String
        public var enterprise: String
        public var name: String?
        public var version: String
        public var configHash: String
        /// When the configuration in force was loaded (at start, or by the last successful reload).
        public var configLoadedAt: String? = nil
        /// Why the last reload was refused (`file:line:column: …`), until a reload succeeds; the running
        /// configuration stays in force meanwhile.
        public var configRejected: String? = nil
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
        /// Why the link is down (its last connection failure), while it is down.
        public var reason: String?
        /// On a DTU link: its connection as the DTU listener sees it.
        public var dtu: DTU?
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

    /// A DTU link's connection (docs/serial-servers-and-dtus.md).
    public struct DTU: Sendable, Codable, Hashable {
        /// The id its registration packet carries.
        public var registration: String
        /// Whether a registered connection is held now.
        public var connected: Bool
        /// `IP:PORT` of the current connection (the last one while disconnected).
        public var remoteAddress: String?
        /// When the current (or last) connection registered.
        public var connectedSince: String?
        /// When the last heartbeat packet arrived.
        public var lastHeartbeat: String?
        /// Heartbeat packets taken out of the stream since the gateway started.
        public var heartbeats: Int
        /// Registrations accepted since the gateway started (reconnections included).
        public var registrations: Int
        public init(
            registration: String,
            connected: Bool,
            remoteAddress: String?,
            connectedSince: String?,
            lastHeartbeat: String?,
            heartbeats: Int,
            registrations: Int
        ) {
            self.registration = registration
            self.connected = connected
            self.remoteAddress = remoteAddress
            self.connectedSince = connectedSince
            self.lastHeartbeat = lastHeartbeat
            self.heartbeats = heartbeats
            self.registrations = registrations
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
        /// answered / polls over the last minutes (`chemgate run`: 5 min), or nil before a poll in that window.
        public var recentSuccessRatio: Double?
        /// What the device taught about the reads it accepts (run-time re-planning); absent when nothing.
        public var learned: [Lesson]?
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
        /// When the value was measured (for a stale point, its last successful read).
        public var ts: String
        /// On a bad reading, its registers as read (`0x7FFF`), for diagnosis; the value is then absent.
        public var raw: String?
        /// On a stale point, when staleness was detected.
        public var staleSince: String?
        public init(
            device: String,
            point: String,
            name: String?,
            indicator: String?,
            value: Value?,
            unit: String?,
            quality: String,
            reason: String?,
            ts: String,
            raw: String? = nil,
            staleSince: String? = nil
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
            self.raw = raw
            self.staleSince = staleSince
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
        /// Set while the log file was deleted or replaced under the running gateway (its problem text).
        public var fileProblem: String? = nil
        /// Set while the log's file system is under `storage.min_free` (its problem text).
        public var diskProblem: String? = nil

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

    /// An event as the status page lists it (the last 50 of the log).
    public struct Event: Sendable, Codable, Hashable {
        /// ``GatewayEvent/Kind``'s raw value: `alarm_raised`, `alarm_cleared`, `device_demoted`, …
        public var kind: String
        public var device: String?
        public var point: String?
        public var link: String?
        public var level: String?
        public var value: Double?
        public var unit: String?
        public var ts: String
        /// Why, in the gateway's (English) words.
        public var reason: String

        public init(_ event: GatewayEvent) {
            kind = event.kind.rawValue
            device = event.device
            point = event.point
            link = event.link
            level = event.level?.rawValue
            value = event.value?.numeric
            unit = event.unit
            ts = event.timestamp.description
            reason = event.reason
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
    /// The three truths (``SiteVerdict``), filled in by the status endpoint (``HealthSnapshot/judged()``);
    /// nil in a snapshot from a gateway that predates them.
    public var verdict: SiteVerdict?
    /// The last events of the durable log, newest first; nil without a log.
    public var recentEvents: [Event]?

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

extension HealthSnapshot {
    /// The snapshot with its ``verdict`` filled in by the rules.
    public func judged(rules: SiteVerdict.Rules = .standard) -> HealthSnapshot {
        var copy = self
        copy.verdict = SiteVerdict(snapshot: self, rules: rules)
        return copy
    }
}

/// What the status endpoint reads from the running gateway; the poller provides it.
public protocol HealthReporting: Sendable {
    /// The gateway's state now.
    func snapshot() async -> HealthSnapshot
    /// The gateway's state now, with the latest readings of the points `points` selects: what needs
    /// only the links, devices and log (`/readyz`), or the points the verdict reads (`/metrics`),
    /// does not copy 10,000 readings as text.
    func snapshot(points: PointSelection) async -> HealthSnapshot
    /// Switches a device's maintenance mode; false when there is no such device.
    func setMaintenance(_ on: Bool, device: String) async -> Bool
    /// Asks a profile uplink to send its point catalogue again (`POST /uplinks/ID/catalogue`).
    func requestCatalogue(uplink: String) async -> CatalogueRequestResult
    /// Switches a device's maintenance mode on an operator's request and records it (an event upstream,
    /// kept across restarts); false when there is no such device.
    /// - Parameters:
    ///   - operatorName: who, as the request names them (`operator` or `by`), if it does.
    ///   - client: the requesting client's address.
    func switchMaintenance(_ on: Bool, device: String, operatorName: String?, client: String?) async -> Bool
    /// Brings the metrics computed from the gateway's state up to date from `snapshot`; `/metrics`
    /// calls it before rendering with the one snapshot the scrape reads, so a scrape reads what
    /// `/status` reads at that moment, and its verdict gauges agree with the other metrics.
    func refreshMetrics(from snapshot: HealthSnapshot) async
    /// Reloads the gateway's configuration; nil where the reporter cannot (tests, `chemgate receive`).
    func reloadConfiguration(trigger: String) async -> ReloadOutcome?
}

extension HealthReporting {
    /// The whole snapshot, then only the points asked for: a reporter whose snapshot is cheap.
    public func snapshot(points: PointSelection) async -> HealthSnapshot { await snapshot().selecting(points) }

    /// Nothing to refresh: the reporter's metrics are all kept up to date as things happen.
    public func refreshMetrics(from snapshot: HealthSnapshot) async {}

    /// No reload: a reporter that does not run a configuration.
    public func reloadConfiguration(trigger: String) async -> ReloadOutcome? { nil }
    /// Switches without recording who: ``setMaintenance(_:device:)``.
    public func switchMaintenance(_ on: Bool, device: String, operatorName: String?, client: String?) async -> Bool {
        await setMaintenance(on, device: device)
    }
}

extension Value: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let integer = try? container.decode(Int64.self) {
            self = .integer(Int128(integer))
        } else if let integer = try? container.decode(UInt64.self) {
            self = .integer(Int128(integer))
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
        case .integer(let integer):
            if let signed = Int64(exactly: integer) {
                try container.encode(signed)
            } else if let unsigned = UInt64(exactly: integer) {
                try container.encode(unsigned)
            } else {
                try container.encode(Double(integer))
            }
        case .bool(let flag): try container.encode(flag)
        case .text(let text): try container.encode(text)
        }
    }
}

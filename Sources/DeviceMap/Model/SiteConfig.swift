import Formula
public import Modbus

/// A site: the gateway, its links, its devices and where their data goes. Loaded from `chemgate.yaml`.
public struct SiteConfig: Sendable, Hashable {
    /// The file, as named when loading.
    public var path: String
    public var gateway: GatewayIdentity
    public var links: [LinkConfig]
    /// Scan classes by name, with their periods.
    public var scanClasses: [String: Duration]
    /// The scan class of points and devices that name none.
    public var defaultScanClass: String
    public var devices: [DeviceConfig]
    public var uplinks: [UplinkConfig]
    public var storage: StorageConfig
    public var status: StatusConfig
    public var polling: PollingSettings
    /// Where DTUs connect in (`dtu_listen`), when the site has DTU links.
    public var dtuListener: DTUListenerSettings? = nil
    /// Scan classes that set their own report mode (`fast: { period: 100ms, report: every_poll }`).
    public var scanClassReports: [String: ReportMode] = [:]

    /// A point's report mode: its own, else its scan class's, else the site's (`polling.report`).
    public func reportMode(of point: SitePoint) -> ReportMode {
        point.report ?? scanClassReports[point.scanClass] ?? polling.report
    }

    public func link(_ id: String) -> LinkConfig? { links.first { $0.id == id } }

    /// Scan classes, fastest first.
    public var orderedScanClasses: [(name: String, period: Duration)] {
        scanClasses.map { ($0.key, $0.value) }.sorted { ($0.period, $0.name) < ($1.period, $1.name) }
    }
}

/// Who the gateway is to the platform.
public struct GatewayIdentity: Sendable, Hashable {
    /// The gateway's id at the platform.
    public var id: String
    /// The enterprise code (企业编码, e.g. the unified social credit code).
    public var enterprise: String
    public var name: String?

    public init(id: String, enterprise: String, name: String? = nil) {
        self.id = id
        self.enterprise = enterprise
        self.name = name
    }
}

/// One Modbus link: a TCP endpoint, a serial port, a serial device server or a DTU.
public struct LinkConfig: Sendable, Hashable {
    public var id: String
    public var endpoint: ModbusEndpoint
    public var options: ModbusLinkOptions
    public var description: String?
    /// On a `dtu://` link: its registration and heartbeat packets and allowed addresses.
    public var dtu: DTULinkSettings? = nil
    /// On `rtu+tcp://` and `dtu://` links, the network round trip stated by `round_trip`.
    public var networkRoundTrip: Duration? = nil

    /// The network round trip each transaction pays on top of the line's own time: `round_trip`,
    /// or 20 ms to a serial device server on the local network and 300 ms to a 4G/GPRS DTU.
    public var estimatedRoundTrip: Duration {
        switch endpoint {
        case .tcp, .rtu: .zero
        case .rtuOverTCP: networkRoundTrip ?? .milliseconds(20)
        case .dtu: networkRoundTrip ?? .milliseconds(300)
        }
    }
}

/// One device instance at the site.
public struct DeviceConfig: Sendable, Hashable {
    public var id: String
    /// The instance name, e.g. `罐区A T-101 液位计`.
    public var name: String?
    /// Where it is, e.g. `罐区A T-101`.
    public var location: String?
    public var link: String
    public var unit: UInt8
    /// The map reference as written (`honeywell/midas`).
    public var mapReference: String
    public var map: DeviceMap
    public var scanClass: String
    public var enabled: Bool
    public var maintenance: Bool
    /// Site settings per point id.
    public var overrides: [String: PointOverride]
    /// The line of the device in the site file, for messages.
    public var line: Int

    /// The device's points with the site's settings applied, disabled points left out.
    ///
    /// A hidden input (`hidden: true`) without a scan class of its own is read in the scan class of the
    /// first computed point that uses it, so that the formula finds it in the same poll.
    public var points: [SitePoint] {
        var inputScanClasses: [String: String] = [:]
        for point in map.points {
            guard let formula = point.formula, let computedClass = overrides[point.id]?.scanClass else { continue }
            for reference in formula.references where inputScanClasses[reference.name] == nil {
                guard map.point(reference.name)?.hidden == true, overrides[reference.name]?.scanClass == nil
                else { continue }
                inputScanClasses[reference.name] = computedClass
            }
        }
        return map.points.compactMap { definition in
            let override = overrides[definition.id]
            guard override?.enabled ?? true else { return nil }
            var alarms = definition.alarms
            if let site = override?.alarms { alarms = (alarms ?? AlarmLimits()).merged(with: site) }
            var definition = definition
            if let conversion = override?.conversion { definition = definition.applying(conversion) }
            definition.reportDeadband = override?.reportDeadband ?? definition.reportDeadband
            definition.frozenAfter = override?.frozenAfter ?? definition.frozenAfter
            return SitePoint(
                definition: definition,
                indicator: override?.indicator,
                tag: override?.tag,
                platformName: override?.name,
                hazardCode: override?.hazardCode,
                alarms: alarms,
                scanClass: override?.scanClass ?? inputScanClasses[definition.id] ?? scanClass,
                report: override?.report
            )
        }
    }
}

/// A site's settings for one point.
public struct PointOverride: Sendable, Hashable {
    /// The platform's indicator code (指标编码 / 位号).
    public var indicator: String?
    /// The plant's DCS tag (位号), e.g. `AT-101`, where the platform wants it beside the indicator code.
    public var tag: String?
    /// The point's name at the platform (e.g. `氯苯储罐A液位`), replacing the map's generic name there.
    public var name: String?
    /// The code of the major hazard source (重大危险源编码) the point monitors.
    public var hazardCode: String?
    public var alarms: AlarmLimits?
    public var scanClass: String?
    public var enabled: Bool?
    public var reportDeadband: Double?
    public var frozenAfter: Duration?
    /// The point's own report mode (`report`), over its scan class's and the site's.
    public var report: ReportMode?
    /// This instrument's range, scale, unit, measuring range and decimals, over the map's.
    public var conversion: ConversionOverride? = nil
}

/// A point as the site polls it.
///
/// Small: the definition is one shared reference (``PointDefinition``), and the site's own settings
/// (indicator, tag, platform name, hazard code, alarms other than the map's) are one shared reference
/// too, absent when the site gives none. Equal and hashed by content.
public struct SitePoint: Sendable, Hashable {
    public var definition: PointDefinition {
        get { storedDefinition }
        set {
            // Without settings of its own, the point's alarms are its definition's: keep them.
            if settings == nil, newValue.alarms != storedDefinition.alarms {
                settings = SitePointSettings.Storage(resolved)
            }
            storedDefinition = newValue
        }
    }
    public var indicator: String? {
        get { settings?.fields.indicator }
        set { set(\.indicator, to: newValue) }
    }
    /// The DCS tag (位号), when the site gives one.
    public var tag: String? {
        get { settings?.fields.tag }
        set { set(\.tag, to: newValue) }
    }
    /// The point's name at the platform, when the site gives one (else the map's name is used).
    public var platformName: String? {
        get { settings?.fields.platformName }
        set { set(\.platformName, to: newValue) }
    }
    /// The major hazard source code (重大危险源编码), when the site gives one.
    public var hazardCode: String? {
        get { settings?.fields.hazardCode }
        set { set(\.hazardCode, to: newValue) }
    }
    public var alarms: AlarmLimits? {
        get { settings.map(\.fields.alarms) ?? storedDefinition.alarms }
        set { set(\.alarms, to: newValue) }
    }
    public var scanClass: String
    /// The point's own report mode, when the site file sets one for it (else its scan class's, else the
    /// site's: ``SiteConfig/reportMode(of:)``).
    public var report: ReportMode? = nil

    private var storedDefinition: PointDefinition
    /// The site's settings of the point; nil when it gives none and the alarms are the definition's.
    private var settings: SitePointSettings.Storage?

    public init(
        definition: PointDefinition,
        indicator: String? = nil,
        tag: String? = nil,
        platformName: String? = nil,
        hazardCode: String? = nil,
        alarms: AlarmLimits? = nil,
        scanClass: String,
        report: ReportMode? = nil
    ) {
        self.storedDefinition = definition
        self.scanClass = scanClass
        self.report = report
        let fields = SitePointSettings(
            indicator: indicator,
            tag: tag,
            platformName: platformName,
            hazardCode: hazardCode,
            alarms: alarms
        )
        if fields != SitePointSettings(alarms: definition.alarms) { settings = SitePointSettings.Storage(fields) }
    }

    public var id: String { storedDefinition.id }

    /// The site's settings, the definition's alarms when it gives none.
    private var resolved: SitePointSettings { settings?.fields ?? SitePointSettings(alarms: storedDefinition.alarms) }

    private mutating func set<Value: Equatable>(_ field: WritableKeyPath<SitePointSettings, Value>, to value: Value) {
        var fields = resolved
        guard fields[keyPath: field] != value else { return }
        fields[keyPath: field] = value
        settings =
            fields == SitePointSettings(alarms: storedDefinition.alarms) ? nil : SitePointSettings.Storage(fields)
    }

    public static func == (lhs: SitePoint, rhs: SitePoint) -> Bool {
        lhs.storedDefinition == rhs.storedDefinition && lhs.scanClass == rhs.scanClass && lhs.report == rhs.report
            && (lhs.settings === rhs.settings || lhs.resolved == rhs.resolved)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storedDefinition)
        hasher.combine(scanClass)
        hasher.combine(report)
        hasher.combine(resolved)
    }
}

/// An upstream platform the gateway sends its data to. Used by the uplink.
public struct UplinkConfig: Sendable, Hashable {
    public var id: String
    public var url: String
    /// The name of the environment variable holding the bearer token (never the token itself in logs).
    public var tokenEnvironment: String?
    /// The name of the environment variable holding the HMAC-SHA256 signing secret.
    public var hmacSecretEnvironment: String?
    public var batchRecords: Int
    public var batchBytes: Int
    public var batchDelay: Duration
    public var heartbeat: Duration
    public var gzip: Bool
    /// zlib's compression level for gzipped batches (`gzip_level:`, 1 fastest to 9 smallest; default 1):
    /// level 1 costs about 0.6 µs of CPU per record and makes the body about a quarter larger than
    /// zlib's default 6, which costs 1.5 µs (docs/sizing.md).
    public var gzipLevel = 1
    public var caFile: String?
    public var clientCertificate: String?
    public var clientKey: String?
    public var timeout: Duration
    /// The platform profile (`profile:`): a name in the site's profiles directory or a path to a
    /// profile file, resolved against the site file's directory; nil for chemgate's own format.
    public var profile: String?
    /// Where the profile is looked for when it is given by name (the site's `profiles_path`, resolved).
    public var profilesDirectory: String?
    /// Site values the profile refers to as `${site.NAME}` (`profile_values:`), e.g. app id, district code.
    public var profileValues: [String: String] = [:]
    /// Secrets the profile uses (`profile_secrets:`), by name: where each is read from, `env:NAME` or
    /// `file:PATH` (never the secret itself).
    public var profileSecrets: [String: String] = [:]
    /// How long a connection attempt may take (`connect_timeout`), apart from the request's `timeout`.
    public var connectTimeout: Duration = .seconds(3)
    /// A record older than this when it is sent is labelled `backfill` (`live_window`).
    public var liveWindow: Duration = .seconds(10)
    /// A backlog whose oldest record is older than this is a problem in the status (`backlog_max_age`).
    public var backlogMaxAge: Duration = .seconds(60)
    /// A backlog that keeps growing for longer than this is a problem in the status (`backlog_max_growth`).
    public var backlogMaxGrowth: Duration = .seconds(60)
    /// How many batches an HTTP uplink keeps in flight (`in_flight`, 1–64); MQTT uplinks have theirs in
    /// ``MQTTUplinkConfig/inFlight``.
    public var inFlight = 4
    /// The MQTT settings of an `mqtt://` or `mqtts://` uplink; nil for HTTP uplinks.
    public var mqtt: MQTTUplinkConfig?
}

/// The local log: history and outbox. Used by the storage layer.
public struct StorageConfig: Sendable, Hashable {
    /// The SQLite file.
    public var path: String = "chemgate.sqlite"
    /// How long history is kept (at least 30 days for major hazard sources).
    public var retention: Duration = .seconds(30 * 86400)
    /// The disk-size cap in bytes.
    public var maxBytes: Int = 2_000_000_000
    /// The share of the log's file system that must stay free (`min_free`, 0–50 %): below it the size
    /// cap tightens, a `disk_low` event is raised and the status shows a problem.
    public var minFree: Double = 0.05

    public init() {}
}

/// The status endpoint. Used by the status server.
public struct StatusConfig: Sendable, Hashable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// The name of the environment variable holding the access token.
    public var tokenEnvironment: String?
    /// Whether a token is written in the file (discouraged: prefer `token_env`).
    public var token: String?
    /// The site's time zone (IANA name) for the status page's times.
    public var timeZone = "Asia/Shanghai"

    public init() {}
}

/// How devices are polled and readings reported. The `polling:` section of the site file.
public struct PollingSettings: Sendable, Hashable {
    /// Extra attempts of a failed read before it counts as failed.
    public var retries = 1
    /// Failed poll cycles in a row before a device is demoted.
    public var demoteAfter = 3
    /// How often a demoted device is probed.
    public var probeInterval: Duration = .seconds(30)
    /// A point not refreshed for this many of its scan periods is stale.
    public var staleAfterPeriods = 3
    /// The period of the full snapshot of every point.
    public var snapshotInterval: Duration = .seconds(60)
    /// The site's report mode (`polling.report`); a scan class or a point may set its own.
    public var report: ReportMode = .exception

    public init() {}
}

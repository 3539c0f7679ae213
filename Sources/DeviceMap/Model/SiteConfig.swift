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
}

/// One Modbus link: a TCP endpoint or a serial port.
public struct LinkConfig: Sendable, Hashable {
    public var id: String
    public var endpoint: ModbusEndpoint
    public var options: ModbusLinkOptions
    public var description: String?
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
    public var points: [SitePoint] {
        map.points.compactMap { definition in
            let override = overrides[definition.id]
            guard override?.enabled ?? true else { return nil }
            var alarms = definition.alarms
            if let site = override?.alarms { alarms = (alarms ?? AlarmLimits()).merged(with: site) }
            var definition = definition
            definition.reportDeadband = override?.reportDeadband ?? definition.reportDeadband
            definition.frozenAfter = override?.frozenAfter ?? definition.frozenAfter
            return SitePoint(
                definition: definition,
                indicator: override?.indicator,
                alarms: alarms,
                scanClass: override?.scanClass ?? scanClass
            )
        }
    }
}

/// A site's settings for one point.
public struct PointOverride: Sendable, Hashable {
    /// The platform's indicator code (指标编码 / 位号).
    public var indicator: String?
    public var alarms: AlarmLimits?
    public var scanClass: String?
    public var enabled: Bool?
    public var reportDeadband: Double?
    public var frozenAfter: Duration?
}

/// A point as the site polls it.
public struct SitePoint: Sendable, Hashable {
    public var definition: PointDefinition
    public var indicator: String?
    public var alarms: AlarmLimits?
    public var scanClass: String

    public var id: String { definition.id }
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
    public var caFile: String?
    public var clientCertificate: String?
    public var clientKey: String?
    public var timeout: Duration
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

    public init() {}
}

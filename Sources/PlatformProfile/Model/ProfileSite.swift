import Decoding
public import DeviceMap
import GatewayCore

/// What the renderer knows about the site: the gateway's identity, the uplink's profile values and
/// the point catalogue (every polled value point with its platform fields).
public struct ProfileSite: Sendable {
    public var gateway: GatewayIdentity
    /// `${site.NAME}` values.
    public var values: [String: String]
    /// Value points in site order (device order, then map order).
    public var points: [CataloguePoint]
    /// The devices, by id.
    public var devices: [String: CatalogueDevice]
    private var index: [PointKey: Int]

    /// The catalogue of `site` with the profile values of `uplink`.
    public init(site: SiteConfig, uplink: UplinkConfig) {
        self.init(
            gateway: site.gateway,
            values: uplink.profileValues,
            devices: site.devices.filter(\.enabled).map { device in
                (
                    CatalogueDevice(id: device.id, name: device.name, location: device.location),
                    device.points.filter(\.definition.isValue).map { CataloguePoint(device: device, point: $0) }
                )
            }
        )
    }

    /// A catalogue from its parts (tests, previews).
    public init(
        gateway: GatewayIdentity,
        values: [String: String],
        devices: [(CatalogueDevice, [CataloguePoint])]
    ) {
        self.gateway = gateway
        self.values = values
        self.points = devices.flatMap(\.1)
        self.devices = Dictionary(devices.map { ($0.0.id, $0.0) }, uniquingKeysWith: { first, _ in first })
        var index: [PointKey: Int] = [:]
        for (position, point) in points.enumerated() where index[PointKey(point.device, point.id)] == nil {
            index[PointKey(point.device, point.id)] = position
        }
        self.index = index
    }

    /// The catalogue entry of a device's point, if it is in the catalogue.
    public func point(device: String, point: String) -> CataloguePoint? {
        index[PointKey(device, point)].map { points[$0] }
    }
}

private struct PointKey: Hashable {
    var device: String
    var point: String

    init(_ device: String, _ point: String) {
        self.device = device
        self.point = point
    }
}

/// A device as the catalogue names it.
public struct CatalogueDevice: Sendable, Hashable {
    public var id: String
    public var name: String?
    public var location: String?

    public init(id: String, name: String? = nil, location: String? = nil) {
        self.id = id
        self.name = name
        self.location = location
    }
}

/// One point's master data (传感器信息): what platforms want to know before its values arrive.
public struct CataloguePoint: Sendable, Hashable {
    public var device: String
    public var id: String
    /// 指标编码.
    public var indicator: String?
    /// 位号.
    public var tag: String?
    /// The site's name for the point, else the map's.
    public var name: String?
    public var unit: String?
    public var range: ClosedRange<Double>?
    public var limits: AlarmLimits?
    /// 重大危险源编码.
    public var hazardCode: String?
    /// Decimal places of its values, from the map.
    public var decimals: Int?

    public init(
        device: String,
        id: String,
        indicator: String? = nil,
        tag: String? = nil,
        name: String? = nil,
        unit: String? = nil,
        range: ClosedRange<Double>? = nil,
        limits: AlarmLimits? = nil,
        hazardCode: String? = nil,
        decimals: Int? = nil
    ) {
        self.device = device
        self.id = id
        self.indicator = indicator
        self.tag = tag
        self.name = name
        self.unit = unit
        self.range = range
        self.limits = limits
        self.hazardCode = hazardCode
        self.decimals = decimals
    }

    /// The entry of `point` on `device`.
    public init(device: DeviceConfig, point: SitePoint) {
        self.init(
            device: device.id,
            id: point.id,
            indicator: point.indicator,
            tag: point.tag,
            name: point.platformName ?? point.definition.name,
            unit: point.definition.unit,
            range: point.definition.conversion.measuringRange,
            limits: point.alarms,
            hazardCode: point.hazardCode,
            decimals: point.definition.conversion.decimals
        )
    }

    /// The alarm level a value stands at against the limits (not the edge's alarm state, which also
    /// weighs deadband and delays): `HH`/`level2` first, then `H`/`level1`, `LL`, `L`; nil inside.
    func alarmLevel(of value: Double) -> AlarmLevel? {
        guard let limits else { return nil }
        if let limit = limits.highHigh, value >= limit { return limits.gasLevels ? .level2 : .highHigh }
        if let limit = limits.high, value >= limit { return limits.gasLevels ? .level1 : .high }
        if let limit = limits.lowLow, value <= limit { return .lowLow }
        if let limit = limits.low, value <= limit { return .low }
        return nil
    }
}

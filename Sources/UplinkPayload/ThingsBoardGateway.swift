public import GatewayCore

/// ThingsBoard's gateway MQTT API (https://thingsboard.io/docs/reference/gateway-mqtt-api/): the
/// topics and payloads with which one gateway connection carries the data of many devices, so that
/// a ThingsBoard installation takes chemgate as a gateway device.
///
/// - `v1/gateway/connect` and `v1/gateway/disconnect`: `{"device": "<name>"}`.
/// - `v1/gateway/attributes`: `{"<name>": {"gateway": …, "name": …, "location": …, "<point>_unit": …}}`.
/// - `v1/gateway/telemetry`: `{"<name>": [{"ts": <ms>, "values": {…}}, …]}`. A reading gives
///   `"<point>": value` (null when there is none), `"<point>_quality"` (`good`, `uncertain (stale)`,
///   `bad (sensor_fault)`: a value is never sent without it) and `"<point>_seq"`, the log's sequence
///   number, by which a rule chain tells a QoS 1 duplicate from a new value; a bad reading has a null
///   value and, when its registers were read, `"<point>_raw"` (`"0x7FFF"`); a stale reading has
///   `"<point>_stale_since"` (ms; `ts` is then its last successful read). Integers carry every digit. Readings of one device
///   with one timestamp share an entry. An event gives an entry of its own: `event` (its kind),
///   `event_point`, `event_level`, `event_value`, `event_limit`, `event_unit`, `event_reason`,
///   `event_seq`; an event of no device (a link, the disk) goes under the gateway's own name.
public enum ThingsBoardGateway {
    public static let connectTopic = "v1/gateway/connect"
    public static let disconnectTopic = "v1/gateway/disconnect"
    public static let attributesTopic = "v1/gateway/attributes"
    public static let telemetryTopic = "v1/gateway/telemetry"

    /// A reading or an event with the log's sequence number.
    public enum Item: Sendable, Hashable {
        case reading(Reading, sequence: UInt64)
        case event(GatewayEvent, sequence: UInt64)
    }

    /// What ThingsBoard shows about one device, sent once per connection as client-side attributes.
    public struct DeviceAttributes: Sendable, Hashable {
        public var device: String
        public var name: String?
        public var location: String?
        /// The engineering unit of each point (`ppm`, `%LEL`).
        public var units: [String: String]

        public init(device: String, name: String? = nil, location: String? = nil, units: [String: String] = [:]) {
            self.device = device
            self.name = name
            self.location = location
            self.units = units
        }
    }

    /// `{"device": "<name>"}`, for ``connectTopic`` and ``disconnectTopic``.
    public static func deviceMessage(_ name: String) -> [UInt8] {
        var writer = JSONWriter(capacity: name.utf8.count + 16)
        writer.raw("{")
        writer.key("device")
        writer.string(name)
        writer.raw("}")
        return writer.bytes
    }

    /// The attributes of `devices`, each under `deviceName(device)`.
    public static func attributes(
        _ devices: [DeviceAttributes],
        gateway: String,
        deviceName: (String) -> String
    ) -> [UInt8] {
        var writer = JSONWriter(capacity: 256 * max(1, devices.count))
        writer.raw("{")
        for (index, device) in devices.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.string(deviceName(device.device))
            writer.raw(":{")
            writer.key("gateway")
            writer.string(gateway)
            if let location = device.location {
                writer.raw(",")
                writer.key("location")
                writer.string(location)
            }
            if let name = device.name {
                writer.raw(",")
                writer.key("name")
                writer.string(name)
            }
            for (point, unit) in device.units.sorted(by: { $0.key < $1.key }) {
                writer.raw(",")
                writer.string(point + "_unit")
                writer.raw(":")
                writer.string(unit)
            }
            writer.raw("}")
        }
        writer.raw("}")
        return writer.bytes
    }

    /// The telemetry message of `items` (in their order per device). Events without a device go under
    /// `deviceName(gateway)`.
    public static func telemetry(_ items: [Item], gateway: String, deviceName: (String) -> String) -> [UInt8] {
        // Devices in order of first appearance; per device, its entries in item order.
        var order: [String] = []
        var entries: [String: [Entry]] = [:]
        for item in items {
            let device: String
            switch item {
            case .reading(let reading, _): device = reading.device
            case .event(let event, _): device = event.device ?? gateway
            }
            if entries[device] == nil {
                order.append(device)
                entries[device] = []
            }
            if case .reading(let reading, let sequence) = item, let last = entries[device]?.last,
                case .readings(let timestamp, _) = last, timestamp == reading.timestamp
            {
                entries[device]![entries[device]!.count - 1].append(reading, sequence: sequence)
            } else if case .reading(let reading, let sequence) = item {
                entries[device]!.append(.readings(reading.timestamp, [(reading, sequence)]))
            } else if case .event(let event, let sequence) = item {
                entries[device]!.append(.event(event, sequence))
            }
        }
        var writer = JSONWriter(capacity: 96 * max(1, items.count))
        writer.raw("{")
        for (index, device) in order.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.string(deviceName(device))
            writer.raw(":[")
            for (position, entry) in entries[device]!.enumerated() {
                if position > 0 { writer.raw(",") }
                entry.write(to: &writer)
            }
            writer.raw("]")
        }
        writer.raw("}")
        return writer.bytes
    }

    enum Entry {
        case readings(Timestamp, [(Reading, UInt64)])
        case event(GatewayEvent, UInt64)

        mutating func append(_ reading: Reading, sequence: UInt64) {
            if case .readings(let timestamp, var readings) = self {
                readings.append((reading, sequence))
                self = .readings(timestamp, readings)
            }
        }

        func write(to writer: inout JSONWriter) {
            writer.raw("{")
            writer.key("ts")
            switch self {
            case .readings(let timestamp, let readings):
                writer.raw(String(timestamp.milliseconds).utf8)
                writer.raw(",")
                writer.key("values")
                writer.raw("{")
                for (index, (reading, sequence)) in readings.enumerated() {
                    if index > 0 { writer.raw(",") }
                    writer.string(reading.point)
                    writer.raw(":")
                    if let value = reading.value, JSONWriter.isWritable(value) {
                        writer.value(value)
                    } else {
                        writer.raw("null")
                    }
                    writer.raw(",")
                    writer.string(reading.point + "_quality")
                    writer.raw(":")
                    writer.string(reading.quality.description)
                    writer.raw(",")
                    writer.string(reading.point + "_seq")
                    writer.raw(":")
                    writer.unsigned(sequence)
                    if let raw = reading.raw {
                        writer.raw(",")
                        writer.string(reading.point + "_raw")
                        writer.raw(":")
                        writer.string(raw)
                    }
                    if let staleSince = reading.staleSince {
                        writer.raw(",")
                        writer.string(reading.point + "_stale_since")
                        writer.raw(":")
                        writer.raw(String(staleSince.milliseconds).utf8)
                    }
                }
                writer.raw("}")
            case .event(let event, let sequence):
                writer.raw(String(event.timestamp.milliseconds).utf8)
                writer.raw(",")
                writer.key("values")
                writer.raw("{")
                writer.key("event")
                writer.string(event.kind.rawValue)
                if let level = event.level {
                    writer.raw(",")
                    writer.key("event_level")
                    writer.string(level.rawValue)
                }
                if let limit = event.limit, limit.isFinite {
                    writer.raw(",")
                    writer.key("event_limit")
                    writer.number(limit)
                }
                if let link = event.link {
                    writer.raw(",")
                    writer.key("event_link")
                    writer.string(link)
                }
                if let point = event.point {
                    writer.raw(",")
                    writer.key("event_point")
                    writer.string(point)
                }
                writer.raw(",")
                writer.key("event_reason")
                writer.string(event.reason)
                writer.raw(",")
                writer.key("event_seq")
                writer.unsigned(sequence)
                if let unit = event.unit {
                    writer.raw(",")
                    writer.key("event_unit")
                    writer.string(unit)
                }
                if let value = event.value, JSONWriter.isWritable(value) {
                    writer.raw(",")
                    writer.key("event_value")
                    writer.value(value)
                }
                writer.raw("}")
            }
            writer.raw("}")
        }
    }
}

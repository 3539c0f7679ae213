/// One platform's wire format: how the gateway's readings, events, heartbeats and point catalogue
/// become the bytes of its messages, how they are encrypted and signed, and how its replies read.
///
/// Loaded from a profile file (`profiles/*.yaml`) by ``ProfileLoader``; rendered by ``ProfileRenderer``.
public struct PlatformProfile: Sendable {
    /// The profile's name (`profile:` in the file).
    public var name: String
    /// The file, as named when loading.
    public var path: String
    public var transport: ProfileTransport
    public var time: TimeFormat
    public var values: ValueStyle
    /// Platform codes of a quality, by level (`good`, `uncertain`, `bad`) or reason (`sensor_fault`);
    /// a reason's code wins over its level's.
    public var qualityCodes: [String: Constant]
    /// Platform codes of alarm levels (`LL`, `L`, `H`, `HH`, `level1`, `level2`, …, and `none`).
    public var alarmLevels: [String: Constant]
    /// Platform codes of event kinds (`alarm_raised`, …); an unmapped kind is written by its name.
    public var eventKinds: [String: Constant]
    public var recordID: RecordIDStyle
    /// Only points with an indicator code (指标编码) are sent (`indicated_points_only`): the platform
    /// knows no other. Readings of other points are listed as unsent, and left out of the catalogue.
    public var indicatedPointsOnly: Bool
    public var encryption: EncryptionSpec?
    public var signing: SigningSpec?
    /// HTTP headers, as templates (`appsecret: ${secret.app_secret}`).
    public var headers: [(name: String, value: Template)]
    public var reply: ReplyRule?
    /// The message templates by kind; `data` is required.
    public var messages: [MessageKind: MessageSpec]
    /// Secret names the profile reads (`${secret.NAME}`, the cipher's key and IV, the signing key).
    public var secrets: Set<String>
    /// Site values the profile reads (`${site.NAME}`).
    public var siteValues: Set<String>
}

/// The kinds of message a profile can render.
public enum MessageKind: String, Sendable, Hashable, CaseIterable {
    /// Readings (real-time data).
    case data
    /// Alarm and state events.
    case events
    /// The gateway's periodic sign of life.
    case heartbeat
    /// The point catalogue (sensor master data), sent before real-time data.
    case catalogue
}

/// One message kind's template and how records are grouped into messages.
public struct MessageSpec: Sendable {
    public var grouping: Grouping
    /// At most this many records (or points) per message; nil for no limit.
    public var maxRecords: Int?
    /// A message larger than this is split (down to one record); nil for no limit.
    public var maxBytes: Int?
    public var body: Template
    /// Whether the whole rendered body is encrypted (and written as text, per the encryption's output).
    public var encryptBody: Bool
    /// `data` only: events travel in the same messages as readings (`with_events`), for `$each: events`.
    public var withEvents = false
}

/// How records are grouped into messages.
public enum Grouping: String, Sendable, Hashable, CaseIterable {
    /// All records of one uplink batch in one message (split by the size limits).
    case batch
    /// One message per device.
    case device
    /// One message per record.
    case record
}

/// Record ids (`${record.id}`): a random UUID v4 in 32 hex digits, or the log's sequence number.
public enum RecordIDStyle: String, Sendable, Hashable, CaseIterable {
    case uuid
    case sequence
}

/// How values are written.
public struct ValueStyle: Sendable, Hashable {
    /// Whether numbers are written as JSON numbers or as strings (`"3450.549"`).
    public var asString: Bool
    /// Round to the point's `decimals` and write exactly that many digits.
    public var usePointDecimals: Bool
    /// What a missing value (no reading, NaN) becomes.
    public var missing: Missing
    /// Booleans as JSON `true`/`false` (`booleans: json`) instead of 1/0.
    public var jsonBooleans = false

    public enum Missing: Sendable, Hashable {
        case null
        case omit
        case text(String)
    }

    public init(asString: Bool = false, usePointDecimals: Bool = true, missing: Missing = .null) {
        self.asString = asString
        self.usePointDecimals = usePointDecimals
        self.missing = missing
    }
}

/// A constant written into a message: text, a number (kept as written), a boolean or null.
public enum Constant: Sendable, Hashable {
    case text(String)
    /// A number's JSON text, as written in the profile (`0`, `1.5`).
    case number(String)
    case bool(Bool)
    case null
}

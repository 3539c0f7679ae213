/// The ranges every duration, size and number of a configuration must lie in (documented in
/// docs/device-maps.md, "Limits"). Values outside are refused with a named error, so no arithmetic
/// on a configuration value can overflow or trap later, and no setting can make the gateway spin
/// (a 0 s heartbeat) or stall (a 0 ms timeout).
public enum ConfigLimits {
    /// The longest duration the parser accepts at all (about 100 years); fields have tighter ranges.
    static let longestDuration: Duration = .seconds(100 * 365 * 86400)

    // Links
    static let linkTimeout: ClosedRange<Duration> = .milliseconds(10) ... .seconds(60)
    static let byteTimeout: ClosedRange<Duration> = .zero ... .seconds(10)
    /// `round_trip` of rtu+tcp:// and dtu:// links.
    static let networkRoundTrip: ClosedRange<Duration> = .zero ... .seconds(10)
    // Scan classes
    static let scanPeriod: ClosedRange<Duration> = .milliseconds(10) ... .seconds(86400)
    // Uplinks
    static let uplinkTimeout: ClosedRange<Duration> = .milliseconds(100) ... .seconds(600)
    static let heartbeat: ClosedRange<Duration> = .seconds(1) ... .seconds(86400)
    static let batchDelay: ClosedRange<Duration> = .zero ... .seconds(3600)
    static let liveWindow: ClosedRange<Duration> = .seconds(1) ... .seconds(3600)
    static let backlogThreshold: ClosedRange<Duration> = .seconds(5) ... .seconds(86400)
    // Polling
    static let probeInterval: ClosedRange<Duration> = .milliseconds(100) ... .seconds(86400)
    static let snapshotInterval: ClosedRange<Duration> = .seconds(1) ... .seconds(86400)
    // Storage
    static let retention: ClosedRange<Duration> = .seconds(3600) ... .seconds(10 * 366 * 86400)
    static let maxSize: ClosedRange<Int> = 1_000_000...100_000_000_000_000
    /// `storage.min_free`, in percent of the log's file system.
    static let minFreePercent: ClosedRange<Double> = 0...50
    // Device maps
    static let devicePause: ClosedRange<Duration> = .zero ... .seconds(10)
    static let alarmDelay: ClosedRange<Duration> = .zero ... .seconds(86400)
    static let frozenAfter: ClosedRange<Duration> = .milliseconds(100) ... .seconds(366 * 86400)
    /// Magnitude of `scale` (non-zero), `offset`, range ends, alarm limits and deadbands.
    static let largestNumber = 1e15
    static let smallestScale = 1e-12

    // Text
    /// Ids of the gateway, links, devices, points, uplinks and scan classes.
    public static let idLength = 1...64
    /// Any other text value (names, descriptions, notes, paths, URLs).
    static let textLength = 4096
    /// Nodes an alias may add to a file, all aliases together.
    static let aliasExpansion = 100_000
    /// Nesting of mappings and lists.
    static let nesting = 64
    /// The largest configuration file read.
    static let fileBytes = 16 << 20
}

extension ConfigLimits {
    /// Whether `id` is 1–64 of `A–Z a–z 0–9 - _ .` (the documented safe set: usable in URLs, file
    /// names, SQL, metrics labels and logs without quoting).
    public static func isSafeID(_ id: String) -> Bool {
        idLength.contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                    true
                default: false
                }
            }
    }

    /// The first control character of `text` (other than tab and line feed), if any.
    static func controlCharacter(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first { scalar in
            (scalar.value < 0x20 && scalar != "\t" && scalar != "\n") || (0x7F...0x9F).contains(scalar.value)
                || scalar.value == 0x2028 || scalar.value == 0x2029
        }
    }
}

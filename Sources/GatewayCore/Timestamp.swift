import Foundation

/// A wall-clock instant in UTC with millisecond resolution, as readings carry it to the platform.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// The current time of the system clock.
    public static func now() -> Timestamp {
        Timestamp(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// ISO 8601 in UTC with milliseconds: `2026-11-23T03:30:00.123Z`. Computed from the integer
    /// (``civil``), never through floating point, so no instant prints one millisecond early, and
    /// without `Calendar` or `TimeZone`, so logging a time does not load ICU (about 4 MB resident).
    public var description: String {
        let text = String(unsafeUninitializedCapacity: 24) { writeISO8601(into: $0) ? 24 : 0 }
        if !text.isEmpty { return text }
        let t = civil
        return "\(Self.pad(t.year, 4))-\(Self.pad(t.month, 2))-\(Self.pad(t.day, 2))T\(Self.pad(t.hour, 2)):"
            + "\(Self.pad(t.minute, 2)):\(Self.pad(t.second, 2)).\(Self.pad(t.millisecond, 3))Z"
    }
}

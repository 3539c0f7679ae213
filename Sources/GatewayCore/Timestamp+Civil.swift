extension Timestamp {
    /// The UTC calendar fields of the instant, by integer arithmetic (Howard Hinnant's
    /// `civil_from_days`): no `Calendar`, no `TimeZone`, so formatting a time never loads ICU's
    /// time-zone data and costs no allocation but the text.
    struct CivilTime {
        var year: Int64
        var month: Int64
        var day: Int64
        var hour: Int64
        var minute: Int64
        var second: Int64
        var millisecond: Int64
    }

    var civil: CivilTime {
        let millisecondsPerDay: Int64 = 86_400_000
        let days = Self.floorDivide(milliseconds, millisecondsPerDay)
        let inDay = milliseconds - days * millisecondsPerDay
        let z = days + 719_468
        let era = Self.floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let month = mp < 10 ? mp + 3 : mp - 9
        return CivilTime(
            year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0),
            month: month,
            day: dayOfYear - (153 * mp + 2) / 5 + 1,
            hour: inDay / 3_600_000,
            minute: inDay / 60000 % 60,
            second: inDay / 1000 % 60,
            millisecond: inDay % 1000
        )
    }

    /// Writes the 24 bytes of ``description``'s text (`2026-11-23T03:30:00.123Z`) into the start of
    /// `text`, which must hold at least 24; false, writing nothing, for a year outside 0000–9999,
    /// whose text has more or fewer digits. One writer for the status text and the payloads' times
    /// (`Timestamp.appendISO8601(to:)` writes on the stack with it): a field at a time, through
    /// `String`s, a `/metrics` scrape spent 43 % of its snapshot on the points' times at 10,000 points
    /// (BENCHMARKS.md, round 26). Not generic, so that callers in other modules run it as compiled here.
    public func writeISO8601(into text: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        let t = civil
        guard (0...9999).contains(t.year) else { return false }
        precondition(text.count >= 24, "an ISO 8601 time needs 24 bytes")
        func put(_ value: Int64, _ width: Int, at offset: Int) {
            var remaining = value
            for index in stride(from: offset + width - 1, through: offset, by: -1) {
                text[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10)
                remaining /= 10
            }
        }
        put(t.year, 4, at: 0)
        text[4] = UInt8(ascii: "-")
        put(t.month, 2, at: 5)
        text[7] = UInt8(ascii: "-")
        put(t.day, 2, at: 8)
        text[10] = UInt8(ascii: "T")
        put(t.hour, 2, at: 11)
        text[13] = UInt8(ascii: ":")
        put(t.minute, 2, at: 14)
        text[16] = UInt8(ascii: ":")
        put(t.second, 2, at: 17)
        text[19] = UInt8(ascii: ".")
        put(t.millisecond, 3, at: 20)
        text[23] = UInt8(ascii: "Z")
        return true
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }

    /// `value` in decimal, zero-padded to `width` digits.
    static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

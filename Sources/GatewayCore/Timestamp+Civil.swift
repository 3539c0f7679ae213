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

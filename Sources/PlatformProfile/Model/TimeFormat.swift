import Foundation
public import GatewayCore

/// How times are written (`time:`): a pattern or epoch numbers, in a zone (default Asia/Shanghai).
public struct TimeFormat: Sendable, Hashable {
    public enum Style: Sendable, Hashable {
        /// A pattern of `yyyy MM dd HH mm ss SSS` and literal characters (`yyyyMMddHHmmss`,
        /// `yyyy-MM-dd HH:mm:ss`), written as a string.
        case pattern([Token])
        /// ISO 8601 with milliseconds and the zone's offset (`2026-11-23T11:30:00.123+08:00`; `Z` in UTC).
        case iso8601
        /// Milliseconds since 1970 UTC, a number.
        case epochMilliseconds
        /// Seconds since 1970 UTC, a number.
        case epochSeconds
    }

    public enum Token: Sendable, Hashable {
        case year, month, day, hour, minute, second, millisecond
        case literal(String)
    }

    public var style: Style
    /// The zone's identifier (`Asia/Shanghai`, `UTC`).
    public var zone: String
    private let fixedOffset: Int?

    /// - Returns: nil when `zone` is not a known time zone.
    public init?(style: Style, zone: String = "Asia/Shanghai") {
        guard let timeZone = TimeZone(identifier: zone) else { return nil }
        self.style = style
        self.zone = zone
        // Zones without daylight saving (Asia/Shanghai since 1991, UTC) keep one offset: no lookup per record.
        let now = Date()
        let inSixMonths = now.addingTimeInterval(183 * 86400)
        let offset = timeZone.secondsFromGMT(for: now)
        fixedOffset =
            timeZone.nextDaylightSavingTimeTransition == nil && offset == timeZone.secondsFromGMT(for: inSixMonths)
            ? offset : nil
    }

    /// Whether the time is written as a number.
    public var isNumber: Bool {
        switch style {
        case .epochMilliseconds, .epochSeconds: true
        case .pattern, .iso8601: false
        }
    }

    /// The offset from UTC in seconds at `timestamp`.
    func offset(at timestamp: Timestamp) -> Int {
        if let fixedOffset { return fixedOffset }
        let date = Date(timeIntervalSince1970: Double(timestamp.milliseconds) / 1000)
        return TimeZone(identifier: zone)?.secondsFromGMT(for: date) ?? 0
    }

    /// `timestamp` as the profile writes it.
    public func text(_ timestamp: Timestamp) -> String {
        switch style {
        case .epochMilliseconds: return String(timestamp.milliseconds)
        case .epochSeconds: return String(timestamp.milliseconds.floorDivided(by: 1000))
        case .pattern(let tokens):
            let civil = CivilTime(milliseconds: timestamp.milliseconds + Int64(offset(at: timestamp)) * 1000)
            var out = ""
            out.reserveCapacity(24)
            for token in tokens {
                switch token {
                case .year: out += civil.year.padded(4)
                case .month: out += civil.month.padded(2)
                case .day: out += civil.day.padded(2)
                case .hour: out += civil.hour.padded(2)
                case .minute: out += civil.minute.padded(2)
                case .second: out += civil.second.padded(2)
                case .millisecond: out += civil.millisecond.padded(3)
                case .literal(let text): out += text
                }
            }
            return out
        case .iso8601:
            let offset = offset(at: timestamp)
            let civil = CivilTime(milliseconds: timestamp.milliseconds + Int64(offset) * 1000)
            var text = "\(civil.year.padded(4))-\(civil.month.padded(2))-\(civil.day.padded(2))T"
            text +=
                "\(civil.hour.padded(2)):\(civil.minute.padded(2)):\(civil.second.padded(2)).\(civil.millisecond.padded(3))"
            guard offset != 0 else { return text + "Z" }
            let sign = offset < 0 ? "-" : "+"
            let minutes = abs(offset) / 60
            return text + "\(sign)\((minutes / 60).padded(2)):\((minutes % 60).padded(2))"
        }
    }

    /// Reads a pattern (`yyyyMMddHHmmss`); nil with the reason when it holds a letter that is not a field.
    static func tokens(of pattern: String) -> (tokens: [Token]?, problem: String?) {
        let fields: [(String, Token)] = [
            ("yyyy", .year), ("MM", .month), ("dd", .day), ("HH", .hour), ("mm", .minute), ("ss", .second),
            ("SSS", .millisecond),
        ]
        var tokens: [Token] = []
        var rest = Substring(pattern)
        var quoted = false
        while let first = rest.first {
            if first == "'" {
                quoted.toggle()
                rest = rest.dropFirst()
                continue
            }
            if !quoted, let (text, token) = fields.first(where: { rest.hasPrefix($0.0) }) {
                tokens.append(token)
                rest = rest.dropFirst(text.count)
                continue
            }
            if !quoted, first.isLetter {
                return (
                    nil,
                    "'\(first)' is not a field of a time pattern; use yyyy MM dd HH mm ss SSS, quote other letters ('T')"
                )
            }
            if case .literal(let previous) = tokens.last {
                tokens[tokens.count - 1] = .literal(previous + String(first))
            } else {
                tokens.append(.literal(String(first)))
            }
            rest = rest.dropFirst()
        }
        return (tokens, nil)
    }
}

/// Year to millisecond of a count of milliseconds since 1970 (proleptic Gregorian; Howard Hinnant's
/// days-to-civil algorithm), without Foundation's calendar, which is slow per record.
struct CivilTime {
    var year, month, day, hour, minute, second, millisecond: Int

    init(milliseconds: Int64) {
        let days = milliseconds.floorDivided(by: 86_400_000)
        let inDay = Int(milliseconds - days * 86_400_000)
        hour = inDay / 3_600_000
        minute = inDay / 60000 % 60
        second = inDay / 1000 % 60
        millisecond = inDay % 1000
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
        year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
    }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? quotient - 1 : quotient
    }
}

extension Int {
    func padded(_ width: Int) -> String {
        let text = String(self)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

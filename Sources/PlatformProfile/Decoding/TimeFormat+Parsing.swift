public import GatewayCore

extension TimeFormat {
    /// The instant a time written in this format stands for, or nil when `text` is not in it.
    /// The reverse of ``text(_:)`` (receivers and round-trip tests).
    public func timestamp(from text: String) -> Timestamp? {
        switch style {
        case .epochMilliseconds:
            return Int64(text).map { Timestamp(milliseconds: $0) }
                ?? Double(text).map { Timestamp(milliseconds: Int64($0.rounded())) }
        case .epochSeconds:
            return Int64(text).map { Timestamp(milliseconds: $0 * 1000) }
                ?? Double(text).map { Timestamp(milliseconds: Int64(($0 * 1000).rounded())) }
        case .pattern(let tokens):
            var scanner = DigitScanner(text)
            var civil = (year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0)
            for token in tokens {
                switch token {
                case .year: guard let value = scanner.digits(4) else { return nil }; civil.year = value
                case .month: guard let value = scanner.digits(2) else { return nil }; civil.month = value
                case .day: guard let value = scanner.digits(2) else { return nil }; civil.day = value
                case .hour: guard let value = scanner.digits(2) else { return nil }; civil.hour = value
                case .minute: guard let value = scanner.digits(2) else { return nil }; civil.minute = value
                case .second: guard let value = scanner.digits(2) else { return nil }; civil.second = value
                case .millisecond: guard let value = scanner.digits(3) else { return nil }; civil.millisecond = value
                case .literal(let literal): guard scanner.literal(literal) else { return nil }
                }
            }
            guard scanner.atEnd else { return nil }
            let local = Self.milliseconds(
                civil.year,
                civil.month,
                civil.day,
                civil.hour,
                civil.minute,
                civil.second,
                civil.millisecond
            )
            let guess = Timestamp(milliseconds: local)
            return Timestamp(milliseconds: local - Int64(offset(at: guess)) * 1000)
        case .iso8601:
            var scanner = DigitScanner(text)
            guard let year = scanner.digits(4), scanner.literal("-"), let month = scanner.digits(2),
                scanner.literal("-"),
                let day = scanner.digits(2), scanner.literal("T"), let hour = scanner.digits(2), scanner.literal(":"),
                let minute = scanner.digits(2), scanner.literal(":"), let second = scanner.digits(2)
            else { return nil }
            var millisecond = 0
            if scanner.literal(".") {
                guard let value = scanner.digits(3) else { return nil }
                millisecond = value
            }
            var offsetSeconds = 0
            if !scanner.literal("Z") {
                let sign = scanner.literal("+") ? 1 : scanner.literal("-") ? -1 : 0
                guard sign != 0, let hours = scanner.digits(2), scanner.literal(":"), let minutes = scanner.digits(2)
                else { return nil }
                offsetSeconds = sign * (hours * 3600 + minutes * 60)
            }
            guard scanner.atEnd else { return nil }
            let local = Self.milliseconds(year, month, day, hour, minute, second, millisecond)
            return Timestamp(milliseconds: local - Int64(offsetSeconds) * 1000)
        }
    }

    /// Milliseconds since 1970 of a civil time read as UTC (Howard Hinnant's days-from-civil).
    static func milliseconds(
        _ year: Int,
        _ month: Int,
        _ day: Int,
        _ hour: Int,
        _ minute: Int,
        _ second: Int,
        _ millisecond: Int
    ) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = Int64(era * 146_097 + dayOfEra - 719_468)
        return ((days * 24 + Int64(hour)) * 60 + Int64(minute)) * 60_000 + Int64(second) * 1000 + Int64(millisecond)
    }
}

/// Reads fixed-width digits and literals off a time's text.
private struct DigitScanner {
    private var rest: Substring

    init(_ text: String) { rest = Substring(text) }

    var atEnd: Bool { rest.isEmpty }

    mutating func digits(_ count: Int) -> Int? {
        let part = rest.prefix(count)
        guard part.count == count, part.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(part) else {
            return nil
        }
        rest = rest.dropFirst(count)
        return value
    }

    mutating func literal(_ text: String) -> Bool {
        guard rest.hasPrefix(text) else { return false }
        rest = rest.dropFirst(text.count)
        return true
    }
}

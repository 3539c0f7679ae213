/// What the counting receiver reads from a `chemgate.batch/1` body without decoding it: the entries
/// (one `"seq":` key each, events and records alike), the events (one `"event":` key each), the
/// covered range (`first_seq`, `last_seq`) and the reading times (`"ts":"…"`, milliseconds since 1970).
///
/// A key pattern such as `"seq":` cannot occur inside a JSON string (its quotes would be escaped),
/// so counting keys counts entries.
struct BatchScan: Sendable {
    var entries = 0
    var events = 0
    var firstSequence: Int?
    var lastSequence: Int?
    /// Reading and event times, in Unix milliseconds, in body order (events first).
    var times: [Int64] = []
    /// Event times only.
    var eventTimes: [Int64] = []

    private static let sequenceKey = Array(#""seq":"#.utf8)
    private static let eventKey = Array(#""event":"#.utf8)
    private static let timeKey = Array(#""ts":""#.utf8)
    private static let firstKey = Array(#""first_seq":"#.utf8)
    private static let lastKey = Array(#""last_seq":"#.utf8)

    init(_ body: [UInt8], times wantTimes: Bool) {
        body.withUnsafeBufferPointer { bytes in
            var index = 0
            var inEvent = false
            let count = bytes.count
            while index < count {
                // Every key starts with a quote: skip to the next one.
                guard bytes[index] == UInt8(ascii: "\"") else {
                    index += 1
                    continue
                }
                if Self.matches(bytes, at: index, Self.sequenceKey) {
                    entries += 1
                    inEvent = false
                    index += Self.sequenceKey.count
                } else if Self.matches(bytes, at: index, Self.eventKey) {
                    events += 1
                    inEvent = true
                    index += Self.eventKey.count
                } else if wantTimes, Self.matches(bytes, at: index, Self.timeKey) {
                    index += Self.timeKey.count
                    if let time = Self.unixMilliseconds(bytes, at: index) {
                        times.append(time)
                        if inEvent { eventTimes.append(time) }
                    }
                    // Past the value's closing quote.
                    while index < count && bytes[index] != UInt8(ascii: "\"") { index += 1 }
                    index += 1
                } else if firstSequence == nil, Self.matches(bytes, at: index, Self.firstKey) {
                    index += Self.firstKey.count
                    firstSequence = Self.integer(bytes, at: index)
                } else if lastSequence == nil, Self.matches(bytes, at: index, Self.lastKey) {
                    index += Self.lastKey.count
                    lastSequence = Self.integer(bytes, at: index)
                } else {
                    // A string (key or value): skip to its closing quote.
                    index += 1
                    while index < count && bytes[index] != UInt8(ascii: "\"") {
                        index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                    }
                    index += 1
                }
            }
        }
    }

    /// An event's `"seq"` comes before its `"event"` key: ``entries`` holds both kinds.
    var records: Int { entries - events }

    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, _ pattern: [UInt8]) -> Bool {
        guard index + pattern.count <= bytes.count else { return false }
        for offset in 0..<pattern.count where bytes[index + offset] != pattern[offset] { return false }
        return true
    }

    private static func integer(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        var index = start
        while index < bytes.count && bytes[index] == UInt8(ascii: " ") { index += 1 }
        var value = 0
        var digits = 0
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            digits += 1
            index += 1
        }
        return digits > 0 ? value : nil
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` at `start`, in Unix milliseconds.
    static func unixMilliseconds(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Int64? {
        guard start + 24 <= bytes.count, bytes[start + 23] == UInt8(ascii: "Z") else { return nil }
        func number(_ offset: Int, _ length: Int) -> Int64? {
            var value: Int64 = 0
            for index in start + offset..<start + offset + length {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2), let millisecond = number(20, 3)
        else { return nil }
        // Days from civil (H. Hinnant), proleptic Gregorian.
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millisecond
    }
}

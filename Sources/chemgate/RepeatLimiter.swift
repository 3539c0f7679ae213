import Logging
import Synchronization

/// Keeps a failure that repeats (an uplink retrying every few seconds, a link that cannot connect)
/// from flooding the log: a warning or worse with the same message and the same subject (the
/// uplink, link, device or client it names) is written once per ``window``; the repeats in between
/// are counted, and the next one written after the window says how many were left out
/// (`repeated=N`). Notices and below are never held back: they are rare by design (start, stop,
/// recoveries); nor is a record of an event (metadata `event`: an alarm raised is never a repeat).
final class RepeatLimiter: Sendable {
    enum Decision: Equatable {
        /// Write the record; `suppressed` records like it were left out since the last one written.
        case write(suppressed: Int)
        case suppress
    }

    /// The metadata keys that name what a record is about: two uplinks failing are two subjects.
    static let subjectKeys = ["uplink", "link", "device", "destination", "client"]

    let window: Duration
    private let entries = Mutex<[String: Entry]>([:])
    private let maximumEntries = 1000

    private struct Entry {
        var written: ContinuousClock.Instant
        var suppressed: Int
    }

    init(window: Duration = .seconds(60)) { self.window = window }

    func decide(
        level: Logger.Level,
        message: String,
        metadata: Logger.Metadata,
        now: ContinuousClock.Instant = .now
    ) -> Decision {
        guard level >= .warning, metadata["event"] == nil else { return .write(suppressed: 0) }
        let subject = Self.subjectKeys.compactMap { key in metadata[key].map { "\(key)=\($0)" } }
        let key = "\(level)|\(message)|\(subject.joined(separator: "|"))"
        return entries.withLock { entries in
            if var entry = entries[key], now - entry.written < window {
                entry.suppressed += 1
                entries[key] = entry
                return .suppress
            }
            let suppressed = entries[key]?.suppressed ?? 0
            if entries.count >= maximumEntries {
                entries = entries.filter { now - $0.value.written < window }
            }
            entries[key] = Entry(written: now, suppressed: 0)
            return .write(suppressed: suppressed)
        }
    }
}

import Foundation
import GatewayCore
import Logging
import Synchronization

/// chemgate's log handler: one line per record on standard error, in the chosen ``LogFormat``, with
/// millisecond UTC timestamps, the `<N>` severity prefix when standard error is journald, repeated
/// failures held back by a ``RepeatLimiter``, and the configured secrets masked (``LogSecrets``).
struct LineLogHandler: LogHandler {
    let label: String
    let format: LogFormat
    let journal: Bool
    let limiter: RepeatLimiter?
    let output: LineOutput
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        if let error = event.error { merged["error"] = "\(error)" }
        let message = event.message.description
        if let limiter {
            switch limiter.decide(level: event.level, message: message, metadata: merged) {
            case .suppress: return
            case .write(let suppressed): if suppressed > 0 { merged["repeated"] = "\(suppressed)" }
            }
        }
        let record = LogRecord(time: .now(), level: event.level, label: label, message: message, metadata: merged)
        output.write(LogSecrets.shared.mask(record.line(format, journal: journal)) + "\n")
    }
}

/// Where log lines go: standard error in the gateway, a buffer in tests. Each line is written with
/// one `write`, under a lock, so lines from different tasks never interleave.
final class LineOutput: Sendable {
    private let collecting: Bool
    private let lines = Mutex<[String]>([])
    private let lock = Mutex(())

    static let standardError = LineOutput(collecting: false)

    init(collecting: Bool) { self.collecting = collecting }

    /// What was written, for a collecting output.
    var collected: [String] { lines.withLock { $0 } }

    func write(_ line: String) {
        if collecting {
            lines.withLock { $0.append(line) }
            return
        }
        let bytes = Array(line.utf8)
        lock.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0, errno == EINTR { continue }
                    guard written > 0 else { return }
                    offset += written
                }
            }
        }
    }
}

/// The configured secrets (uplink bearer tokens, HMAC secrets, the status token), which no log line
/// may carry: a line that would is written with `***` in their place. A second line of defence: the
/// code never logs them knowingly.
final class LogSecrets: Sendable {
    static let shared = LogSecrets()
    private let secrets = Mutex<[String]>([])

    /// Adds secrets to mask; ones shorter than 4 characters are ignored (they would mask ordinary words).
    func add(_ values: [String?]) {
        let new = values.compactMap { $0 }.filter { $0.count >= 4 }
        secrets.withLock { $0 = Array(Set($0 + new)).sorted { $0.count > $1.count } }
    }

    func mask(_ line: String) -> String {
        let current = secrets.withLock { $0 }
        guard !current.isEmpty else { return line }
        var line = line
        for secret in current where line.contains(secret) {
            line = line.replacingOccurrences(of: secret, with: Redaction.placeholder)
        }
        return line
    }
}

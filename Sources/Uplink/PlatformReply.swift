import Foundation
import GatewayCore
import NIOHTTP1

/// What the platform answered to a batch or a heartbeat, and what the uplink does with it.
///
/// Only the platform's explicit acceptance acknowledges (`docs/uplink-protocol.md`, "Responses"): a
/// `200` whose JSON body counts the entries accepted or already received, covering the whole batch.
/// Anything else — an HTML page, an empty body, a `204`, counts that do not cover the batch, a
/// redirect — keeps the batch in the log and is retried with backoff, with a text that names what
/// the platform answered.
struct PlatformReply {
    /// The most of a response body that is read; the rest is ignored.
    static let bodyLimit = 1 << 20

    var status: Int
    var headers: HTTPHeaders
    /// The body's first ``bodyLimit`` bytes.
    var body: [UInt8]
    /// Whether the body was longer than ``bodyLimit`` (the rest was not read).
    var truncated = false

    enum Outcome: Equatable {
        case accepted
        case retryAfter(Duration, String)
        case deadLetter(String)
        /// `413`: the batch is split in halves and sent again (a single record is dead-lettered).
        case tooLarge(String)
        case failed(String)
    }

    /// The outcome of a `POST {url}/batches` holding `entries` events and records.
    func batchOutcome(entries: Int) -> Outcome {
        switch status {
        case 200:
            guard let counts = counts() else {
                return .failed(
                    "HTTP 200 without an acknowledgement: the body is \(bodySummary), not "
                        + "{\"accepted\": N, \"already_received\": K}; the batch is kept and sent again "
                        + "(is the uplink url the platform's base address?)"
                )
            }
            if counts.duplicate == true { return .accepted }
            // Compared without adding: counts near Int.max from a faulty platform must not trap.
            guard let accepted = counts.accepted, accepted <= entries,
                (counts.alreadyReceived ?? 0) == entries - accepted
            else {
                return .failed(
                    "HTTP 200 whose counts do not cover the batch of \(entries) entries (accepted "
                        + "\(counts.accepted.map(String.init) ?? "missing"), already_received "
                        + "\(counts.alreadyReceived.map(String.init) ?? "missing")); the batch is kept and sent again"
                )
            }
            return .accepted
        case 201..<300:
            return .failed(
                "HTTP \(status) is not an acknowledgement (the protocol asks for 200 with the accepted counts); "
                    + "the batch is kept and sent again"
            )
        case 300..<400:
            return .failed(redirectText)
        case 429, 503:
            let seconds = retryAfterSeconds() ?? 5
            return .retryAfter(.seconds(max(1, min(seconds, 3600))), "HTTP \(status): retry after \(seconds) s")
        case 413:
            return .tooLarge("HTTP 413: \(text)")
        case 401, 403:
            return .failed(
                "HTTP \(status): the platform refused the credentials (\(text)); check token_env / hmac_secret_env"
            )
        case 400..<500:
            return .deadLetter("HTTP \(status): \(text)")
        default:
            return .failed("HTTP \(status): \(text)")
        }
    }

    /// `Retry-After` in seconds: delay-seconds, or an HTTP-date (RFC 9110, e.g. `Wed, 21 Oct 2026 07:28:00
    /// GMT`) taken relative to `now` (a date in the past is 0). Nil when absent or unreadable.
    func retryAfterSeconds(now: Date = Date()) -> Int? {
        guard let value = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Int(value) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: value) {
                let seconds = date.timeIntervalSince(now).rounded(.up)
                return seconds.isFinite ? Int(max(0, min(seconds, 86400))) : nil
            }
        }
        return nil
    }

    /// Nil when the platform accepted a heartbeat (`200 {"accepted": 1}`); else what it answered.
    var heartbeatFailure: String? {
        switch status {
        case 200:
            guard let counts = counts(), counts.accepted == 1 else {
                return "HTTP 200 without an acknowledgement: the body is \(bodySummary), not {\"accepted\": 1}"
            }
            return nil
        case 300..<400:
            return redirectText
        default:
            return "HTTP \(status): \(text.isEmpty ? "(empty body)" : text)"
        }
    }

    private var redirectText: String {
        // A Location may carry credentials (user:password@): never into a log or the status.
        let location =
            headers.first(name: "Location").map { "'\(Redaction.userinfo(in: $0))'" }
            ?? "another address (no Location header)"
        return "HTTP \(status): the platform redirects to \(location); redirects are not followed, "
            + "set the uplink url to the final address"
    }

    /// The body as text, at most 300 characters, for logs and the status.
    var text: String { String(String(decoding: body.prefix(1200), as: UTF8.self).prefix(300)) }

    private var bodySummary: String {
        let type = headers.first(name: "Content-Type").map { " (\($0))" } ?? ""
        if body.isEmpty { return "empty\(type)" }
        let shown = text.replacingOccurrences(of: "\n", with: " ")
        let more = body.count > 80 || truncated ? "…" : ""
        return "\(body.count)\(truncated ? "+" : "") bytes\(type): '\(shown.prefix(80))\(more)'"
    }

    private struct Counts: Decodable {
        var accepted: Int?
        var duplicate: Bool?
        var alreadyReceived: Int?

        enum CodingKeys: String, CodingKey {
            case accepted, duplicate
            case alreadyReceived = "already_received"
        }
    }

    private func counts() -> Counts? {
        // A body cut at the limit still counts when what was read is a whole JSON object (with padding after it).
        guard let counts = try? JSONDecoder().decode(Counts.self, from: Data(body)) else { return nil }
        guard counts.accepted != nil || counts.duplicate != nil else { return nil }
        guard (counts.accepted ?? 0) >= 0, (counts.alreadyReceived ?? 0) >= 0 else { return nil }
        return counts
    }
}

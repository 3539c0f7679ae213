import Logging
import Synchronization
import Testing

@testable import StatusServer

/// Refused status requests are logged once per client and minute, with the count in between, and
/// never with the query (which may hold a token).
@Suite("Refused status requests in the log")
struct RefusalLogTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }

    struct Collecting: LogHandler {
        let lines: Lines
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            lines.lines.withLock { $0.append(([event.message.description] + fields).joined(separator: " ")) }
        }
    }

    @Test func oncePerClientAndMinuteWithTheCountLeftOut() {
        let lines = Lines()
        let refusals = RefusalLog(logger: Logger(label: "t") { _ in Collecting(lines: lines) }, window: .seconds(60))
        let start = ContinuousClock.now
        refusals.refused(client: "10.0.0.9", path: "/status", presented: false, now: start)
        refusals.refused(client: "10.0.0.9", path: "/metrics", presented: true, now: start + .seconds(1))
        refusals.refused(client: "10.0.0.9", path: "/", presented: true, now: start + .seconds(30))
        refusals.refused(client: "10.0.0.7", path: "/status", presented: true, now: start + .seconds(31))
        refusals.refused(client: "10.0.0.9", path: "/status", presented: true, now: start + .seconds(61))
        #expect(
            lines.all == [
                "status request refused: a valid token is required client=10.0.0.9 path=/status reason=no token",
                "status request refused: a valid token is required client=10.0.0.7 path=/status reason=wrong token",
                "status request refused: a valid token is required client=10.0.0.9 path=/status reason=wrong token refused_since_last=2",
            ]
        )
    }
}

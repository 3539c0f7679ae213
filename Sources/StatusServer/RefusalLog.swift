public import Logging
import Synchronization

/// Logs the status requests refused for a missing or wrong token: the first from each client, then
/// at most one a minute per client with how many were refused since. Never the token presented,
/// nor the query (it may hold one).
public final class RefusalLog: Sendable {
    private let logger: Logger
    private let window: Duration
    private let clients = Mutex<[String: Entry]>([:])

    private struct Entry {
        var logged: ContinuousClock.Instant
        var unlogged: Int
    }

    public init(logger: Logger, window: Duration = .seconds(60)) {
        self.logger = logger
        self.window = window
    }

    /// Notes a refused request from `client` for `path`; `presented` tells a wrong token from none.
    func refused(client: String, path: String, presented: Bool, now: ContinuousClock.Instant = .now) {
        let since: Int? = clients.withLock { clients in
            if var entry = clients[client], now - entry.logged < window {
                entry.unlogged += 1
                clients[client] = entry
                return nil
            }
            let since = clients[client]?.unlogged ?? 0
            if clients.count > 10_000 { clients = clients.filter { now - $0.value.logged < window } }
            clients[client] = Entry(logged: now, unlogged: 0)
            return since
        }
        guard let since else { return }
        var metadata: Logger.Metadata = [
            "client": "\(client)", "path": "\(path)", "reason": presented ? "wrong token" : "no token",
        ]
        if since > 0 { metadata["refused_since_last"] = "\(since)" }
        logger.notice("status request refused: a valid token is required", metadata: metadata)
    }
}

/// What the status endpoint allows a client, so that slow or idle connections cannot use up the
/// process's file descriptors (docs/status-api.md, "Limits").
public struct StatusServerLimits: Sendable, Hashable {
    /// Connections held open at once. Beyond it the server stops accepting: new connections wait in
    /// the listen backlog (and the kernel refuses the rest) until one closes.
    public var maxConnections: Int
    /// A connection that completes no request for this long is closed: one that sends nothing, one
    /// whose request head never completes (a slow-header client), one idle between requests.
    public var idleTimeout: Duration
    /// A request's body must be complete this long after its head, however slowly it trickles.
    public var bodyTimeout: Duration
    /// Bytes of request head (all header fields) a request may send.
    public var maxHeaderBytes: Int
    /// Pending connections the kernel may queue for the server (`listen(2)` backlog).
    public var backlog: Int

    public init(
        maxConnections: Int = 128,
        idleTimeout: Duration = .seconds(5),
        bodyTimeout: Duration = .seconds(5),
        maxHeaderBytes: Int = 16 * 1024,
        backlog: Int = 128
    ) {
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
        self.maxHeaderBytes = maxHeaderBytes
        self.backlog = backlog
    }

    /// The defaults: 128 connections, 5 s idle (and to send a request head), 5 s for a body, 16 KiB of headers.
    public static let standard = StatusServerLimits()
}

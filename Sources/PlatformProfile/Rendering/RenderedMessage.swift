/// One message ready to send: its body (already encrypted where the profile says), the HTTP
/// headers it needs, and which log records it carries.
public struct RenderedMessage: Sendable {
    public var kind: MessageKind
    /// The message's bytes (for TCP, without the frame's delimiter or length prefix).
    public var body: [UInt8]
    /// Headers for HTTP (`appsecret`, a signature); empty when there are none.
    public var headers: [(name: String, value: String)]
    /// The plaintext of every encrypted part, in the order written (the whole body first when the
    /// body is encrypted), so a preview can show what the platform will decrypt.
    public var plaintexts: [[UInt8]]
    /// The log sequence numbers of the records in the message (empty for catalogue and heartbeat).
    public var sequences: [Int64]
    /// Catalogue messages: the points carried, as `device.point`.
    public var points: [String]
}

/// The messages of one batch of log records.
public struct RenderedBatch: Sendable {
    public var messages: [RenderedMessage]
    /// Log sequences not sent to this platform: events when the profile has no `events` message, and
    /// readings of points without an indicator code when it sends indicated points only.
    public var unsent: [Int64]
}

/// A change of an ``MQTTClient``'s connection, for logs and statistics.
public enum MQTTClientEvent: Sendable {
    /// The broker accepted the connection; `sessionPresent` when it still had the persistent session.
    case connected(sessionPresent: Bool)
    /// The broker refused the connection, or it could not be made; the client retries with backoff.
    case failed(MQTTError)
    /// An established connection dropped; the client reconnects with backoff.
    case lost(MQTTError)
}

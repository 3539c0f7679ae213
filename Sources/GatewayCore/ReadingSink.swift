/// Where the poller delivers readings and events: the durable log, a JSON-lines writer, a test
/// collector. The poller never knows which.
public protocol ReadingSink: Sendable {
    /// Stores readings. Returns once they are stored as durably as the sink promises.
    func store(_ readings: [Reading]) async throws
    /// Stores events (alarms and state changes), which go ahead of readings upstream.
    func store(_ events: [GatewayEvent]) async throws
}

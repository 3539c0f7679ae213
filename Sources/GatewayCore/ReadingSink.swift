/// Where the poller delivers readings and events: the durable log, a JSON-lines writer, a test
/// collector. The poller never knows which.
public protocol ReadingSink: Sendable {
    /// Stores readings. Returns once they are stored as durably as the sink promises.
    func store(_ readings: [Reading]) async throws
    /// Stores events (alarms and state changes), which go ahead of readings upstream.
    func store(_ events: [GatewayEvent]) async throws
    /// Stores events, then readings, at once where the sink can (the durable log: one transaction).
    /// If it throws, neither is stored.
    func store(events: [GatewayEvent], readings: [Reading]) async throws
    /// Stores events, readings and the alarm state they changed (``AlarmMemory``), in one transaction where
    /// the sink can, so that a restart finds the alarm state that matches the events sent. A sink without
    /// memory stores the events and readings only.
    func store(events: [GatewayEvent], readings: [Reading], memories: [AlarmMemory]) async throws
    /// Stores events, then the readings of every group in order, and the alarm state, as
    /// ``store(events:readings:memories:)`` does with the groups joined: the poller's group commit hands
    /// over each device's readings as they came, and a sink that can store them so saves copying every
    /// reading of a poll cycle into one array.
    func store(events: [GatewayEvent], readingGroups: [[Reading]], memories: [AlarmMemory]) async throws
}

extension ReadingSink {
    /// Events, then readings, as two stores. A sink whose two stores are not atomic together should
    /// implement this itself, since the caller retries the whole on failure.
    public func store(events: [GatewayEvent], readings: [Reading]) async throws {
        if !events.isEmpty { try await store(events) }
        if !readings.isEmpty { try await store(readings) }
    }

    /// Events and readings; the alarm state is not kept (a sink with nothing to restart from).
    public func store(events: [GatewayEvent], readings: [Reading], memories: [AlarmMemory]) async throws {
        try await store(events: events, readings: readings)
    }

    /// The groups joined, then ``store(events:readings:)`` (or ``store(events:readings:memories:)`` when
    /// the alarm state changed).
    public func store(events: [GatewayEvent], readingGroups: [[Reading]], memories: [AlarmMemory]) async throws {
        let readings = readingGroups.count == 1 ? readingGroups[0] : readingGroups.flatMap { $0 }
        if memories.isEmpty {
            try await store(events: events, readings: readings)
        } else {
            try await store(events: events, readings: readings, memories: memories)
        }
    }
}

public import GatewayCore

/// A sink that keeps everything in memory, for tests of the poller.
public actor CollectingSink: ReadingSink {
    public private(set) var readings: [Reading] = []
    public private(set) var events: [GatewayEvent] = []
    /// The alarm state handed over to be persisted, in order.
    public private(set) var memories: [AlarmMemory] = []

    public init() {}

    public func store(_ readings: [Reading]) async throws { self.readings += readings }

    public func store(_ events: [GatewayEvent]) async throws { self.events += events }

    public func store(events: [GatewayEvent], readings: [Reading], memories: [AlarmMemory]) async throws {
        self.events += events
        self.readings += readings
        self.memories += memories
    }

    /// The readings of one point, in order.
    public func readings(device: String, point: String) -> [Reading] {
        readings.filter { $0.device == device && $0.point == point }
    }

    /// Waits until `condition` holds for the sink, or fails after `timeout`.
    public func wait(
        for description: String,
        timeout: Duration = .seconds(10),
        _ condition: @Sendable (CollectingSink) async -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition(self) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure(
            "timed out waiting for \(description); events:\n\(events.map { "\($0.kind) \($0.device ?? "") \($0.point ?? "") \($0.reason)" }.joined(separator: "\n"))"
        )
    }
}

public import Logging
public import ServiceLifecycle

/// A service (a Hummingbird application standing in for a platform or a receiver) run in the
/// background until ``stop()``, which shuts it down gracefully.
///
/// Cancelling the task that runs a NIO server instead can trap ("Deinited NIOAsyncWriter without
/// calling finish()") when a connection was accepted but not yet handed to the server's loop, which
/// a client retrying at that moment makes likely (apple/swift-nio#3481).
public final class ServedInBackground: Sendable {
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    public init(_ service: some Service, logger: Logger) {
        let group = ServiceGroup(services: [service], logger: logger)
        self.group = group
        task = Task { try await group.run() }
    }

    /// Starts the graceful shutdown and returns at once.
    public func stop() {
        let group = self.group
        Task { await group.triggerGracefulShutdown() }
    }

    /// Shuts the service down gracefully and waits until it stopped.
    public func stopAndWait() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

import Synchronization

/// Readings and events read but not yet stored. When storing falls behind polling (a slow disk, a
/// site beyond what the machine can store), the pollers wait before their next cycle while the
/// backlog is over its limit: cycles are skipped and counted as overruns, memory stays bounded, and
/// nothing already read is dropped.
final class StorageBacklog: Sendable {
    /// Records (readings and events) queued beyond which pollers wait.
    let limit: Int
    private let queued = Atomic<Int>(0)

    init(limit: Int) { self.limit = limit }

    func add(_ count: Int) { queued.add(count, ordering: .relaxed) }

    func remove(_ count: Int) { queued.subtract(count, ordering: .relaxed) }

    var count: Int { queued.load(ordering: .relaxed) }

    /// Returns once the backlog is within its limit (or the task is cancelled).
    func waitForRoom() async {
        while count > limit, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

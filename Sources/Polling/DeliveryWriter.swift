import GatewayCore
import Logging
import Synchronization

/// Stores the processor's deliveries in the sink, in order, with group commit: whatever arrived
/// while the previous store was being written goes in the next one, as one
/// ``ReadingSink/store(events:readings:)`` (for the durable log, one transaction and one fsync for
/// every device read meanwhile, instead of one per device), up to ``storeReadings`` readings a store.
///
/// While a link is in the middle of a poll cycle, readings wait for the end of the cycle (at most
/// ``gatherLimit``, and only until ``gatherRecords`` are queued), so that a cycle's devices go in one
/// store: at a small site that is one transaction, one fsync and one upload per cycle instead of one
/// per device. Events (alarms, state changes) never wait: a delivery with an event is stored at
/// once, after what is queued before it and in the processor's order (``inOrder(_:)``). A lone
/// device's readings, or readings with no link polling, are stored at once.
///
/// A store that fails (a full disk, a log locked by another process) is retried, 100 ms doubling to
/// 5 s, until it succeeds: readings wait in memory rather than being lost, and what arrives behind
/// them waits too, so the order is kept (and polling waits for room, ``StorageBacklog``). A failing
/// store never ends the writer, let alone the process. Only when the gateway is stopping does it
/// give up, after retrying for ``stopGrace``: then it logs, at error level, exactly how many readings
/// and events are lost (the only loss there is: the gateway was asked to stop and the log cannot store).
final class DeliveryWriter: Sendable {
    /// How long stores are still retried once polling has stopped.
    static let stopGrace = Duration.seconds(10)

    let sink: any ReadingSink
    let statistics: PollingStatistics
    let backlog: StorageBacklog
    let logger: Logger
    /// Set once polling has stopped: the writer then drains what is queued without waiting forever.
    private let stopping = Atomic<Bool>(false)
    /// When ``stop()`` was called (ContinuousClock, nanoseconds since `origin`), for the grace time.
    private let stoppedAt = Mutex<ContinuousClock.Instant?>(nil)
    /// Readings and events given up at stop.
    private let lost = Atomic<Int>(0)
    /// How long readings wait, at most, for the rest of their poll cycle before they are stored.
    static let gatherLimit = Duration.milliseconds(25)
    /// Readings queued from which a store goes without waiting for the rest of the cycle: a store's fixed
    /// cost (a transaction, an fsync, an upload and its acknowledgement) is small beside theirs, and a
    /// large site's readings then wait no longer than before.
    static let gatherRecords = 1000
    /// The most readings one store takes when more are queued (a store may take more only when a
    /// single delivery has more). A store is one transaction of the log, and the log's WAL takes about
    /// 100 bytes a reading: readings queued while a store was held up (the size cap dropping a
    /// segment, a slow disk) go in stores of about 1 MB of WAL each, which keep the WAL within its
    /// limit (checkpointed at half of it, docs/operations.md), instead of one commit of several
    /// cycles that went past it.
    static let storeReadings = 10_000
    /// Deliveries received and not yet stored, oldest first, and what the gathering needs.
    private let queue = Mutex<Queue>(Queue())

    private struct Queue {
        var deliveries: [PointProcessor.Delivery] = []
        /// Whether a queued delivery holds an event: then nothing waits.
        var urgent = false
        /// Readings queued.
        var records = 0
        /// Links in the middle of a poll cycle (markers taken so far).
        var cycling = 0
        /// Whether the deliveries have ended.
        var finished = false
        /// The storer, waiting for the end of a cycle.
        var waiter: CheckedContinuation<Void, Never>?
        /// Whether the current wait has lasted ``gatherLimit``.
        var expired = false

        /// Whether queued readings should wait for the rest of their cycle.
        var gathering: Bool {
            !deliveries.isEmpty && !urgent && records < DeliveryWriter.gatherRecords && cycling > 0 && !finished
                && !expired
        }

        /// Hands back the storer if it waits and need not any more.
        mutating func releasable() -> CheckedContinuation<Void, Never>? {
            guard !gathering, let waiter else { return nil }
            self.waiter = nil
            return waiter
        }
    }

    /// Called once a store succeeds after failures, with what happened in words (the poller records a
    /// `storage_recovered` event with it).
    let onRecovered: @Sendable (String) async -> Void

    init(
        sink: any ReadingSink,
        statistics: PollingStatistics,
        backlog: StorageBacklog,
        logger: Logger,
        onRecovered: @escaping @Sendable (String) async -> Void = { _ in }
    ) {
        self.onRecovered = onRecovered
        self.sink = sink
        self.statistics = statistics
        self.backlog = backlog
        self.logger = logger
    }

    /// Polling has stopped: give up on a store that still fails ``stopGrace`` from now.
    func stop() {
        stoppedAt.withLock { $0 = $0 ?? .now }
        stopping.store(true, ordering: .relaxed)
    }

    /// Whether a stopping writer has retried for its grace time.
    private var graceOver: Bool {
        guard stopping.load(ordering: .relaxed) || Task.isCancelled else { return false }
        let since = stoppedAt.withLock { instant in
            if instant == nil { instant = .now }
            return instant!
        }
        return ContinuousClock.now - since >= Self.stopGrace
    }

    /// Stores every delivery of `deliveries`; returns once the stream has finished and all is stored.
    func run(_ deliveries: AsyncStream<PointProcessor.Delivery>) async {
        // A doorbell: rung for each delivery queued; one pending ring is enough to wake the storer.
        let (doorbell, ring) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await delivery in deliveries {
                    if let mark = delivery.cycle {
                        self.queue.withLock { queue in
                            queue.cycling = max(0, queue.cycling + (mark == .began ? 1 : -1))
                            return queue.releasable()
                        }?.resume()
                        continue
                    }
                    self.backlog.add(delivery.events.count + delivery.readings.count)
                    self.queue.withLock { queue in
                        queue.deliveries.append(delivery)
                        queue.records += delivery.readings.count
                        if !delivery.events.isEmpty { queue.urgent = true }
                        return queue.releasable()
                    }?.resume()
                    ring.yield()
                }
                self.queue.withLock { queue in
                    queue.finished = true
                    return queue.releasable()
                }?.resume()
                ring.finish()
            }
            group.addTask {
                // Detached: a store must not be cut short when polling is cancelled (GRDB gives up a
                // write whose task is cancelled); the doorbell ends once the deliveries do.
                await Task.detached {
                    for await _ in doorbell { await self.storeQueued() }
                    await self.storeQueued()
                }.value
            }
        }
        let lost = lost.load(ordering: .relaxed)
        if lost > 0 {
            logger.error(
                """
                stopped with \(lost) readings and events lost: the log could not store them for \(Self.stopGrace) \
                after polling stopped (check storage.path: disk space, permissions, the file system)
                """,
                metadata: ["lost": "\(lost)"]
            )
        }
    }

    /// Waits while queued readings are part of a poll cycle still running, at most ``gatherLimit``.
    private func gather() async {
        let gathering = queue.withLock { queue in
            queue.expired = false
            return queue.gathering
        }
        guard gathering else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(for: Self.gatherLimit)
                // The limit (or the end of the wait): the storer goes on whatever the cycle does.
                self.queue.withLock { queue in
                    queue.expired = true
                    defer { queue.waiter = nil }
                    return queue.waiter
                }?.resume()
            }
            await withCheckedContinuation { continuation in
                let waits = queue.withLock { queue in
                    guard queue.gathering else { return false }
                    queue.waiter = continuation
                    return true
                }
                if !waits { continuation.resume() }
            }
            group.cancelAll()
        }
    }

    private func storeQueued() async {
        while true {
            await gather()
            let batch = queue.withLock { queued in
                defer {
                    queued.deliveries.removeAll(keepingCapacity: true)
                    queued.urgent = false
                    queued.records = 0
                }
                return queued.deliveries
            }
            guard !batch.isEmpty else { return }
            for group in Self.inOrder(batch) {
                let events = group.flatMap(\.events)
                // Each delivery's readings as they are: a poll cycle's 10,000 readings are not copied
                // into one array first (2 % of the gateway's CPU at 10,000 points, most of it page
                // faults on the fresh memory).
                let readings = group.map(\.readings).filter { !$0.isEmpty }
                let memories = group.flatMap(\.memories)
                let count = events.count + readings.reduce(0) { $0 + $1.count }
                await store(count) {
                    try await sink.store(events: events, readingGroups: readings, memories: memories)
                }
                backlog.remove(count)
            }
        }
    }

    /// Queued deliveries cut into stores that keep the processor's order: a store writes its events
    /// before its readings, so a delivery with events starts a new store when readings processed
    /// before it are queued (an alarm raised in the middle of a gathered cycle goes in a second store,
    /// after the readings taken before it). A delivery whose readings would take a store past
    /// `maxReadings` starts a new one too (``storeReadings``); a delivery is never cut.
    static func inOrder(
        _ batch: [PointProcessor.Delivery],
        maxReadings: Int = storeReadings
    ) -> [ArraySlice<PointProcessor.Delivery>] {
        var groups: [ArraySlice<PointProcessor.Delivery>] = []
        var start = batch.startIndex
        var readings = 0
        for index in batch.indices {
            let delivery = batch[index]
            if readings > 0 && (!delivery.events.isEmpty || readings + delivery.readings.count > maxReadings) {
                groups.append(batch[start..<index])
                start = index
                readings = 0
            }
            readings += delivery.readings.count
        }
        groups.append(batch[start...])
        return groups
    }

    private func store(_ count: Int, _ operation: () async throws -> Void) async {
        var delay = Duration.milliseconds(100)
        var attempts = 0
        var firstFailure: ContinuousClock.Instant?
        while true {
            do {
                try await operation()
                if attempts > 0 {
                    statistics.recordSinkRecovered()
                    logger.notice("stored after \(attempts) failed attempts", metadata: ["records": "\(count)"])
                    let since = ContinuousClock.now - (firstFailure ?? .now)
                    await onRecovered(
                        "the log stores again after refusing \(attempts) times for \(since.readableDescription); "
                            + "the readings and events read meanwhile waited in memory: none lost"
                    )
                }
                return
            } catch {
                attempts += 1
                firstFailure = firstFailure ?? .now
                statistics.recordSinkFailure()
                if attempts == 1 {
                    logger.error(
                        "cannot store readings and events; retrying until it works (they wait in memory)",
                        metadata: ["records": "\(count)", "error": "\(error)"]
                    )
                }
                if graceOver {
                    statistics.recordSinkLoss(count)
                    lost.add(count, ordering: .relaxed)
                    logger.error(
                        "the gateway is stopping and the log still cannot store: \(count) readings and events lost",
                        metadata: ["records": "\(count)", "error": "\(error)"]
                    )
                    return
                }
                // Stopping: retry more often, within the grace time. The pause is not cut short by
                // cancellation (a cancelled sleep would turn the retries into a busy loop).
                let pause =
                    stopping.load(ordering: .relaxed) || Task.isCancelled ? min(delay, .milliseconds(500)) : delay
                await Task.detached { try? await Task.sleep(for: pause) }.value
                delay = min(delay * 2, .seconds(5))
            }
        }
    }
}

import GatewayCore
import Logging
import Synchronization

/// Stores the processor's deliveries in the sink, in order. A store that fails (a full disk, a log
/// locked by another process) is retried, 100 ms doubling to 5 s, until it succeeds: readings wait
/// in memory rather than being lost, and the events and readings behind them wait too, so the
/// order is kept. Only when the gateway is stopping does it give up on a store after three
/// attempts, counting and logging what is lost.
final class DeliveryWriter: Sendable {
    let sink: any ReadingSink
    let statistics: PollingStatistics
    let logger: Logger
    /// Set once polling has stopped: the writer then drains what is queued without waiting forever.
    private let stopping = Atomic<Bool>(false)

    init(sink: any ReadingSink, statistics: PollingStatistics, logger: Logger) {
        self.sink = sink
        self.statistics = statistics
        self.logger = logger
    }

    /// Polling has stopped: give up on a store that still fails after three attempts.
    func stop() { stopping.store(true, ordering: .relaxed) }

    func run(_ deliveries: AsyncStream<PointProcessor.Delivery>) async {
        for await delivery in deliveries {
            if !delivery.events.isEmpty {
                await store(delivery.events.count, "events") { try await sink.store(delivery.events) }
            }
            if !delivery.readings.isEmpty {
                await store(delivery.readings.count, "readings") { try await sink.store(delivery.readings) }
            }
        }
    }

    private func store(_ count: Int, _ kind: String, _ operation: () async throws -> Void) async {
        var delay = Duration.milliseconds(100)
        var attempts = 0
        while true {
            do {
                try await operation()
                if attempts > 0 {
                    statistics.recordSinkRecovered()
                    logger.notice("stored after \(attempts) failed attempts", metadata: ["\(kind)": "\(count)"])
                }
                return
            } catch {
                attempts += 1
                statistics.recordSinkFailure()
                if attempts == 1 {
                    logger.error(
                        "cannot store \(kind); retrying until it works (they wait in memory)",
                        metadata: ["\(kind)": "\(count)", "error": "\(error)"]
                    )
                }
                if (stopping.load(ordering: .relaxed) || Task.isCancelled) && attempts >= 3 {
                    statistics.recordSinkLoss(count)
                    logger.critical(
                        "gave up storing \(kind) while stopping: they are lost",
                        metadata: ["\(kind)": "\(count)", "error": "\(error)"]
                    )
                    return
                }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }
}

import GRDB
import Synchronization

/// Tells a forwarder that records were appended, so that it waits for new records instead of querying
/// the log every `batch_delay` while nothing is pending.
///
/// A transaction that inserted into `record` (its head segment, `record_head`) yields one element on ``appends`` once it is committed
/// (at most one element waits: a burst of commits wakes a forwarder once). The observation (a GRDB
/// transaction observer on the log's writer) ends when the watch is released.
public final class AppendWatch: Sendable {
    /// Yields after each commit that appended records (coalesced: at most one element waits).
    public let appends: AsyncStream<Void>
    fileprivate let observer: CommitObserver

    fileprivate init() {
        let (appends, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.appends = appends
        observer = CommitObserver(continuation)
    }
}

/// Signals the commits of transactions that inserted into `record_head`.
private final class CommitObserver: TransactionObserver, Sendable {
    private let continuation: AsyncStream<Void>.Continuation
    private let inserted = Mutex(false)

    init(_ continuation: AsyncStream<Void>.Continuation) {
        self.continuation = continuation
    }

    deinit { continuation.finish() }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        if case .insert(let table) = eventKind { return table == Segments.head }
        return false
    }

    func databaseDidChange(with event: DatabaseEvent) {
        inserted.withLock { $0 = true }
        // One notification per transaction is enough: its other inserts cost nothing here.
        stopObservingDatabaseChangesUntilNextTransaction()
    }

    func databaseDidCommit(_ db: Database) {
        let appended = inserted.withLock { value in
            defer { value = false }
            return value
        }
        if appended { continuation.yield() }
    }

    func databaseDidRollback(_ db: Database) {
        inserted.withLock { $0 = false }
    }
}

extension DurableLog {
    /// A new ``AppendWatch`` on this log; it observes the log's appends for as long as it is kept.
    public func appendWatch() async throws -> AppendWatch {
        let watch = AppendWatch()
        let observer = watch.observer
        try await pool.writeWithoutTransaction { db in
            db.add(transactionObserver: observer, extent: .observerLifetime)
        }
        return watch
    }
}

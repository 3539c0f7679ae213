import GatewayCore
import Logging
import Outbox
import Synchronization

/// The data lane of an HTTP uplink: up to ``UplinkForwarder/Settings/inFlight`` batches in flight.
///
/// - A new batch goes as soon as something is pending and nothing is in flight; while others are in
///   flight, when they are answered or `batch_delay` after the last one went (a slow platform gets up to
///   `in_flight` at once), so batches grow with the rate and the backlog (up to
///   `batch_records` and `batch_bytes`) and stay small, and immediate, when the uplink is caught up.
///   Behind (the last batch was full), full batches go one at a time, back to back.
/// - A new batch never holds a record whose ``OrderKey`` an in-flight batch holds; a batch read back
///   from the log (a retry) that shares a key with one in flight waits until they are all answered.
/// - A failure (no answer, 5xx, 429…) stops new batches: the ones in flight are answered, the backoff
///   (or `Retry-After`) is waited, and the unacknowledged batches are sent again first, frozen as they
///   were (same ids, same records), before anything new.
/// - Nothing pending: the forwarder waits for the log's next append (``AppendWatch``), or one second
///   (a dead letter requeued, a record the watch could not see), instead of querying every `batch_delay`.
extension UplinkForwarder {
    func sendBatches() async throws {
        let clock = ContinuousClock()
        var pacing = FailurePacing(origin: clock.now)
        var outage = UplinkOutage()
        var trend = BacklogTrend(maxAge: settings.backlogMaxAge, maxGrowth: settings.backlogMaxGrowth)
        var lastSample: ContinuousClock.Instant?
        func sampleBacklog(force: Bool = false) async {
            let now = clock.now
            guard force || lastSample.map({ now - $0 >= .seconds(1) }) ?? true else { return }
            lastSample = now
            guard let pending = try? await log.pending(for: settings.id) else { return }
            trend.observe(records: pending.records, oldest: pending.oldestUnacknowledged, at: now - pacing.origin)
            let problem = trend.problem(uplink: settings.id, now: .now())
            let snapshot = trend
            statistics.record {
                $0.backlog = snapshot.records
                $0.oldestPending = snapshot.oldest
                $0.backlogTrend = snapshot.trend
                $0.backlogGrowingSeconds = snapshot.growingFor.map { Double($0 / .milliseconds(1)) / 1000 }
                $0.backlogProblem = problem
            }
        }
        /// What an answer asks of the loop: nil to go on, or how long to wait before sending again.
        func handle(_ outcome: Outcome, of batch: Batch) async -> Duration? {
            switch outcome {
            case .accepted:
                guard await storeOutcome({ try await log.acknowledge(batch, destination: settings.id) }) else {
                    return nil
                }
                pacing.succeeded()
                statistics.record {
                    $0.acknowledged += batch.records.count; $0.lastAcknowledgement = .now(); $0.lastError = nil
                }
                if let ended = outage.ended(at: clock.now) {
                    await sampleBacklog(force: true)
                    noteRecovery(after: ended, trend: trend)
                } else {
                    await sampleBacklog()
                }
                return nil
            case .retryAfter(let delay, let reason):
                retryLater(reason, wait: delay, outage: &outage, at: clock.now)
                await sampleBacklog()
                return delay
            case .tooLarge(let reason):
                if let halves = await storeSplit(batch) {
                    logger.notice(
                        "the platform refused a batch as too large; sending it in two halves",
                        metadata: [
                            "uplink": "\(settings.id)", "batch": "\(batch.batchID)",
                            "halves": "\(halves.0.records.count) + \(halves.1.records.count) records",
                        ]
                    )
                    return nil
                }
                await deadLetter(batch, reason: reason)
                return nil
            case .deadLetter(let reason):
                await deadLetter(batch, reason: reason)
                return nil
            case .failed(let failure):
                let wait = pacing.wait(after: failure, at: clock.now)
                retryLater(failure.description, wait: wait, outage: &outage, at: clock.now)
                await sampleBacklog()
                return wait
            }
        }

        let limit = settings.profile == nil ? max(1, settings.inFlight) : 1
        let wake = Wake()
        let answers = Answers()
        let watch = try? await log.appendWatch()
        let fallback = watch == nil ? max(settings.batchDelay, .milliseconds(10)) : .seconds(1)
        // A profile's point catalogue goes first, so the platform knows every indicator before data.
        var catalogueDue = await settings.profile?.catalogueDueAtStart(log: log, destination: settings.id) ?? false
        try await withThrowingDiscardingTaskGroup { group in
            if let watch {
                group.addTask { for await _ in watch.appends { wake.signal() } }
            }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: fallback)
                    wake.signal()
                }
            }
            var wakeups = wake.stream.makeAsyncIterator()
            var flight = Flight()
            var retryWait: Duration?
            var drainFirst = false
            // Nothing found while behind (records of points in flight): look again once an answer frees some,
            // not at every append (a log whose pending points are all in flight is not read for nothing).
            var blocked = false
            var lastDispatch: ContinuousClock.Instant?
            var lastWasFull = false
            var gatherTimer: ContinuousClock.Instant?
            defer { group.cancelAll() }
            while !Task.isCancelled {
                let answered = answers.take()
                if !answered.isEmpty { blocked = false }
                for (batch, outcome) in answered {
                    flight.remove(batch)
                    if Task.isCancelled, case .failed = outcome { return }  // cut short by shutdown: not a failure
                    if let wait = await handle(outcome, of: batch) { retryWait = max(retryWait ?? .zero, wait) }
                }
                statistics.record { $0.inFlight = flight.count }
                // (A profile, and so its catalogue, sends one request at a time: limit 1.)
                // Behind (the last batch was full), one full batch at a time: overlapping full batches cost
                // the gateway more than they gain on 2 cores (docs/sizing.md); caught up, up to `limit`.
                let slots = lastWasFull ? 1 : limit
                if !flight.isEmpty, retryWait != nil || drainFirst || blocked || flight.count >= slots {
                    _ = await wakeups.next()
                    continue
                }
                if flight.isEmpty { drainFirst = false }
                if let wait = retryWait {
                    retryWait = nil
                    try await Task.sleep(for: wait)
                    continue
                }
                if let channel = settings.profile, channel.takeCatalogueRequest() || catalogueDue {
                    let outcome = await sendCatalogue(channel)
                    if Task.isCancelled { return }
                    switch outcome {
                    case .accepted, .deadLetter, .tooLarge:
                        // A catalogue refused for good is logged by sendCatalogue; data must not wait for it forever.
                        catalogueDue = false
                    case .retryAfter(let delay, let reason):
                        catalogueDue = true
                        retryWait = delay
                        retryLater(reason, wait: delay, outage: &outage, at: clock.now)
                        continue
                    case .failed(let failure):
                        catalogueDue = true
                        let wait = pacing.wait(after: failure, at: clock.now)
                        retryWait = wait
                        retryLater(failure.description, wait: wait, outage: &outage, at: clock.now)
                        continue
                    }
                }
                // Caught up and others in flight: gather for batch_delay rather than send a request per append.
                // An answer that empties the flight ends the wait: a fast platform gets one batch at a time,
                // at once; a slow one (no answer within batch_delay) gets another batch beside it.
                if let last = lastDispatch, !flight.isEmpty, !lastWasFull, clock.now < last + settings.batchDelay {
                    if gatherTimer != last {
                        gatherTimer = last
                        let until = last + settings.batchDelay
                        group.addTask {
                            try? await Task.sleep(until: until, clock: clock)
                            wake.signal()
                        }
                    }
                    _ = await wakeups.next()
                    continue
                }
                let batch: Batch?
                do {
                    statistics.record { $0.logReads += 1 }
                    batch = try await log.nextBatch(
                        for: settings.id,
                        maxRecords: settings.batchRecords,
                        maxBytes: settings.batchBytes,
                        liveWindow: settings.liveWindow,
                        excluding: flight.ids,
                        holding: flight.isEmpty ? [] : flight.keys
                    )
                } catch {
                    if Task.isCancelled { return }  // shutting down: not the log's fault
                    logger.error("cannot read the log", metadata: ["uplink": "\(settings.id)", "error": "\(error)"])
                    try await Task.sleep(for: max(settings.batchDelay, .milliseconds(100)))
                    continue
                }
                guard let batch else {
                    // Behind (the last batch was full): what waits is of points in flight, as likely as not.
                    blocked = !flight.isEmpty && lastWasFull
                    if flight.isEmpty, lastSample == nil || trend.records > 0 { await sampleBacklog(force: true) }
                    _ = await wakeups.next()
                    continue
                }
                let keys = batch.orderKeys
                if flight.holdsAny(of: keys) {
                    drainFirst = true  // a retried batch that shares a point with one in flight goes after it
                    continue
                }
                flight.add(batch, keys: keys)
                statistics.record { $0.inFlight = flight.count }
                lastDispatch = clock.now
                lastWasFull = isFull(batch)
                group.addTask {
                    let outcome = await post(batch)
                    answers.add(batch, outcome)
                    wake.signal()
                }
            }
        }
    }

    /// Whether `batch` reached `batch_records` or (nearly) `batch_bytes`: more is probably waiting.
    private func isFull(_ batch: Batch) -> Bool {
        guard batch.records.count < settings.batchRecords else { return true }
        return batch.records.reduce(0) { $0 + $1.estimatedBytes } * 10 >= settings.batchBytes * 9
    }

    /// Counts a failed attempt (a batch's or the catalogue's) and logs it (``noteFailure(_:outage:at:retryIn:)``).
    func retryLater(_ reason: String, wait: Duration, outage: inout UplinkOutage, at instant: ContinuousClock.Instant) {
        statistics.record {
            $0.retries += 1; $0.lastError = reason
        }
        noteFailure(reason, outage: &outage, at: instant, retryIn: wait)
    }

    private func noteRecovery(after ended: Duration, trend: BacklogTrend) {
        logger.notice(
            "platform reachable again: batches are accepted",
            metadata: [
                "uplink": "\(settings.id)", "outage": "\(ended.readableDescription)",
                "backlog": "\(trend.records) records",
                "oldest":
                    "\(trend.oldest.map { "\(Double(Timestamp.now().milliseconds - $0.milliseconds) / 1000) s old" } ?? "none")",
            ]
        )
    }
}

/// The backoff schedules of a data lane. Server errors and timeouts: 1 s doubling to 60 s. A connection
/// that cannot be made (refused, no answer within connect_timeout): 0.25 s doubling to 0.5 s, so the first
/// batch goes within a second of the platform's return; a refused connection costs nothing.
struct FailurePacing {
    let origin: ContinuousClock.Instant
    private var backoff = ReconnectBackoff(initial: .seconds(1), maximum: .seconds(60))
    private var connectBackoff = ReconnectBackoff(initial: .milliseconds(250), maximum: .milliseconds(500))
    private var random = SplitMix64(seed: UInt64.random(in: 1...UInt64.max))

    init(origin: ContinuousClock.Instant) {
        self.origin = origin
    }

    /// How long to wait after `failure` at `instant`.
    mutating func wait(after failure: SendFailure, at instant: ContinuousClock.Instant) -> Duration {
        let now = instant - origin
        return failure.cannotConnect
            ? connectBackoff.failed(at: now, random: &random) - now
            : backoff.failed(at: now, random: &random) - now
    }

    mutating func succeeded() {
        backoff.succeeded()
        connectBackoff.succeeded()
    }
}

/// The batches in flight and the order keys each holds.
///
/// Kept per batch, not counted per key: a batch is added and removed whole, without hashing its keys
/// again (at 10,000 values a second that was 10,000 keys hashed twice more a second), and
/// ``Outbox/DurableLog/nextBatch(for:maxRecords:maxBytes:liveWindow:now:excluding:holding:)`` looks a
/// key up in each of the few sets in flight instead of a union built for every read.
private struct Flight {
    private var batches: [String: Set<OrderKey>] = [:]

    var isEmpty: Bool { batches.isEmpty }
    var count: Int { batches.count }
    var ids: Set<String> { Set(batches.keys) }
    var keys: [Set<OrderKey>] { Array(batches.values) }

    /// Whether a batch in flight holds one of `keys`.
    func holdsAny(of keys: Set<OrderKey>) -> Bool { batches.values.contains { !$0.isDisjoint(with: keys) } }

    mutating func add(_ batch: Batch, keys: Set<OrderKey>) {
        batches[batch.batchID] = keys
    }

    mutating func remove(_ batch: Batch) {
        batches.removeValue(forKey: batch.batchID)
    }
}

/// Wakes the data lane: an append, an answer, the fallback timer (coalesced: one pending wake-up).
private final class Wake: Sendable {
    let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func signal() { continuation.yield() }
}

/// The answers of the batches in flight, handed from their tasks to the lane.
private final class Answers: Sendable {
    private let items = Mutex<[(Batch, UplinkForwarder.Outcome)]>([])

    func add(_ batch: Batch, _ outcome: UplinkForwarder.Outcome) {
        items.withLock { $0.append((batch, outcome)) }
    }

    func take() -> [(Batch, UplinkForwarder.Outcome)] {
        items.withLock { items in
            defer { items = [] }
            return items
        }
    }
}

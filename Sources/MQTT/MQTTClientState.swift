import Synchronization

/// What the loop thread's callbacks and the async API share: the connection state, the callers
/// waiting for a connection or a PUBACK, the subscriptions and the stream of received messages.
final class MQTTClientState: Sendable {
    struct Inner {
        var connected = false
        var connectedSinceFailure = false
        var stopping = false
        var loopEnded = false
        var lastError: MQTTError?
        /// The last error-level line libmosquitto logged (an OpenSSL reason, for instance).
        var lastLibraryError: String?
        var nextWaiter = 0
        /// Callers of `connect()` (any outcome) and `waitUntilConnected()` (success only).
        var waiters: [Int: (anyOutcome: Bool, continuation: CheckedContinuation<Void, any Error>)] = [:]
        var loopWaiters: [CheckedContinuation<Void, Never>] = []
        /// The group of each message waiting for its PUBACK (QoS 1) or its sending (QoS 0), by message id.
        var publishes: [Int32: Int] = [:]
        /// Callers waiting for all messages of a group, by group id.
        var groups: [Int: (remaining: Int, continuation: CheckedContinuation<Void, any Error>)] = [:]
        /// Outcomes that arrived before their publisher registered (the loop thread can be that fast).
        var early: [Int32: MQTTError?] = [:]
        var subscriptions: [String: MQTTQoS] = [:]
        /// The SUBACKs awaited before the connection counts as made, and its session flag.
        var pendingSubscriptions: Set<Int32> = []
        var pendingSessionPresent = false
    }

    let name: String
    let broker: String
    let version: MQTTOptions.ProtocolVersion
    let inner = Mutex(Inner())
    let messages: AsyncStream<MQTTMessage>
    private let messageSink: AsyncStream<MQTTMessage>.Continuation
    private let onEvent: @Sendable (MQTTClientEvent) -> Void

    init(
        name: String,
        broker: String,
        version: MQTTOptions.ProtocolVersion,
        onEvent: @escaping @Sendable (MQTTClientEvent) -> Void
    ) {
        self.name = name
        self.broker = broker
        self.version = version
        self.onEvent = onEvent
        (messages, messageSink) = AsyncStream.makeStream(of: MQTTMessage.self)
    }

    var isStopping: Bool { inner.withLock { $0.stopping } }
    var isConnected: Bool { inner.withLock { $0.connected } }

    // MARK: Called on the loop thread

    func didConnect(sessionPresent: Bool) {
        let waiters = inner.withLock { inner in
            inner.connected = true
            inner.connectedSinceFailure = true
            inner.lastError = nil
            let waiting = inner.waiters.values.map(\.continuation)
            inner.waiters = [:]
            return waiting
        }
        for waiter in waiters { waiter.resume() }
        onEvent(.connected(sessionPresent: sessionPresent))
    }

    /// Connected once the broker acknowledged `mids` (the subscriptions sent at connect), at once without.
    func awaitSubscriptions(_ mids: [Int32], sessionPresent: Bool) {
        guard !mids.isEmpty else { return didConnect(sessionPresent: sessionPresent) }
        inner.withLock { inner in
            inner.pendingSubscriptions = Set(mids)
            inner.pendingSessionPresent = sessionPresent
        }
    }

    func didSubscribe(mid: Int32) {
        let complete = inner.withLock { inner -> Bool? in
            guard inner.pendingSubscriptions.remove(mid) != nil else { return nil }
            return inner.pendingSubscriptions.isEmpty ? inner.pendingSessionPresent : nil
        }
        if let sessionPresent = complete { didConnect(sessionPresent: sessionPresent) }
    }

    /// A refused CONNACK or a connection that could not be made.
    func didFail(_ error: MQTTError) {
        let waiters = inner.withLock { inner in
            inner.connected = false
            inner.lastError = error
            let failing = inner.waiters.filter(\.value.anyOutcome)
            for key in failing.keys { inner.waiters[key] = nil }
            return failing.values.map(\.continuation)
        }
        for waiter in waiters { waiter.resume(throwing: error) }
        onEvent(.failed(error))
    }

    /// The connection dropped after it was up. Returns whether it had been accepted since the last failure.
    func didLose(_ error: MQTTError) -> Bool {
        let wasUp = inner.withLock { inner in
            let wasUp = inner.connected
            inner.connected = false
            inner.lastError = error
            return wasUp
        }
        if wasUp { onEvent(.lost(error)) }
        return wasUp
    }

    /// Whether a connection was accepted since the last call (the backoff starts again from its minimum).
    func takeConnectedSinceFailure() -> Bool {
        inner.withLock { inner in
            defer { inner.connectedSinceFailure = false }
            return inner.connectedSinceFailure
        }
    }

    func didPublish(mid: Int32, failure: MQTTError?) {
        let outcome = inner.withLock { inner -> (CheckedContinuation<Void, any Error>, MQTTError?)? in
            guard let group = inner.publishes.removeValue(forKey: mid) else {
                if inner.early.count > 100_000 { inner.early = [:] }  // outcomes nobody waits for any more
                inner.early[mid] = .some(failure)
                return nil
            }
            return Self.settle(group: group, mid: mid, failure: failure, &inner)
        }
        if let (continuation, failure) = outcome {
            if let failure { continuation.resume(throwing: failure) } else { continuation.resume() }
        }
    }

    /// Takes `mid` out of its group; the group's continuation when the group is complete or failed.
    private static func settle(group: Int, mid: Int32, failure: MQTTError?, _ inner: inout Inner)
        -> (CheckedContinuation<Void, any Error>, MQTTError?)?
    {
        guard let entry = inner.groups[group] else { return nil }
        if failure != nil || entry.remaining <= 1 {
            inner.groups[group] = nil
            if failure != nil { inner.publishes = inner.publishes.filter { $0.value != group } }
            return (entry.continuation, failure)
        }
        // A count, not the set of ids: thousands of PUBACKs per group must each cost O(1).
        inner.groups[group]?.remaining -= 1
        return nil
    }

    func didReceive(_ message: MQTTMessage) { messageSink.yield(message) }

    func libraryLogged(_ line: String) { inner.withLock { $0.lastLibraryError = line } }

    func takeLibraryError() -> String? {
        inner.withLock { inner in
            defer { inner.lastLibraryError = nil }
            return inner.lastLibraryError
        }
    }

    func loopDidEnd() {
        let (waiters, publishes, connecting) = inner.withLock { inner in
            inner.loopEnded = true
            inner.connected = false
            defer {
                inner.loopWaiters = []
                inner.publishes = [:]
                inner.groups = [:]
                inner.waiters = [:]
            }
            return (
                inner.loopWaiters, inner.groups.values.map(\.continuation), inner.waiters.values.map(\.continuation)
            )
        }
        let stopped = MQTTError(.stopped, "\(name): the MQTT client was stopped")
        for waiter in publishes { waiter.resume(throwing: stopped) }
        for waiter in connecting { waiter.resume(throwing: stopped) }
        for waiter in waiters { waiter.resume() }
        messageSink.finish()
    }

    // MARK: Called by the async API

    func nextWaiterID() -> Int {
        inner.withLock { inner in
            inner.nextWaiter += 1
            return inner.nextWaiter
        }
    }

    /// Registers a caller waiting for a connection; resumes it at once when already connected or stopped.
    func addConnectionWaiter(_ id: Int, anyOutcome: Bool, _ continuation: CheckedContinuation<Void, any Error>) {
        let outcome: Result<Void, any Error>? = inner.withLock { inner in
            if inner.loopEnded || inner.stopping {
                return .failure(MQTTError(.stopped, "\(name): the MQTT client was stopped"))
            }
            if inner.connected { return .success(()) }
            if Task.isCancelled { return .failure(CancellationError()) }
            inner.waiters[id] = (anyOutcome, continuation)
            return nil
        }
        if let outcome { continuation.resume(with: outcome) }
    }

    func cancelConnectionWaiter(_ id: Int) {
        let waiter = inner.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.continuation.resume(throwing: CancellationError())
    }

    /// Registers a group of queued messages, completing at once what already has its outcome.
    func addGroup(_ mids: [Int32], waiter: Int, _ continuation: CheckedContinuation<Void, any Error>) {
        let outcome = inner.withLock { inner -> Result<Void, any Error>? in
            if inner.loopEnded { return .failure(MQTTError(.stopped, "\(name): the MQTT client was stopped")) }
            // Checked under the lock the cancellation handler takes: a cancellation either is seen here or
            // finds the group registered.
            if Task.isCancelled { return .failure(CancellationError()) }
            var remaining: [Int32] = []
            for mid in mids {
                if let early = inner.early.removeValue(forKey: mid) {
                    if let failure = early { return .failure(failure) }
                } else {
                    remaining.append(mid)
                }
            }
            if remaining.isEmpty { return .success(()) }
            for mid in remaining { inner.publishes[mid] = waiter }
            inner.groups[waiter] = (remaining.count, continuation)
            return nil
        }
        if let outcome { continuation.resume(with: outcome) }
    }

    func cancelGroup(waiter: Int) {
        let continuation = inner.withLock { inner -> CheckedContinuation<Void, any Error>? in
            guard let entry = inner.groups.removeValue(forKey: waiter) else { return nil }
            inner.publishes = inner.publishes.filter { $0.value != waiter }
            return entry.continuation
        }
        continuation?.resume(throwing: CancellationError())
    }

    /// Lets the callers of ``waitForLoopEnd()`` go on although the loop has not ended (a connect blocked
    /// on an unreachable host ends only with the kernel's timeout; the thread finishes on its own).
    func releaseLoopWaiters() {
        let waiters = inner.withLock { inner in
            defer { inner.loopWaiters = [] }
            return inner.loopWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func waitForLoopEnd() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ended = inner.withLock { inner in
                if inner.loopEnded { return true }
                inner.loopWaiters.append(continuation)
                return false
            }
            if ended { continuation.resume() }
        }
    }
}

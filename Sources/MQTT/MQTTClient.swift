import Foundation
import Synchronization

/// An MQTT client over libmosquitto with an async API: connect, publish (returning when the broker
/// acknowledges a QoS 1 message), subscribe and a stream of received messages.
///
/// The client owns one thread that runs libmosquitto's network loop (``MosquittoLoop``): it connects,
/// reconnects with capped, jittered backoff for as long as the client runs, and resends
/// unacknowledged QoS 1 messages after a reconnect (persistent session). No libmosquitto call that
/// waits on the network runs on the caller's thread: `publish` and `subscribe` only queue packets.
public final class MQTTClient: Sendable {
    public let options: MQTTOptions
    private let state: MQTTClientState
    private let handle: MosquittoHandle
    private let started = Atomic<Bool>(false)

    /// Configures a client; nothing is connected until ``start()`` or ``connect()``.
    /// - Parameter onEvent: told of every connection, refusal and loss (on the loop thread: keep it short).
    /// - Throws: ``MQTTError`` when libmosquitto refuses a setting (a TLS file, the will's topic).
    public init(options: MQTTOptions, onEvent: @escaping @Sendable (MQTTClientEvent) -> Void = { _ in }) throws {
        self.options = options
        state = MQTTClientState(
            name: options.name,
            broker: options.broker,
            version: options.protocolVersion,
            onEvent: onEvent
        )
        handle = try MosquittoHandle(options: options, state: state)
    }

    /// Whether the broker has accepted the current connection.
    public var isConnected: Bool { state.isConnected }

    /// The last connection error, while not connected.
    public var lastError: MQTTError? { state.inner.withLock { $0.lastError } }

    /// The messages of the subscriptions, in arrival order; ends when the client stops.
    public var messages: AsyncStream<MQTTMessage> { state.messages }

    /// Starts the loop thread, which connects and keeps reconnecting until ``stop(finalMessage:)``.
    public func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        MosquittoLoop.start(handle: handle)
    }

    /// Starts the client if needed and waits for the outcome of the next connection attempt.
    /// - Throws: ``MQTTError`` when the broker refuses (its reason code in the text) or cannot be
    ///   reached; the client keeps retrying in the background all the same.
    public func connect() async throws {
        try await waitForConnection(anyOutcome: true)
    }

    /// Waits until the broker has accepted a connection and acknowledged the subscriptions (at once when
    /// it already has).
    /// - Throws: `CancellationError`, or ``MQTTError`` when the client stops.
    public func waitUntilConnected() async throws {
        try await waitForConnection(anyOutcome: false)
    }

    private func waitForConnection(anyOutcome: Bool) async throws {
        let id = state.nextWaiterID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                state.addConnectionWaiter(id, anyOutcome: anyOutcome, continuation)
                start()
            }
        } onCancel: {
            state.cancelConnectionWaiter(id)
        }
    }

    /// Publishes `message` and returns when the broker acknowledged it (QoS 1: its PUBACK; QoS 0: once
    /// sent). A QoS 1 message published while the connection is down, or whose connection drops before
    /// its PUBACK, waits in the client's queue and goes out after the reconnect (this call returns on
    /// that PUBACK).
    /// - Throws: ``MQTTError`` when the message cannot be queued (QoS 0 while disconnected, a topic
    ///   libmosquitto rejects), when an MQTT 5 broker refuses it, or when the client stops;
    ///   `CancellationError` (the message may still be delivered).
    public func publish(_ message: MQTTMessage) async throws {
        try await publish([message])
    }

    /// Queues `messages` in their order (so they reach the broker in it; at most
    /// ``MQTTOptions/maxInFlight`` are unacknowledged at a time, the rest wait in the client's queue)
    /// and returns when every one is acknowledged. Throws as ``publish(_:)-swift.method`` does, at the
    /// first failure.
    public func publish(_ messages: [MQTTMessage]) async throws {
        let waiter = state.nextWaiterID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                var mids: [Int32] = []
                mids.reserveCapacity(messages.count)
                for message in messages {
                    var mid: Int32 = 0
                    let rc = handle.publish(message, mid: &mid)
                    // While the connection is down libmosquitto keeps a QoS 1 message in its queue (and says
                    // so with MOSQ_ERR_NO_CONN): it goes out after the reconnect, so its PUBACK is awaited.
                    let queued = rc == MosquittoHandle.notConnected && message.qos == .atLeastOnce
                    guard rc == MosquittoHandle.success || queued else {
                        continuation.resume(
                            throwing: MQTTError(
                                .lost(rc),
                                "\(options.name): cannot publish on \(message.topic) to \(options.broker): "
                                    + MosquittoHandle.text(rc)
                            )
                        )
                        return
                    }
                    mids.append(mid)
                }
                state.addGroup(mids, waiter: waiter, continuation)
            }
        } onCancel: {
            state.cancelGroup(waiter: waiter)
        }
    }

    /// Subscribes to `filter` now (when connected) and after every reconnect.
    public func subscribe(_ filter: String, qos: MQTTQoS = .atLeastOnce) {
        state.inner.withLock { $0.subscriptions[filter] = qos }
        if state.isConnected { _ = handle.subscribe(filter, qos: qos) }
    }

    /// Stops the client: publishes `finalMessage` first when connected (waiting at most `timeout` for
    /// its acknowledgement), disconnects cleanly (so the broker does not publish the will) and waits
    /// for the loop thread to end (at most `timeout` more: a connect blocked on an unreachable host
    /// ends on its own later). Publishes still waiting fail with ``MQTTError/Code/stopped``.
    public func stop(finalMessage: MQTTMessage? = nil, timeout: Duration = .seconds(2)) async {
        if let finalMessage, state.isConnected {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await self.publish(finalMessage) }
                group.addTask { try? await Task.sleep(for: timeout) }
                await group.next()
                group.cancelAll()
            }
        }
        state.inner.withLock { $0.stopping = true }
        handle.disconnect()
        if started.load(ordering: .acquiring) {
            let state = state
            let timer = Task {
                try? await Task.sleep(for: timeout + .seconds(1))
                state.releaseLoopWaiters()
            }
            await state.waitForLoopEnd()
            timer.cancel()
        } else {
            state.loopDidEnd()
        }
    }
}

import ServiceLifecycle
import Synchronization

/// Opens once everything that can fail at start is ready (the status port bound): the services
/// that read devices and send readings wait on it, so a start that fails has read nothing (and
/// so has lost nothing).
final class StartGate: Sendable {
    private enum State {
        case closed([CheckedContinuation<Bool, Never>])
        case open
        case abandoned
    }

    private let state = Mutex<State>(.closed([]))

    /// Lets every waiter go on.
    func open() { finish(.open) }

    /// Tells every waiter that the start failed.
    func abandon() { finish(.abandoned) }

    /// Waits until the gate opens (true) or the start is abandoned (false). Cancelling a waiter
    /// abandons the start: the service group cancels its services only when the gateway stops.
    func wait() async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let result: Bool? = state.withLock { state in
                    switch state {
                    case .open: return true
                    case .abandoned: return false
                    case .closed(var waiting):
                        if Task.isCancelled { return false }
                        waiting.append(continuation)
                        state = .closed(waiting)
                        return nil
                    }
                }
                if let result { continuation.resume(returning: result) }
            }
        } onCancel: {
            abandon()
        }
    }

    private func finish(_ final: State) {
        let waiting: [CheckedContinuation<Bool, Never>] = state.withLock { state in
            guard case .closed(let waiting) = state else { return [] }
            state = final
            return waiting
        }
        let opened: Bool
        if case .open = final { opened = true } else { opened = false }
        for continuation in waiting { continuation.resume(returning: opened) }
    }
}

/// A service that starts only once the gate opens; it ends quietly when the start fails or the
/// gateway stops first.
struct AfterStart: Service, CustomStringConvertible {
    let gate: StartGate
    let service: any Service

    func run() async throws {
        let gate = self.gate
        let opened = await cancelWhenGracefulShutdown { await gate.wait() }
        guard opened else { return }
        try await service.run()
    }

    var description: String { "\(service)" }
}

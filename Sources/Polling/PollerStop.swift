import Synchronization

/// A one-shot switch: ``fire()`` once, and every ``wait()`` (past or future) returns.
/// Stops one link's poller when a reload removes or restarts the link, and tells a restarted link
/// that its predecessor has let go of the port.
final class PollerStop: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Void, Never>])
        case fired
    }

    private let state = Mutex<State>(.waiting([]))

    func fire() {
        let waiting: [CheckedContinuation<Void, Never>] = state.withLock { state in
            guard case .waiting(let waiting) = state else { return [] }
            state = .fired
            return waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Returns once fired; a cancelled waiter returns at once.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = state.withLock { state in
                    guard case .waiting(var waiting) = state, !Task.isCancelled else { return true }
                    waiting.append(continuation)
                    state = .waiting(waiting)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            fire()
        }
    }
}

public import GatewayCore
import Synchronization

/// The configuration a running gateway uses, as the status shows it: its hash and when it was
/// loaded, the errors of the last rejected reload (a problem until a reload succeeds), and the
/// changes a reload could not apply while running (warnings until a restart).
public final class RunningConfiguration: Sendable {
    public struct State: Sendable, Hashable {
        /// `sha256:…` over the site file and its maps (heartbeat `config_hash`).
        public var hash: String
        /// When this configuration was loaded (start or reload).
        public var loadedAt: Timestamp
        /// Why the last reload was refused, naming the file, line and column; nil once one succeeds.
        public var rejected: String?
        /// Changes in the file that only a restart applies (`storage.path changed: restart needed`).
        public var restartNeeded: [String] = []
    }

    private let state: Mutex<State>

    public init(hash: String) {
        state = Mutex(State(hash: hash, loadedAt: .now()))
    }

    public var current: State { state.withLock { $0 } }

    /// A reload applied a new configuration.
    public func reloaded(hash: String, restartNeeded: [String]) {
        state.withLock { $0 = State(hash: hash, loadedAt: .now(), rejected: nil, restartNeeded: restartNeeded) }
    }

    /// A reload was refused: the running configuration stays.
    public func rejected(_ reason: String) {
        state.withLock { $0.rejected = reason }
    }
}

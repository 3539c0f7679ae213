/// Per-device fault handling: after `demoteAfter` failed poll cycles in a row the device is demoted
/// and only probed every `probeInterval`, so a dead device cannot starve healthy ones on the same bus;
/// one answered probe promotes it back.
///
/// All times are `Duration`s since an arbitrary, caller-chosen origin; the type never reads a clock.
public struct DeviceHealth: Sendable, Hashable {
    /// The health of a device.
    public enum State: Sendable, Hashable {
        /// The device is polled every cycle; `consecutiveFailures` counts failed cycles in a row.
        case healthy(consecutiveFailures: Int)
        /// The device was demoted at `since` and is next probed at or after `nextProbe`.
        case demoted(since: Duration, nextProbe: Duration)
    }

    /// A change of state reported by ``record(success:at:)``.
    public enum Transition: Sendable, Hashable {
        /// The device just went from healthy to demoted.
        case demoted
        /// The device just went from demoted back to healthy.
        case recovered
    }

    /// What the poller should do with a device in a given cycle.
    public enum Action: Sendable, Hashable {
        /// The device is healthy: poll it normally.
        case poll
        /// The device is demoted and a probe is due: send one request to see whether it answers.
        case probe
        /// The device is demoted and no probe is due yet: leave the bus to other devices.
        case skip
    }

    /// Failed cycles in a row that demote a healthy device (always at least 1).
    public let demoteAfter: Int
    /// Time between probes of a demoted device (never negative).
    public let probeInterval: Duration

    /// The current state; starts as `.healthy(consecutiveFailures: 0)`.
    public private(set) var state: State = .healthy(consecutiveFailures: 0)

    /// Creates a healthy device record.
    ///
    /// - Parameters:
    ///   - demoteAfter: Failed cycles in a row before demotion; values below 1 are treated as 1.
    ///   - probeInterval: Time between probes while demoted; negative values are treated as zero
    ///     (probe every cycle).
    public init(demoteAfter: Int = 3, probeInterval: Duration = .seconds(30)) {
        self.demoteAfter = max(demoteAfter, 1)
        self.probeInterval = max(probeInterval, .zero)
    }

    /// Whether the device is currently demoted.
    public var isDemoted: Bool {
        if case .demoted = state { return true }
        return false
    }

    /// What the poller should do with this device in the cycle due at `time`.
    ///
    /// Healthy devices are polled; demoted devices are probed when `time ≥ nextProbe` and skipped otherwise.
    public func action(at time: Duration) -> Action {
        switch state {
        case .healthy:
            return .poll
        case .demoted(_, let nextProbe):
            return time >= nextProbe ? .probe : .skip
        }
    }

    /// Reports the outcome of a poll or probe that ended at `time`; returns a transition when the state changed.
    ///
    /// - Healthy + success: the failure count resets to 0.
    /// - Healthy + failure: the failure count grows by one; on reaching ``demoteAfter`` the device becomes
    ///   `.demoted(since: time, nextProbe: time + probeInterval)` and `.demoted` is returned.
    /// - Demoted + failure: the next probe is rescheduled to `time + probeInterval`; no transition.
    /// - Demoted + success: the device becomes `.healthy(consecutiveFailures: 0)` and `.recovered` is returned.
    @discardableResult
    public mutating func record(success: Bool, at time: Duration) -> Transition? {
        switch state {
        case .healthy(let failures):
            if success {
                state = .healthy(consecutiveFailures: 0)
                return nil
            }
            let count = failures == Int.max ? failures : failures + 1
            if count >= demoteAfter {
                state = .demoted(since: time, nextProbe: time + probeInterval)
                return .demoted
            }
            state = .healthy(consecutiveFailures: count)
            return nil
        case .demoted(let since, _):
            if success {
                state = .healthy(consecutiveFailures: 0)
                return .recovered
            }
            state = .demoted(since: since, nextProbe: time + probeInterval)
            return nil
        }
    }
}

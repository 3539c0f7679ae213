import Foundation
public import GatewayCore
import Synchronization

/// The system clocks watched while polling: a ``ClockStepDetector`` fed with the wall clock and the
/// monotonic clock at every poll and every tick, and the kernel's synchronisation state (adjtimex, at
/// most once a second). Scheduling never uses the wall clock: the pollers sleep on the monotonic clock.
///
/// For tests, the environment variable `CHEMGATE_CLOCK_SYNC` (`synchronised` or `unsynchronised`)
/// replaces the kernel's answer: a test box's clock is whatever its host makes it.
public final class ClockWatch: Sendable {
    /// What a sample found.
    public struct Sample: Sendable, Hashable {
        /// Why a reading taken now may carry a wrong time, or nil.
        public var condition: ClockCondition?
        /// A step detected by this sample (reported once).
        public var step: ClockStepDetector.Step?
    }

    private struct State {
        var detector: ClockStepDetector
        var synchronized: Bool?
        var checked: Duration?
    }

    private let origin: ContinuousClock.Instant
    private let synchronization: @Sendable () -> Bool?
    private let wall: @Sendable () -> Int64
    private let state: Mutex<State>

    /// - Parameters:
    ///   - detector: the step detector (threshold and window).
    ///   - synchronization: whether the system clock is synchronised (nil: unknown); by default the
    ///     kernel's answer, or `CHEMGATE_CLOCK_SYNC`.
    ///   - wall: the wall clock in milliseconds since 1970 (by default the system clock; tests step it).
    public init(
        detector: ClockStepDetector = ClockStepDetector(),
        synchronization: @escaping @Sendable () -> Bool? = ClockWatch.systemSynchronization,
        wall: @escaping @Sendable () -> Int64 = { Timestamp.now().milliseconds }
    ) {
        origin = .now
        self.synchronization = synchronization
        self.wall = wall
        state = Mutex(State(detector: detector))
    }

    /// The kernel's answer (adjtimex), unless `CHEMGATE_CLOCK_SYNC` says otherwise (tests).
    @Sendable public static func systemSynchronization() -> Bool? {
        switch ProcessInfo.processInfo.environment["CHEMGATE_CLOCK_SYNC"] {
        case "synchronised", "synchronized": return true
        case "unsynchronised", "unsynchronized": return false
        default: return HealthSnapshot.Clock.current().synchronized
        }
    }

    /// Reads both clocks now.
    public func sample() -> Sample {
        let monotonic = ContinuousClock.now - origin
        let wall = self.wall()
        let due = state.withLock { state in
            state.checked.map { monotonic - $0 >= .seconds(1) } ?? true
        }
        let synchronized = due ? synchronization() : nil
        return state.withLock { state in
            if due {
                state.synchronized = synchronized
                state.checked = monotonic
            }
            let step = state.detector.observe(wallMilliseconds: wall, monotonic: monotonic)
            return Sample(
                condition: state.detector.condition(synchronized: state.synchronized, at: monotonic),
                step: step
            )
        }
    }
}

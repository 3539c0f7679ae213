public import GatewayCore

extension AlarmEvaluator {
    /// What one level remembers: enough to carry an evaluator across a restart (``AlarmMemory``).
    public struct LevelState: Sendable, Hashable {
        public var level: AlarmLevel
        /// Raised and not cleared.
        public var isActive: Bool
        /// When the pending on-delay (inactive) or off-delay (active) started, on the evaluator's time line.
        public var pendingSince: Duration?
        /// Active when suppression began, neither raised again nor cleared since.
        public var suppressed: Bool

        public init(level: AlarmLevel, isActive: Bool, pendingSince: Duration? = nil, suppressed: Bool = false) {
            self.level = level
            self.isActive = isActive
            self.pendingSince = pendingSince
            self.suppressed = suppressed
        }

        /// Nothing to remember: inactive, no delay running, not hidden by a suppression.
        public var isIdle: Bool { !isActive && pendingSince == nil && !suppressed }
    }

    /// Every configured level's state, in evaluation order.
    public var levelStates: [LevelState] {
        slots.map {
            LevelState(
                level: $0.level,
                isActive: $0.isActive,
                pendingSince: $0.pendingSince,
                suppressed: $0.suppressedWhileActive
            )
        }
    }

    /// Takes over remembered states (after a restart): levels not configured here are ignored, levels
    /// not listed stay as they are. Nothing is reported: an active level is active again, silently, and
    /// clears through the usual clear condition; a running delay goes on from its start.
    public mutating func restore(_ states: [LevelState]) {
        for state in states {
            guard let index = slots.firstIndex(where: { $0.level == state.level }) else { continue }
            slots[index].isActive = state.isActive
            slots[index].pendingSince = state.pendingSince
            slots[index].suppressedWhileActive = state.suppressed && !state.isActive
            if state.isActive { active.insert(state.level) } else { active.remove(state.level) }
        }
    }
}

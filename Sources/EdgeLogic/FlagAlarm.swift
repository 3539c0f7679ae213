public import GatewayCore

/// An alarm that follows a device's own flag (alarm 1, alarm 2, fault bit): raised while the flag is set.
///
/// Semantics:
/// - `flag == true` raises the alarm (reported once), `false` clears it (reported once), nil (no reading)
///   changes nothing: an active alarm stays active.
/// - Suppression: at an update with `suppressed` true, an active alarm is reported once as `.suppressed` and
///   dropped; while suppressed nothing is raised, cleared or reported. When suppression ends, a flag that is
///   still set raises the alarm again; an alarm that was active when suppression began and whose flag is
///   now clear is reported `.cleared`, so the platform learns it ended.
/// - Transitions carry no limit and no value.
public struct FlagAlarm: Sendable {
    /// The level reported for this flag (e.g. `.deviceAlarm1`, `.deviceFault`).
    public let level: AlarmLevel
    /// Whether the alarm is currently raised (false while suppressed).
    public private(set) var isActive: Bool = false
    /// Active when suppression began, neither raised again nor cleared since.
    public private(set) var suppressedWhileActive: Bool = false

    /// Creates an inactive flag alarm reported as `level`.
    public init(level: AlarmLevel) {
        self.level = level
    }

    /// Feeds the flag's current state; nil when it could not be read.
    public mutating func update(flag: Bool?, suppressed: Bool) -> [AlarmTransition] {
        if suppressed {
            guard isActive else { return [] }
            isActive = false
            suppressedWhileActive = true
            return [AlarmTransition(kind: .suppressed, level: level)]
        }
        guard let flag else { return [] }
        if suppressedWhileActive {
            suppressedWhileActive = false
            if !flag { return [AlarmTransition(kind: .cleared, level: level)] }
        }
        guard flag != isActive else { return [] }
        isActive = flag
        return [AlarmTransition(kind: flag ? .raised : .cleared, level: level)]
    }

    /// Takes over a remembered state (after a restart); nothing is reported.
    public mutating func restore(active: Bool, suppressed: Bool) {
        isActive = active
        suppressedWhileActive = suppressed && !active
    }
}

public import GatewayCore

/// Edge alarm evaluation for one analog point (limits HH, H, L, LL with deadband and delays).
///
/// Semantics:
/// - Each level is independent. High levels (`high`, `highHigh`) are in condition when value ≥ limit; low
///   levels (`low`, `lowLow`) when value ≤ limit. A point at 60 with H 50 and HH 55 has both H and HH active.
/// - Raise: the condition must hold continuously for `onDelay`, counted from the first update at which it
///   held; with `onDelay` zero the level is raised at that update. If the condition stops holding before the
///   delay has passed, the pending raise is forgotten.
/// - Clear (hysteresis): an active high level clears when value < limit − deadband, an active low level when
///   value > limit + deadband, continuously for `offDelay` (zero: at that update). Values inside the deadband
///   keep the level active and forget a pending clear.
/// - A nil value, a NaN value or `quality.level == .bad` changes nothing: active levels stay active (a leak
///   alarm must not clear because communication dropped), pending raises and clears are forgotten (their timers
///   restart with the next usable value) and nothing new is raised. `uncertain` values are evaluated normally
///   (an over-range reading must still alarm); ±infinity is compared like any other number.
/// - Suppression: at an update with `suppressed` true, every active level is reported once as `.suppressed`
///   and removed from `active`, and pending timers are forgotten; while suppressed nothing is raised, cleared or
///   reported. Suppression is checked before value and quality. When suppression ends, evaluation starts
///   fresh with that update's value (a level still in condition is raised again after its `onDelay`); a level
///   that was active when suppression began and whose value is now past its clear condition (limit and
///   deadband) is reported `.cleared` at that update, so the platform learns it ended. A level that was
///   active when suppression began is remembered as such until it is raised again or cleared.
/// - Levels are reported as `.lowLow`, `.low`, `.high`, `.highHigh`, or `.level1`/`.level2` for the high
///   levels when `AlarmSettings.gasLevels` is set.
/// - Transitions within one update come in a stable order: lowLow, low, high (level1), highHigh (level2).
///
/// Times are `Duration`s since an arbitrary origin and are expected not to decrease. Should a time go back
/// before the start of a pending delay, that delay restarts at the earlier time.
public struct AlarmEvaluator: Sendable {
    /// The settings this evaluator was created with.
    public var settings: AlarmSettings { stored.settings }
    /// The settings, held by reference: an evaluator is kept per point for the whole run, and most of
    /// its inline size would otherwise be settings it never changes.
    private let stored: StoredAlarmSettings
    /// Levels currently raised (not counting suppressed ones).
    public internal(set) var active: Set<AlarmLevel> = []

    var slots: [LevelSlot]

    /// Creates an evaluator with no active levels.
    public init(settings: AlarmSettings) {
        self.stored = StoredAlarmSettings.shared(settings)
        self.slots = stored.slots
    }

    /// Feeds one new value and returns what happened, in the order lowLow, low, high (level1), highHigh (level2).
    ///
    /// - Parameters:
    ///   - value: The value in engineering units; nil when there is none.
    ///   - quality: The value's quality; `bad` values are ignored (active levels stay active, nothing is raised).
    ///   - suppressed: True while the instrument is in calibration/inhibit or the device in maintenance.
    ///   - time: The time of the value, since an arbitrary origin.
    public mutating func update(
        value: Double?,
        quality: Quality,
        suppressed: Bool,
        at time: Duration
    ) -> [AlarmTransition] {
        let usable: Double? =
            if let value, !value.isNaN, quality.level != .bad { value } else { nil }
        var transitions: [AlarmTransition] = []

        if suppressed {
            for index in slots.indices {
                if slots[index].pendingSince != nil { slots[index].pendingSince = nil }
                if slots[index].isActive {
                    slots[index].isActive = false
                    slots[index].suppressedWhileActive = true
                    active.remove(slots[index].level)
                    transitions.append(
                        AlarmTransition(
                            kind: .suppressed,
                            level: slots[index].level,
                            limit: slots[index].limit,
                            value: usable
                        )
                    )
                }
            }
            return transitions
        }

        guard let usable else {
            for index in slots.indices where slots[index].pendingSince != nil {
                slots[index].pendingSince = nil
            }
            return transitions
        }

        let deadband = settings.deadband > 0 ? settings.deadband : 0
        for index in slots.indices {
            var slot = slots[index]
            if slot.suppressedWhileActive, !slot.isActive, !slot.inCondition(usable) {
                // Suppression ended: the level it hid is over once the value is past its clear condition.
                slot.pendingSince = nil
                if slot.clearCondition(usable, deadband: deadband) {
                    slot.suppressedWhileActive = false
                    transitions.append(
                        AlarmTransition(kind: .cleared, level: slot.level, limit: slot.limit, value: usable)
                    )
                }
                if slot != slots[index] { slots[index] = slot }
                continue
            }
            let delay = slot.isActive ? settings.offDelay : settings.onDelay
            let condition = slot.isActive ? slot.clearCondition(usable, deadband: deadband) : slot.inCondition(usable)
            if condition {
                let since = min(slot.pendingSince ?? time, time)
                if time - since >= delay {
                    slot.pendingSince = nil
                    slot.suppressedWhileActive = false
                    slot.isActive.toggle()
                    if slot.isActive {
                        active.insert(slot.level)
                    } else {
                        active.remove(slot.level)
                    }
                    transitions.append(
                        AlarmTransition(
                            kind: slot.isActive ? .raised : .cleared,
                            level: slot.level,
                            limit: slot.limit,
                            value: usable
                        )
                    )
                } else {
                    slot.pendingSince = since
                }
            } else {
                slot.pendingSince = nil
            }
            if slot != slots[index] { slots[index] = slot }
        }
        return transitions
    }
}

/// The state of one configured level.
struct LevelSlot: Sendable, Equatable {
    let level: AlarmLevel
    let limit: Double
    let isHigh: Bool
    var isActive = false
    /// It was active when suppression began and has been neither raised again nor cleared since.
    var suppressedWhileActive = false
    /// When the pending raise (inactive) or clear (active) condition started to hold.
    var pendingSince: Duration?

    init(level: AlarmLevel, limit: Double, isHigh: Bool) {
        self.level = level
        self.limit = limit
        self.isHigh = isHigh
    }

    func inCondition(_ value: Double) -> Bool {
        isHigh ? value >= limit : value <= limit
    }

    func clearCondition(_ value: Double, deadband: Double) -> Bool {
        isHigh ? value < limit - deadband : value > limit + deadband
    }
}

import GatewayCore
import Synchronization

/// An ``AlarmEvaluator``'s settings and its levels as created, held once per distinct settings and
/// shared by every evaluator made with them (a site's points of one model share their limits).
///
/// An evaluator starts with the shared levels and writes its own copy only when a level changes
/// (a delay starts, an alarm is raised): a point that stays quiet costs no memory of its own.
final class StoredAlarmSettings: Sendable {
    let settings: AlarmSettings
    let slots: [LevelSlot]

    private init(_ settings: AlarmSettings) {
        self.settings = settings
        var slots: [LevelSlot] = []
        if let limit = settings.lowLow {
            slots.append(LevelSlot(level: .lowLow, limit: limit, isHigh: false))
        }
        if let limit = settings.low {
            slots.append(LevelSlot(level: .low, limit: limit, isHigh: false))
        }
        if let limit = settings.high {
            slots.append(LevelSlot(level: settings.gasLevels ? .level1 : .high, limit: limit, isHigh: true))
        }
        if let limit = settings.highHigh {
            slots.append(LevelSlot(level: settings.gasLevels ? .level2 : .highHigh, limit: limit, isHigh: true))
        }
        self.slots = slots
    }

    /// Every distinct settings seen, once: a site has a few (its models' and its own limits).
    private static let interned = Mutex<[AlarmSettings: StoredAlarmSettings]>([:])

    /// The stored settings equal to `settings`, made once.
    static func shared(_ settings: AlarmSettings) -> StoredAlarmSettings {
        interned.withLock { table in
            if let stored = table[settings] { return stored }
            let stored = StoredAlarmSettings(settings)
            table[settings] = stored
            return stored
        }
    }
}

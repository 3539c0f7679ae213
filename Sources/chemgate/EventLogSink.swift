import GatewayCore
import Logging

/// Passes readings and events on to the gateway's sink, and logs each alarm raised, cleared or
/// suppressed once it is stored (an event refused and retried is logged once, when stored). Alarms
/// are logged at the default level: raised as a warning, cleared and suppressed as notices, each
/// with `event`, the device, point, `alarm_level`, value, limit and reason. The log handler never holds back
/// a record that carries `event` (``RepeatLimiter``).
struct EventLogSink: ReadingSink {
    let base: any ReadingSink
    let logger: Logger

    func store(_ readings: [Reading]) async throws { try await base.store(readings) }

    func store(_ events: [GatewayEvent]) async throws {
        try await base.store(events)
        log(events)
    }

    func store(events: [GatewayEvent], readings: [Reading]) async throws {
        try await base.store(events: events, readings: readings)
        log(events)
    }

    func store(events: [GatewayEvent], readings: [Reading], memories: [AlarmMemory]) async throws {
        try await base.store(events: events, readings: readings, memories: memories)
        log(events)
    }

    func store(events: [GatewayEvent], readingGroups: [[Reading]], memories: [AlarmMemory]) async throws {
        try await base.store(events: events, readingGroups: readingGroups, memories: memories)
        log(events)
    }

    private func log(_ events: [GatewayEvent]) {
        for event in events {
            let level: Logger.Level
            let message: String
            switch event.kind {
            case .alarmRaised: (level, message) = (.warning, "alarm raised")
            case .alarmCleared: (level, message) = (.notice, "alarm cleared")
            case .alarmSuppressed: (level, message) = (.notice, "alarm suppressed")
            case .pointFault: (level, message) = (.warning, "point fault")
            case .pointFaultCleared: (level, message) = (.notice, "point fault cleared")
            default: continue  // device, link and storage changes are logged where they happen
            }
            var metadata: Logger.Metadata = ["event": "\(event.kind.rawValue)", "reason": "\(event.reason)"]
            if let device = event.device { metadata["device"] = "\(device)" }
            if let point = event.point { metadata["point"] = "\(point)" }
            if let indicator = event.indicator { metadata["indicator"] = "\(indicator)" }
            if let alarm = event.level { metadata["alarm_level"] = "\(alarm.rawValue)" }
            if let value = event.value { metadata["value"] = "\(Self.text(value))" }
            if let limit = event.limit { metadata["limit"] = "\(limit)" }
            if let unit = event.unit { metadata["unit"] = "\(unit)" }
            metadata["at"] = "\(event.timestamp)"
            logger.log(level: level, "\(message)", metadata: metadata)
        }
    }

    private static func text(_ value: Value) -> String {
        switch value {
        case .number(let number): "\(number)"
        case .integer(let integer): String(integer)
        case .bool(let flag): flag ? "on" : "off"
        case .text(let text): text
        }
    }
}

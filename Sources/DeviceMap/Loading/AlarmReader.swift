import Yams

/// Reads `alarms:` mappings, in device maps and in site overrides.
enum AlarmReader {
    static let keys = ["ll", "l", "h", "hh", "level1", "level2", "deadband", "on_delay", "off_delay"]

    static func read(_ parent: MappingReader, key: String) -> AlarmLimits? {
        guard let reader = parent.mapping(key, context: "alarms of \(parent.context)", allowed: keys) else {
            return nil
        }
        var limits = AlarmLimits(
            lowLow: reader.double("ll"),
            low: reader.double("l"),
            high: reader.double("h"),
            highHigh: reader.double("hh"),
            deadband: reader.double("deadband"),
            onDelay: reader.duration("on_delay", in: ConfigLimits.alarmDelay),
            offDelay: reader.duration("off_delay", in: ConfigLimits.alarmDelay)
        )
        if reader.has("level1") || reader.has("level2") {
            if reader.has("h") || reader.has("hh") {
                reader.log.error(
                    "write gas alarm levels as level1/level2 or as h/hh, not both",
                    at: reader.keyPosition(of: reader.has("level1") ? "level1" : "level2")
                )
            }
            limits.high = reader.double("level1")
            limits.highHigh = reader.double("level2")
            limits.gasLevels = true
        }
        if let deadband = limits.deadband, deadband < 0 {
            reader.log.error("deadband must not be negative", at: reader.position(of: "deadband"))
        }
        let ordered: [(String, Double?)] = [
            ("ll", limits.lowLow), ("l", limits.low), (limits.gasLevels ? "level1" : "h", limits.high),
            (limits.gasLevels ? "level2" : "hh", limits.highHigh),
        ]
        let present = ordered.compactMap { name, value in value.map { (name, $0) } }
        for (lower, upper) in zip(present, present.dropFirst()) where lower.1 >= upper.1 {
            reader.log.error(
                "alarm limits must rise in the order ll < l < h < hh (level1 < level2): \(lower.0) \(lower.1.compact) is not below \(upper.0) \(upper.1.compact)",
                at: reader.position(of: upper.0)
            )
        }
        return limits
    }
}

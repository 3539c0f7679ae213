public import Decoding
public import DeviceMap
import GatewayCore

/// Applies what a device reports about itself (fault, inhibit, warm-up bits and states, assertions)
/// to the values those status points qualify, so a detector in calibration never reads as a good 0 %LEL.
public enum StatusQualifier {
    /// The roles a status point (or assertion) raises now.
    ///
    /// Besides its own sentinels, flag and state: a value an `expect` assertion does not allow raises
    /// `configMismatch`; a value of `states` not listed takes the catch-all (`other`); and a qualifying
    /// point that is itself out of range (measuring range, NE43 band) raises `overRange`, so the points
    /// it qualifies are not read as good either.
    public static func roles(of reading: PointReading) -> Set<StatusRole> {
        let point = reading.point
        var roles = reading.value.signals
        if point.isQualifier, reading.value.quality.reason == .outOfRange { roles.insert(.overRange) }
        guard reading.value.quality.level != .bad || reading.value.value != nil else { return roles }
        if let expected = point.expected, let value = reading.value.value,
            !expected.contains(where: { $0.matches(value) })
        {
            roles.insert(.configMismatch)
        }
        if let role = point.status, reading.value.value == .bool(true) { roles.insert(role) }
        if point.states != nil, let number = reading.value.value?.formulaOperand {
            // A value that is no whole number (or too large for one) is no listed state: the catch-all.
            let state = Int(exactly: number).flatMap { point.state(of: $0) } ?? point.otherState
            if let role = state?.status { roles.insert(role) }
        }
        return roles
    }

    /// `readings` with every value point qualified by the status points of its map.
    public static func qualify(_ readings: [PointReading], map: DeviceMap) -> [PointReading] {
        apply(targetRoles(of: readings, map: map), to: readings)
    }

    /// The roles the status points among `readings` impose, by the id of each point they qualify.
    static func targetRoles(of readings: [PointReading], map: DeviceMap) -> [String: Set<StatusRole>] {
        var rolesByPoint: [String: Set<StatusRole>] = [:]
        for reading in readings where reading.point.isQualifier {
            let roles = roles(of: reading)
            guard !roles.isEmpty else { continue }
            for target in map.qualifiedIDs(by: reading.point) { rolesByPoint[target, default: []].formUnion(roles) }
        }
        return rolesByPoint
    }

    /// `readings`, each qualified by the roles imposed on it.
    static func apply(_ rolesByPoint: [String: Set<StatusRole>], to readings: [PointReading]) -> [PointReading] {
        readings.map { reading in
            guard let roles = rolesByPoint[reading.point.id] else { return reading }
            var qualified = reading
            qualified.value = Decoder.qualify(reading.value, by: roles)
            return qualified
        }
    }
}

public import Decoding
public import DeviceMap
import GatewayCore

/// Applies what a device reports about itself (fault, inhibit, warm-up bits and states) to the
/// values those status points qualify, so a detector in calibration never reads as a good 0 %LEL.
public enum StatusQualifier {
    /// The roles each status point of `readings` raises now.
    public static func roles(of reading: PointReading) -> Set<StatusRole> {
        let point = reading.point
        var roles = reading.value.signals
        guard reading.value.quality.level != .bad || reading.value.value != nil else { return roles }
        switch reading.value.value {
        case .bool(true):
            if let role = point.status { roles.insert(role) }
        case .number, .integer:
            if let states = point.states, let number = reading.value.value?.numeric, number.magnitude < 1e18,
                let state = states[Int(number)], let role = state.status
            {
                roles.insert(role)
            }
        default:
            break
        }
        return roles
    }

    /// `readings` with every value point qualified by the status points of its map.
    public static func qualify(_ readings: [PointReading], map: DeviceMap) -> [PointReading] {
        var rolesByPoint: [String: Set<StatusRole>] = [:]
        for reading in readings where reading.point.status != nil || reading.point.states != nil {
            let roles = roles(of: reading)
            guard !roles.isEmpty else { continue }
            for target in map.qualifiedIDs(by: reading.point) { rolesByPoint[target, default: []].formUnion(roles) }
        }
        return readings.map { reading in
            guard let roles = rolesByPoint[reading.point.id] else { return reading }
            var qualified = reading
            qualified.value = Decoder.qualify(reading.value, by: roles)
            return qualified
        }
    }
}

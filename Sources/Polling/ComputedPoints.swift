import Decoding
public import DeviceMap
import Formula
import GatewayCore

/// Evaluates a device's computed points (`compute:`) from the values read in the same poll.
///
/// A computed point's value is its formula over its inputs' engineering values (a flag counts 0 or 1),
/// then its own conversion (scale, range, decimals, NE43 and measuring-range checks); its quality is the
/// worst of its inputs' (after the device's status points qualified them) and of that conversion; its
/// time is that of its latest input. A formula that gives no number (a division by zero, a bit
/// operation on a fraction) reads bad (invalid value); an input without a value leaves it without one.
public struct ComputedPoints: Sendable {
    /// The computed points, each after every computed point it uses.
    public let ordered: [PointDefinition]

    /// - Parameter points: the points polled together; the computed ones among them are evaluated.
    public init(_ points: [PointDefinition]) {
        let computed = points.filter(\.isComputed)
        let ids = Set(computed.map(\.id))
        var ordered: [PointDefinition] = []
        var placed: Set<String> = []
        var remaining = computed
        // Cycles are refused when the map is loaded; a leftover (none expected) keeps map order.
        while !remaining.isEmpty {
            let ready = remaining.filter { point in
                point.formula!.references.allSatisfy {
                    !ids.contains($0.name) || placed.contains($0.name) || $0.name == point.id
                }
            }
            let next = ready.isEmpty ? [remaining[0]] : ready
            ordered += next
            placed.formUnion(next.map(\.id))
            let nextIDs = Set(next.map(\.id))
            remaining.removeAll { nextIDs.contains($0.id) }
        }
        self.ordered = ordered
    }

    /// Every reading of one poll, status-qualified, with the computed points added after the read ones.
    /// A computed point whose inputs were not all read in this poll (a probe reads only the first
    /// request) is left out.
    public func complete(_ readings: [PointReading], map: DeviceMap) -> [PointReading] {
        let rolesByPoint = StatusQualifier.targetRoles(of: readings, map: map)
        var all = StatusQualifier.apply(rolesByPoint, to: readings)
        guard !ordered.isEmpty else { return all }
        var byID = Dictionary(all.map { ($0.point.id, $0) }, uniquingKeysWith: { first, _ in first })
        var computed: [PointReading] = []
        for point in ordered {
            guard let formula = point.formula else { continue }
            let inputs = formula.references.compactMap { byID[$0.name] }
            guard inputs.count == formula.references.count else { continue }
            let reading = Self.evaluate(point, formula, inputs, roles: rolesByPoint[point.id] ?? [])
            byID[point.id] = reading
            computed.append(reading)
        }
        // Computed status points and assertions qualify in their turn (the read points too).
        let computedRoles = StatusQualifier.targetRoles(of: computed, map: map)
        all += computed
        return computedRoles.isEmpty ? all : StatusQualifier.apply(computedRoles, to: all)
    }

    /// The point's reading from its inputs; `roles` are what the device's status points say about it,
    /// applied before the point's own checks, so a failed assertion (`config_mismatch`) names the cause
    /// of the wrong number it made (10^32767 from an unconfigured exponent is no number).
    static func evaluate(
        _ point: PointDefinition,
        _ formula: Formula,
        _ inputs: [PointReading],
        roles: Set<StatusRole>
    ) -> PointReading {
        var values: [String: Double] = [:]
        var quality = Quality.good
        for input in inputs {
            if let operand = input.value.value?.formulaOperand { values[input.point.id] = operand }
            quality = quality.worst(input.quality)
        }
        let unread = RawReading(value: .invalid("computed"), bits: 0)
        quality = Decoder.qualify(DecodedValue(value: nil, quality: quality, raw: unread), by: roles).quality
        let timestamp = inputs.map(\.timestamp).max() ?? .now()
        let answered = inputs.allSatisfy(\.answered)
        guard let result = formula.evaluate({ values[$0] }) else {
            let empty = RawReading(value: .invalid("an input has no value"), bits: 0)
            let missing = quality.level == .bad ? quality : quality.worst(.bad(.invalidValue))
            let value = DecodedValue(value: nil, quality: missing, raw: empty)
            return PointReading(point: point, value: value, timestamp: timestamp, answered: answered)
        }
        var value = Decoder.convert(
            RawReading(value: .float(result), bits: 0),
            type: point.type,
            with: point.conversion
        )
        value.quality = quality.worst(value.quality)
        return PointReading(point: point, value: value, timestamp: timestamp, answered: answered)
    }
}

import Decoding
import DeviceMap
import Formula
import Foundation
import GatewayCore
import Modbus
import Planner

/// Serves a device map with plausible, moving values: each point gets a signal suited to its
/// category (a quiet gas reading, a slowly breathing tank level, a temperature around 25 °C, a
/// rising totaliser) and the device's status points follow its ``DeviceState``.
///
/// A computed point is served through its inputs: with `simulate` (a formula per input over the point's
/// target `value`), the inputs are written so that the point's formula gives back that target, which
/// moves and alarms like any point of its category; without it, each input moves on its own.
///
/// Only the addresses the map's request plan reads are served (its points, and the gaps a map with
/// `max_gap` asserts the device answers); anything else answers exception 02, as most devices do.
struct MapProfile: Sendable {
    let map: DeviceMap
    /// Served registers and bits, per table: address → the points there.
    private let served: [ModbusTable: Set<Int>]

    init(map: DeviceMap) {
        self.map = map
        var served: [ModbusTable: Set<Int>] = [:]
        let read = map.points.filter { !$0.isComputed }
        for point in read { served[point.table, default: []].formUnion(point.addresses) }
        let planned = read.map { PlannedPoint(id: $0.id, table: $0.table, address: $0.address, count: $0.count) }
        if let plan = try? RequestPlan.make(points: planned, limits: map.plannerLimits) {
            for read in plan.reads { served[read.table, default: []].formUnion(read.addresses) }
        }
        self.served = served
    }

    /// Whether every address of a request is served.
    func serves(_ table: ModbusTable, _ addresses: ClosedRange<Int>) -> Bool {
        guard let set = served[table] else { return false }
        return addresses.allSatisfy(set.contains)
    }

    /// Register values (or bits as 0/1) of one table at one moment.
    func image(of table: ModbusTable, elapsed: Double, state: DeviceState, unit: UInt8, noise: inout SplitMix64)
        -> [Int: UInt16]
    {
        var image: [Int: UInt16] = [:]
        let forced = inputValues(elapsed: elapsed, state: state, unit: unit, noise: &noise)
        for point in map.points where point.table == table && !point.isComputed {
            let registers = encode(
                point,
                forced: forced[point.id],
                elapsed: elapsed,
                state: state,
                unit: unit,
                noise: &noise
            )
            for (offset, register) in registers.enumerated() {
                let address = point.address + offset
                switch point.type {
                case .bit, .bitField:
                    image[address, default: 0] |= register  // several flags share one status word
                default:
                    image[address] = register
                }
            }
        }
        return image
    }

    /// The engineering value of every input a computed point's `simulate` writes, from the point's target.
    private func inputValues(elapsed: Double, state: DeviceState, unit: UInt8, noise: inout SplitMix64)
        -> [String: Double]
    {
        var values: [String: Double] = [:]
        for point in map.points where point.isComputed && !point.simulation.isEmpty {
            let target = value(of: point, elapsed: elapsed, state: state, unit: unit, noise: &noise)
            // The formula's result that the point's own conversion turns into the target.
            let result = rawValue(target, conversion: point.conversion)
            for (input, formula) in point.simulation.sorted(by: { $0.key < $1.key }) where values[input] == nil {
                if let value = formula.evaluate({ $0 == "value" ? result : nil }), value.isFinite {
                    values[input] = value
                }
            }
        }
        return values
    }

    // MARK: - Points

    private func encode(
        _ point: PointDefinition,
        forced: Double? = nil,
        elapsed: Double,
        state: DeviceState,
        unit: UInt8,
        noise: inout SplitMix64
    ) -> [UInt16] {
        if forced == nil, let flag = statusValue(point, state: state) {
            switch point.type {
            case .bit(let bit): return [flag != 0 ? UInt16(1) << UInt16(bit) : 0]
            case .bitField(let bits): return [UInt16(truncatingIfNeeded: flag) << UInt16(bits.lowerBound)]
            default: return RegisterEncoder.encode(Double(flag), as: point.type, order: point.order)
            }
        }
        if state == .fault, let sentinel = point.conversion.sentinels.first(where: { $0.value == .fault })?.key {
            return RegisterEncoder.encode(Double(sentinel), as: point.type, order: point.order).map { $0 }
        }
        if case .string(let registers) = point.type {
            return RegisterEncoder.encode(text: "SIM-\(unit)", registers: registers, order: point.order)
        }
        var engineering = forced ?? value(of: point, elapsed: elapsed, state: state, unit: unit, noise: &noise)
        if state == .fault, point.conversion.ne43 { engineering = milliamps(2.0, point) }  // below 3.6 mA
        let raw = rawValue(engineering, conversion: point.conversion)
        switch point.type {
        case .bool: return [raw >= 0.5 ? 1 : 0]
        case .bit(let bit): return [raw >= 0.5 ? UInt16(1) << UInt16(bit) : 0]
        case .bitField(let bits): return [UInt16(clamping: Int(raw.rounded())) << UInt16(bits.lowerBound)]
        default: return RegisterEncoder.encode(raw, as: point.type, order: point.order)
        }
    }

    /// The raw value of a status point in `state`, or nil for a value point.
    private func statusValue(_ point: PointDefinition, state: DeviceState) -> Int? {
        if let role = point.status {
            return Self.roles(for: state).contains(role) ? 1 : 0
        }
        if let states = point.states {
            let wanted = Self.roles(for: state)
            let sorted = states.sorted { $0.key < $1.key }
            if let match = sorted.first(where: { $0.value.status.map(wanted.contains) ?? false }) { return match.key }
            if let quiet = sorted.first(where: { $0.value.status == nil })?.key { return quiet }
            // Every labelled value signals something (e.g. 0 = channel off): use the first unlabelled one.
            return (1...).first { states[$0] == nil } ?? 1
        }
        if point.category == .status { return 0 }
        return nil
    }

    private static func roles(for state: DeviceState) -> Set<StatusRole> {
        switch state {
        case .normal: []
        case .alarm1: [.alarm1]
        case .alarm2: [.alarm1, .alarm2]
        case .fault: [.fault]
        case .calibration: [.inhibit]
        case .warmup: [.warmup]
        case .overrange: [.overRange, .alarm1, .alarm2]
        }
    }

    /// A plausible engineering value for the point now.
    private func value(
        of point: PointDefinition,
        elapsed: Double,
        state: DeviceState,
        unit: UInt8,
        noise: inout SplitMix64
    ) -> Double {
        let span = range(of: point)
        let width = span.upperBound - span.lowerBound
        let jitter = (Double(noise.next() % 1001) / 1000 - 0.5) * width * 0.002
        let phase = Double(unit) * 0.7 + Double(point.address % 17) * 0.3
        let alarms = point.alarms
        switch state {
        case .alarm1 where alarms?.high != nil:
            let high = alarms!.high!
            return alarms?.highHigh.map { (high + $0) / 2 } ?? high + max(width * 0.05, 1)
        case .alarm2 where alarms?.highHigh != nil:
            return min(alarms!.highHigh! + max(width * 0.1, 1), span.upperBound)
        case .overrange:
            return span.upperBound + width * 0.1
        default:
            break
        }
        if let low = alarms?.low, let high = alarms?.high {
            // A value watched from both sides (oxygen: deficiency and enrichment) sits between them.
            return low + (high - low) * (0.5 + 0.05 * sin(elapsed / 30 + phase)) + jitter
        }
        switch point.category {
        case .gas:
            // Clean air: a few percent of the range for combustibles, near zero for toxics.
            return max(span.lowerBound, span.lowerBound + width * 0.01 * (1 + sin(elapsed / 30 + phase)) + abs(jitter))
        case .level:
            // A tank a third full, breathing slowly: well below any high alarm a site would set.
            return span.lowerBound + width * (0.3 + 0.1 * sin(2 * .pi * elapsed / 600 + phase)) + jitter
        case .temperature:
            return 25 + 2 * sin(2 * .pi * elapsed / 900 + phase) + jitter * 10
        case .pressure:
            // A vessel near the low end of its transmitter's range, as storage tanks run.
            return span.lowerBound + width * (0.1 + 0.03 * sin(2 * .pi * elapsed / 120 + phase)) + jitter
        case .flow:
            if [.int32, .uint32, .int64, .uint64, .float64].contains(point.type)
                && ["m³", "Nm³", "t", "kg", "L"].contains(point.unit ?? "")
            {
                return 1000 + elapsed * 0.05  // a totaliser keeps counting
            }
            return span.lowerBound + width * 0.3 + jitter
        case .interlock:
            return 0
        case .status, .other:
            return span.lowerBound + width * 0.1
        }
    }

    /// The engineering range to move within: measuring range, else the linear range, else a default.
    private func range(of point: PointDefinition) -> ClosedRange<Double> {
        if let measuring = point.conversion.measuringRange { return measuring }
        if case .linear(_, let engineering) = point.conversion.scaling { return engineering }
        switch point.unit {
        case "%LEL", "%": return 0...100
        case "ppm": return 0...100
        case "m": return 0...20
        case "mm": return 0...20000
        case "MPa": return 0...2.5
        case "kPa": return 0...400
        default: return 0...100
        }
    }

    /// The engineering value a current of `milliamps` reads as (for NE43 points).
    private func milliamps(_ milliamps: Double, _ point: PointDefinition) -> Double {
        guard case .linear(_, let engineering) = point.conversion.scaling else { return 0 }
        return engineering.lowerBound + (milliamps - 4) / 16 * (engineering.upperBound - engineering.lowerBound)
    }

    private func rawValue(_ engineering: Double, conversion: Conversion) -> Double {
        var value = engineering
        if let decimals = conversion.decimals {
            let factor = pow(10, Double(decimals))
            value = (value * factor).rounded() / factor
        }
        switch conversion.scaling {
        case .factor(let scale, let offset):
            return scale == 0 ? 0 : (value - offset) / scale
        case .linear(let raw, let engineering):
            let width = engineering.upperBound - engineering.lowerBound
            guard width != 0 else { return raw.lowerBound }
            return raw.lowerBound + (value - engineering.lowerBound) * (raw.upperBound - raw.lowerBound) / width
        }
    }
}

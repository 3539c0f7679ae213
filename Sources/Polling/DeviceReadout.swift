import Decoding
public import DeviceMap
import GatewayCore
public import Modbus
public import Planner

/// Reads a device's points through its request plan and decodes them.
///
/// When the device answers "illegal data address" to a read that serves several points, the read is
/// split into one read per point and retried; a point the device still refuses alone is isolated:
/// it reads bad (config error), is reported once in ``isolated``, and is left out of later plans,
/// while the rest keep polling.
public struct DeviceReadout: Sendable {
    public let map: DeviceMap
    public let unit: UInt8
    /// The current plan (it changes when points are isolated).
    public private(set) var plan: RequestPlan
    /// Points the device refused, with the error that isolated them.
    public private(set) var isolated: [String: ModbusError] = [:]

    public init(map: DeviceMap, unit: UInt8, points: [PointDefinition]? = nil) throws(PlanningError) {
        self.map = map
        self.unit = unit
        let selected = points ?? map.points
        self.plan = try RequestPlan.make(
            points: selected.map { PlannedPoint(id: $0.id, table: $0.table, address: $0.address, count: $0.count) },
            limits: map.plannerLimits
        )
    }

    /// Reads every read of the plan once, in order, and returns every point's reading, qualified by
    /// the device's status points.
    public mutating func readOnce(over link: ModbusLink) async -> [PointReading] {
        var readings: [PointReading] = []
        var pending = plan.reads
        while !pending.isEmpty {
            let read = pending.removeFirst()
            do throws(ModbusError) {
                let data = try await link.read(read.table, unit: unit, address: UInt16(read.address), count: read.count)
                readings += decode(data, of: read, at: .now)
            } catch {
                if case .exception(.illegalDataAddress) = error.kind {
                    if read.pointIDs.count > 1 {
                        let split = plan.splitting(read)
                        let replacements = split.reads.filter { !plan.reads.contains($0) }
                        if !replacements.isEmpty {
                            plan = split
                            pending.insert(contentsOf: replacements, at: 0)
                            continue
                        }
                    }
                    for id in read.pointIDs { isolated[id] = error }
                    plan = plan.removing(pointIDs: Set(read.pointIDs))
                    readings += failed(read, quality: .bad(.configError))
                } else {
                    readings += failed(read, quality: Quality(error))
                }
            }
        }
        return StatusQualifier.qualify(readings, map: map)
    }

    private func decode(_ data: ModbusData, of read: PlannedRead, at time: ContinuousClock.Instant) -> [PointReading] {
        read.pointIDs.compactMap { id in
            guard let point = map.point(id) else { return nil }
            let offset = point.address - read.address
            let raw: RawReading
            switch data {
            case .bits(let bits):
                raw = Decoder.decode(bit: bits[offset])
            case .registers(let registers):
                raw = Decoder.decode(
                    registers: registers[offset..<(offset + point.count)],
                    as: point.type,
                    order: point.order
                )
            }
            return PointReading(
                point: point,
                value: Decoder.convert(raw, type: point.type, with: point.conversion),
                time: time
            )
        }
    }

    private func failed(_ read: PlannedRead, quality: Quality) -> [PointReading] {
        read.pointIDs.compactMap { id in
            guard let point = map.point(id) else { return nil }
            let empty = RawReading(value: .invalid("not read"), bits: 0)
            return PointReading(
                point: point,
                value: DecodedValue(value: nil, quality: quality, raw: empty, signals: []),
                time: .now
            )
        }
    }
}

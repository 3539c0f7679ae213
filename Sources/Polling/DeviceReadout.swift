import Decoding
public import DeviceMap
import GatewayCore
public import Modbus
public import Planner

/// Reads a device's points through its request plan and decodes them.
///
/// When the device answers "illegal data address" (02) or "illegal data value" (03) to a read that
/// serves several points, the read is split into one read per point and retried; a point the device
/// still refuses alone is isolated: it reads bad with the exception as its reason, is reported once
/// in ``isolated``, and is left out of the plan until ``restoreIsolated()`` (the poller calls it every
/// probe interval, so the points of a device that refused them while rebooting come back), while the
/// rest keep polling. An exception is an answer: the device is alive. Only a gateway's exceptions
/// 0A and 0B (the device behind it did not answer) count as no answer.
public struct DeviceReadout: Sendable {
    public let map: DeviceMap
    public let unit: UInt8
    /// The current plan (it changes when points are isolated).
    public private(set) var plan: RequestPlan
    /// Points the device refused, with the error that isolated them.
    public private(set) var isolated: [String: ModbusError] = [:]
    /// The map's points by id: decoding looks each point up once per poll (a linear search of the map
    /// copied every point definition it passed, O(T²) per device of T points).
    private let pointsByID: [String: PointDefinition]
    /// The points planned at creation, to plan again when isolated points are restored.
    private let plannedPoints: [PlannedPoint]

    public init(map: DeviceMap, unit: UInt8, points: [PointDefinition]? = nil) throws(PlanningError) {
        self.map = map
        self.unit = unit
        self.pointsByID = Dictionary(map.points.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let selected = points ?? map.points
        self.plannedPoints = selected.map {
            PlannedPoint(id: $0.id, table: $0.table, address: $0.address, count: $0.count)
        }
        self.plan = try RequestPlan.make(points: plannedPoints, limits: map.plannerLimits)
    }

    /// Puts the isolated points back into the plan, to be asked again: a refusal may have been
    /// transient (a device answering 02 while it reboots). A point still refused is isolated again.
    public mutating func restoreIsolated() {
        guard !isolated.isEmpty, let full = try? RequestPlan.make(points: plannedPoints, limits: map.plannerLimits)
        else { return }
        plan = full
        isolated = [:]
    }

    /// Reads every read of the plan once, in order, and returns every point's reading, qualified by
    /// the device's status points.
    /// - Parameters:
    ///   - link: the link the device is on.
    ///   - retries: extra attempts of a read that got no answer (timeout, bad CRC, reset).
    ///   - pause: silence kept after every request (the device map's `request_pause`).
    ///   - onlyFirstRead: read just the first read of the plan (a probe of a demoted device).
    public mutating func readOnce(
        over link: ModbusLink,
        retries: Int = 0,
        pause: Duration = .zero,
        onlyFirstRead: Bool = false
    ) async -> ReadoutResult {
        var readings: [PointReading] = []
        var answered = false
        var linkFailure: ModbusError?
        var abandoned: Quality?
        var transactions = 0
        var pending = onlyFirstRead ? Array(plan.reads.prefix(1)) : plan.reads
        while !pending.isEmpty {
            let read = pending.removeFirst()
            var attempt = 0
            while true {
                transactions += 1
                let outcome: Result<ModbusData, ModbusError>
                do throws(ModbusError) {
                    outcome = .success(
                        try await link.read(read.table, unit: unit, address: UInt16(read.address), count: read.count)
                    )
                } catch {
                    outcome = .failure(error)
                }
                if pause > .zero { try? await Task.sleep(for: pause) }
                switch outcome {
                case .success(let data):
                    answered = true
                    readings += decode(data, of: read, at: .now())
                case .failure(let error):
                    // An exception is an answer, except a gateway's 0A/0B: the device behind it is silent.
                    if case .exception(let exception) = error.kind, !exception.isGatewayFailure { answered = true }
                    if error.isLinkFailure { linkFailure = error }
                    if error.isWorthRetrying && attempt < retries && !error.isLinkFailure {
                        attempt += 1
                        continue
                    }
                    if case .exception(let exception) = error.kind,
                        exception == .illegalDataAddress || exception == .illegalDataValue
                    {
                        readings += isolate(read, error: error, pending: &pending)
                    } else {
                        readings += failed(read, quality: Quality(error))
                    }
                }
                break
            }
            if linkFailure != nil { break }
            if !answered, let last = readings.last, !last.answered {
                // The device answered nothing yet and its first read timed out: do not spend a
                // timeout on each of its other reads, which would starve its neighbours on the bus.
                abandoned = last.quality
                break
            }
        }
        if let quality = linkFailure.map(Quality.init) ?? abandoned {
            let done = Set(readings.map(\.point.id))
            for read in pending {
                readings += failed(read, quality: quality).filter { !done.contains($0.point.id) }
            }
        }
        return ReadoutResult(
            readings: StatusQualifier.qualify(readings, map: map),
            answered: answered,
            linkFailure: linkFailure,
            transactions: transactions
        )
    }

    /// Splits a multi-point read the device refused, or isolates the points of a single-group read.
    private mutating func isolate(_ read: PlannedRead, error: ModbusError, pending: inout [PlannedRead])
        -> [PointReading]
    {
        if read.pointIDs.count > 1 {
            let split = plan.splitting(read)
            let replacements = split.reads.filter { !plan.reads.contains($0) }
            if !replacements.isEmpty {
                plan = split
                pending.insert(contentsOf: replacements, at: 0)
                return []
            }
        }
        for id in read.pointIDs { isolated[id] = error }
        plan = plan.removing(pointIDs: Set(read.pointIDs))
        return failed(read, quality: Quality(error), answered: true)
    }

    private func decode(_ data: ModbusData, of read: PlannedRead, at time: Timestamp) -> [PointReading] {
        read.pointIDs.compactMap { id in
            guard let point = pointsByID[id] else { return nil }
            let offset = point.address - read.address
            let raw: RawReading
            let words: [UInt16]
            switch data {
            case .bits(let bits):
                raw = Decoder.decode(bit: bits[offset])
                words = [bits[offset] ? 1 : 0]
            case .registers(let registers):
                words = Array(registers[offset..<(offset + point.count)])
                raw = Decoder.decode(registers: words, as: point.type, order: point.order)
            }
            let value = Decoder.convert(raw, type: point.type, with: point.conversion)
            return PointReading(point: point, value: value, timestamp: time, answered: true, registers: words)
        }
    }

    private func failed(_ read: PlannedRead, quality: Quality, answered: Bool = false) -> [PointReading] {
        read.pointIDs.compactMap { id in
            guard let point = pointsByID[id] else { return nil }
            let empty = RawReading(value: .invalid("not read"), bits: 0)
            let value = DecodedValue(value: nil, quality: quality, raw: empty, signals: [])
            return PointReading(point: point, value: value, timestamp: .now(), answered: answered)
        }
    }
}

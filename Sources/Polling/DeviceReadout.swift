import Decoding
public import DeviceMap
import GatewayCore
public import Modbus
public import Planner

/// Reads a device's points through its request plan and decodes them.
///
/// When the device answers "illegal data address" (02) or "illegal data value" (03) to a read that
/// serves several points, the read is split in two halves (bisection) and both are asked in the same
/// cycle: halves that answer show how long a read the device accepts, a half refused again is split
/// again, down to a single point (or set of overlapping points), which is then refused alone. What
/// the device taught is kept in ``lessons`` for the rest of the run and the plan is made again with
/// it (a smaller read size for that device, the refused addresses left out), so the next cycles read
/// in as few requests as the device allows. A refused point reads bad with the exception as its
/// reason, is reported in ``isolated``, and is asked again alone every probe interval
/// (``restoreIsolated()``): a point that answers again (a device refusing everything while it
/// reboots) goes back into the plan. An exception is an answer: the device is alive. Only a gateway's
/// exceptions 0A and 0B (the device behind it did not answer) count as no answer.
public struct DeviceReadout: Sendable {
    public let map: DeviceMap
    public let unit: UInt8
    /// The current plan (it changes when points are isolated).
    public private(set) var plan: RequestPlan
    /// Points the device refused, with the error that isolated them.
    public private(set) var isolated: [String: ModbusError] = [:]
    /// What the device taught about the reads it accepts (``PlanLessons``); pass it to a new readout
    /// of the same device (a poller rebuilt on reload) to keep the plan learned.
    public private(set) var lessons: PlanLessons
    /// Whether the next ``readOnce(over:retries:pause:onlyFirstRead:)`` asks the refused points again.
    private var retryRefused = false
    /// The polled points by id, as the site configures them (its range, scale and unit over the map's):
    /// decoding looks each point up once per poll (a linear search of the map copied every point
    /// definition it passed, O(T²) per device of T points).
    /// In id order, ids unique (``definition(_:)`` searches it): a readout is kept per device for the
    /// whole run, and an array of one-word definitions is a third of a dictionary of them.
    private let pointsByID: [PointDefinition]
    /// The computed points among them, evaluated after the reads.
    private let computed: ComputedPoints
    /// The points planned at creation, to plan again when isolated points are restored.
    private let plannedPoints: [PlannedPoint]

    /// - Parameters:
    ///   - map: the device's map.
    ///   - unit: its unit id.
    ///   - points: the points to read (default: every point of the map).
    ///   - lessons: what the device taught an earlier readout (a poller rebuilt on reload).
    public init(
        map: DeviceMap,
        unit: UInt8,
        points: [PointDefinition]? = nil,
        lessons: PlanLessons = PlanLessons()
    ) throws(PlanningError) {
        self.map = map
        self.unit = unit
        let selected = points ?? map.points
        // The first of equal ids kept (the sort is stable).
        var byID: [PointDefinition] = []
        byID.reserveCapacity(selected.count)
        for point in selected.sorted(by: { $0.id < $1.id }) where byID.last?.id != point.id { byID.append(point) }
        self.pointsByID = byID
        self.computed = ComputedPoints(selected)
        self.plannedPoints = selected.filter { !$0.isComputed }.map {
            PlannedPoint(id: $0.id, table: $0.table, address: $0.address, count: $0.count)
        }
        self.plan = try RequestPlan.make(points: plannedPoints, limits: map.plannerLimits)
        self.lessons = lessons
        if !lessons.isEmpty {
            plan = (try? RequestPlan.make(points: plannedPoints, limits: map.plannerLimits, lessons: lessons)) ?? plan
            for span in lessons.refused.values {
                for id in span.pointIDs { isolated[id] = ModbusError(.exception(span.exception), unit: unit) }
            }
        }
    }

    /// Asks the isolated points again, alone, at the next read: a refusal may have been transient (a
    /// device answering 02 while it reboots). A point that answers goes back into the plan; one still
    /// refused stays out of it, and reads bad again.
    public mutating func restoreIsolated() {
        guard !isolated.isEmpty else { return }
        retryRefused = true
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
        let before = lessons
        var refusedAny = false
        var pending = onlyFirstRead ? Array(plan.reads.prefix(1)) : plan.reads
        var retrying: Set<PlannedRead> = []
        if retryRefused && !onlyFirstRead {
            retrying = Set(RequestPlan.reads(alone: lessons.refusedPointIDs, of: plannedPoints))
            pending += retrying.sorted {
                ($0.table.readFunctionCode, $0.address) < ($1.table.readFunctionCode, $1.address)
            }
            retryRefused = false
        }
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
                    lessons.answered(read)
                    if retrying.contains(read) {
                        lessons.forgetRefusal(of: Set(read.pointIDs))
                        for id in read.pointIDs { isolated[id] = nil }
                    }
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
                        refusedAny = true
                        readings += refuse(read, exception: exception, error: error, pending: &pending)
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
        if !refusedAny && !onlyFirstRead && linkFailure == nil && abandoned == nil {
            // A whole cycle within the searched read size, answered: nothing more to learn about it.
            lessons.settle(since: before)
        }
        if lessons != before {
            plan = (try? RequestPlan.make(points: plannedPoints, limits: map.plannerLimits, lessons: lessons)) ?? plan
        }
        return ReadoutResult(
            readings: computed.complete(readings, map: map),
            answered: answered,
            linkFailure: linkFailure,
            transactions: transactions,
            learned: LessonReport.new(in: lessons, since: before, map: map)
        )
    }

    /// A read the device refused with 02 or 03: one serving several points is split in two halves,
    /// asked next (bisection); one serving a single point (or set of overlapping points) is refused
    /// alone: its points read bad with the exception and stay out of the plan.
    private mutating func refuse(
        _ read: PlannedRead,
        exception: ModbusException,
        error: ModbusError,
        pending: inout [PlannedRead]
    ) -> [PointReading] {
        let halves = plan.bisecting(read)
        if !halves.isEmpty {
            lessons.refused(read)
            pending.insert(contentsOf: halves, at: 0)
            return []
        }
        if lessons.refused[read.pointIDs.first ?? ""] == nil { lessons.refusedAlone(read, exception: exception) }
        for id in read.pointIDs { isolated[id] = error }
        return failed(read, quality: Quality(error), answered: true)
    }

    /// The polled point with this id, as the readout decodes it.
    func definition(_ id: String) -> PointDefinition? {
        pointsByID.element(withID: id) { $0.id }
    }

    private func decode(_ data: ModbusData, of read: PlannedRead, at time: Timestamp) -> [PointReading] {
        read.pointIDs.compactMap { id in
            guard let point = definition(id) else { return nil }
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
            guard let point = definition(id) else { return nil }
            let empty = RawReading(value: .invalid("not read"), bits: 0)
            let value = DecodedValue(value: nil, quality: quality, raw: empty, signals: [])
            return PointReading(point: point, value: value, timestamp: .now(), answered: answered)
        }
    }
}

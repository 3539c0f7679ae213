import Decoding
public import DeviceMap
import EdgeLogic
public import GatewayCore

/// Turns decoded point readings into the common model: applies maintenance, freshness (stale,
/// frozen) and edge alarms, reports by exception, takes periodic snapshots, and queues readings and
/// events for the sink — events first, since they go ahead of any backlog.
///
/// The processor never waits for the sink: it numbers each batch and appends it to ``deliveries``
/// in order, and one task (``PollingService``) stores them in that order. Awaiting the sink here
/// would let a later batch overtake an earlier one while this actor is suspended.
public actor PointProcessor {
    /// A batch for the sink: events, then readings, already numbered.
    public struct Delivery: Sendable {
        public var events: [GatewayEvent]
        public var readings: [Reading]
        /// Alarm state that changed with these events (stored in the same transaction, ``AlarmMemory``).
        public var memories: [AlarmMemory] = []
        /// Set on a marker without records: a link's poll cycle began or ended (``beginCycle()``).
        public var cycle: CycleMark? = nil
    }

    /// Where a link is in its poll cycle, in delivery order (``Delivery/cycle``).
    public enum CycleMark: Sendable, Hashable {
        case began
        case ended
    }

    /// Every batch, in sequence order.
    public nonisolated let deliveries: AsyncStream<Delivery>
    private let continuation: AsyncStream<Delivery>.Continuation

    struct PointState {
        let device: String
        let point: SitePoint
        var alarm: AlarmEvaluator?
        var flags: [StatusRole: FlagAlarm]
        var filter: ChangeFilter
        /// `report: every_poll`: every poll is reported, changed or not.
        let everyPoll: Bool
        var freshness: FreshnessTracker
        var last: Reading?
        /// When the point's registers were last read (a reply with data): a stale reading's `ts`.
        var lastRead: Timestamp?
        /// When each active level was raised.
        var since: [AlarmLevel: Timestamp] = [:]
        /// When the point's current fault episode (NE43, fault sentinel) began.
        var pointFaultSince: Timestamp?
        /// The alarm state last handed to the sink (or restored), held out of line (``memory``).
        var memoryBox: AlarmMemoryBox?
    }

    let gateway: String
    let origin: ContinuousClock.Instant
    /// The wall-clock time of `origin`: alarm delays are persisted as wall-clock times.
    let wallOrigin: Timestamp
    var snapshotInterval: Duration
    var points: PointStateTable<PointState> = [:]
    /// Where the states of a device's readings were found in ``points``, in the order of its last poll's
    /// readings (``stateIndex(of:device:order:positions:)``).
    var statePositions: [String: [Int]] = [:]
    var order: [String] = []
    var maintenance: Set<String>
    /// The wall clock against the monotonic clock: flags readings whose time may be wrong, raises `clock_step`.
    let clockWatch: ClockWatch
    private var sequence: UInt64 = 0
    /// Alarms raised and not yet cleared or suppressed, keyed `device/point/level`.
    var active: [String: HealthSnapshot.Alarm] = [:]
    private var lastSnapshot: Duration = .zero
    /// Readings and events handed to the sink, by kind.
    public private(set) var counters = Counters()

    public struct Counters: Sendable, Hashable {
        public var readings = 0
        public var snapshots = 0
        public var events = 0
    }

    /// - Parameters:
    ///   - site: the devices and their points.
    ///   - origin: time zero of the poller's schedule.
    ///   - clockWatch: the system clocks' watch (synchronisation, steps).
    public init(site: SiteConfig, origin: ContinuousClock.Instant, clockWatch: ClockWatch = ClockWatch()) {
        self.clockWatch = clockWatch
        gateway = site.gateway.id
        (deliveries, continuation) = AsyncStream.makeStream(of: Delivery.self)
        self.origin = origin
        wallOrigin = Timestamp(
            milliseconds: Timestamp.now().milliseconds - Int64((ContinuousClock.now - origin) / .milliseconds(1))
        )
        snapshotInterval = site.polling.snapshotInterval
        maintenance = Set(site.devices.filter(\.maintenance).map(\.id))
        for device in site.devices where device.enabled {
            // Hidden points are inputs of formulas and assertions: read, never reported.
            for point in device.points where !point.definition.hidden {
                let key = Self.key(device.id, point.id)
                order.append(key)
                points[key] = Self.makeState(device: device.id, point: point, site: site)
            }
        }
    }

    /// Switches a device's maintenance mode: its readings say so and its alarms are suppressed.
    public func setMaintenance(_ on: Bool, device: String) {
        if on { maintenance.insert(device) } else { maintenance.remove(device) }
    }

    /// Whether a device is in maintenance.
    public func isInMaintenance(_ device: String) -> Bool { maintenance.contains(device) }

    /// The latest reading of every point, in site order.
    public func latest() -> [Reading] {
        // Sized once: grown by doubling, the copy of 10,000 readings allocated and freed every
        // intermediate size on each `/status` or `/metrics` scrape (heaptrack, BENCHMARKS.md round 26).
        var readings: [Reading] = []
        readings.reserveCapacity(points.count)
        for state in points.values {
            if let last = state.last { readings.append(last) }
        }
        return readings
    }

    /// The alarms active now, oldest first.
    public func activeAlarms() -> [HealthSnapshot.Alarm] {
        active.values.sorted { ($0.since, $0.device, $0.point) < ($1.since, $1.device, $1.point) }
    }

    /// The latest reading of each point `selection` selects, with the point's name from its map, in
    /// site order: what the status snapshot shows. The name comes with its reading, not from a
    /// dictionary of every point's name looked up by a key built for each reading (a scrape at
    /// 10,000 points built both).
    public func latestNamed(_ selection: PointSelection = .all) -> [(reading: Reading, name: String?)] {
        guard selection != .none else { return [] }
        var entries: [(reading: Reading, name: String?)] = []
        if selection == .all { entries.reserveCapacity(points.count) }
        for state in points.values {
            if let last = state.last, selection.includes(last.quality) {
                entries.append((last, state.point.definition.name))
            }
        }
        return entries
    }

    /// Processes one device's readings from one poll.
    public func process(device: String, readings: [PointReading]) async {
        let now = ContinuousClock.now - origin
        let inMaintenance = maintenance.contains(device)
        let deviceRoles = readings.reduce(into: Set<StatusRole>()) { $0.formUnion(StatusQualifier.roles(of: $1)) }
        let deviceSuppressed = inMaintenance || !deviceRoles.isDisjoint(with: [.inhibit, .maintenance, .warmup])
        let clock = clockWatch.sample()
        // A fault is never hidden by calibration or inhibit (only by maintenance and warm-up).
        let faultSuppressed = inMaintenance || !deviceRoles.isDisjoint(with: [.maintenance, .warmup])
        let calibrating = deviceRoles.contains(.inhibit)
        let statusFault = readings.contains { reading in
            (reading.point.status != nil || reading.point.states != nil)
                && StatusQualifier.roles(of: reading).contains(.fault)
        }
        var events: [GatewayEvent] = clock.step.map { [clockStepEvent($0)] } ?? []
        var emitted: [Reading] = []
        var touched: [String] = []
        let context = DeviceContext(
            device: device,
            now: now,
            inMaintenance: inMaintenance,
            deviceSuppressed: deviceSuppressed,
            faultSuppressed: faultSuppressed,
            calibrating: calibrating,
            statusFault: statusFault,
            clock: clock.condition
        )
        var positions = statePositions.removeValue(forKey: device) ?? []
        positions.reserveCapacity(readings.count)
        for (order, reading) in readings.enumerated() {
            // The state is updated in place: a copy out and back in cost two hash lookups, the
            // retains of a whole point definition and a copy of its dictionaries (copy-on-write).
            guard let index = stateIndex(of: reading, device: device, order: order, positions: &positions) else {
                continue
            }
            if update(&points.values[index], with: reading, context, events: &events, emitted: &emitted) {
                touched.append(Self.key(device, reading.point.id))
            }
        }
        statePositions[device] = positions
        for event in events { track(event) }
        deliver(events: consume events, readings: consume emitted, memories: changedMemories(touched))
    }

    /// What one poll of a device says about all its points.
    struct DeviceContext {
        let device: String
        let now: Duration
        let inMaintenance: Bool
        let deviceSuppressed: Bool
        let faultSuppressed: Bool
        let calibrating: Bool
        let statusFault: Bool
        let clock: ClockCondition?
    }

    /// Applies one reading to its point's state; returns whether the point's alarm memory may have changed.
    private func update(
        _ state: inout PointState,
        with reading: PointReading,
        _ context: DeviceContext,
        events: inout [GatewayEvent],
        emitted: inout [Reading]
    ) -> Bool {
        let now = context.now
        let inMaintenance = context.inMaintenance
        let deviceSuppressed = context.deviceSuppressed
        let faultSuppressed = context.faultSuppressed
        let calibrating = context.calibrating
        let statusFault = context.statusFault
        let device = context.device
        if reading.answered { state.freshness.refreshed(with: reading.value.value, at: now) }
        if reading.answered && !reading.registers.isEmpty { state.lastRead = reading.timestamp }
        var quality = state.freshness.quality(reading.quality, at: now)
        if inMaintenance { quality = quality.worst(.uncertain(.maintenance)) }
        let value = reading.value.value
        let suppressed =
            inMaintenance || [.inhibited, .maintenance, .warmup].contains(quality.reason)
        if var alarm = state.alarm {
            let number = value?.numeric
            let transitions = alarm.update(value: number, quality: quality, suppressed: suppressed, at: now)
            events += transitions.map { event(for: $0, state: state, at: reading.timestamp) }
            state.note(transitions, at: reading.timestamp)
            state.alarm = alarm
        }
        if !state.flags.isEmpty, reading.answered {
            let roles = StatusQualifier.roles(of: reading)
            for (role, var flag) in state.flags {
                let isFault = role == .fault
                let transitions = flag.update(
                    flag: roles.contains(role),
                    suppressed: isFault ? faultSuppressed : deviceSuppressed
                )
                events += transitions.map {
                    event(for: $0, state: state, at: reading.timestamp, duringCalibration: isFault && calibrating)
                }
                state.note(transitions, at: reading.timestamp)
                state.flags[role] = flag
            }
        }
        if reading.answered {
            events += pointFaultEvents(
                reading,
                state: &state,
                ownFault: !statusFault || reading.value.signals.contains(.fault),
                calibrating: calibrating,
                inMaintenance: inMaintenance
            )
        }
        let mayTouchMemory =
            state.alarm != nil || !state.flags.isEmpty || state.pointFaultSince != state.memory?.pointFaultSince
        var output = Reading(
            gateway: gateway,
            device: device,
            point: reading.point.id,
            indicator: state.point.indicator,
            value: value,
            unit: reading.point.unit,
            quality: quality,
            timestamp: reading.timestamp
        )
        output.clock = context.clock
        output.withholdBadValue(raw: reading.rawText)
        output.markStale(lastRead: state.lastRead, detected: reading.timestamp)
        if state.filter.shouldReport(output.value, quality: quality) {
            emitted.append(output)
        } else if state.everyPoll {
            var unchanged = output
            unchanged.report = .poll
            emitted.append(unchanged)
        }
        state.last = output
        return mayTouchMemory
    }

    func track(_ event: GatewayEvent) {
        guard let device = event.device, let point = event.point, let level = event.level else { return }
        let key = "\(device)/\(point)/\(level.rawValue)"
        switch event.kind {
        case .alarmRaised:
            let value = event.value?.numeric
            active[key] = HealthSnapshot.Alarm(
                device: device,
                point: point,
                indicator: event.indicator,
                level: level.rawValue,
                value: value,
                limit: event.limit,
                unit: event.unit,
                since: event.timestamp.description
            )
        case .alarmCleared, .alarmSuppressed:
            active[key] = nil
        default:
            break
        }
    }

    /// Marks every point of a device with `quality` (a demoted device's points read bad, demoted).
    public func mark(device: String, quality: Quality) async {
        var emitted: [Reading] = []
        let timestamp = Timestamp.now()
        let clock = clockWatch.sample()
        for key in order where points[key]?.device == device {
            guard var state = points[key] else { continue }
            var output = Reading(
                gateway: gateway,
                device: device,
                point: state.point.id,
                indicator: state.point.indicator,
                value: nil,
                unit: state.point.definition.unit,
                quality: quality,
                timestamp: timestamp
            )
            output.clock = clock.condition
            if state.filter.shouldReport(nil, quality: quality) { emitted.append(output) }
            state.last = output
            points[key] = state
        }
        deliver(events: clock.step.map { [clockStepEvent($0)] } ?? [], readings: consume emitted)
    }

    /// Records a device or link event (demoted, recovered, link down, link up).
    public func record(_ kind: GatewayEvent.Kind, device: String? = nil, link: String? = nil, reason: String) async {
        let event = GatewayEvent(
            kind: kind,
            gateway: gateway,
            device: device,
            link: link,
            timestamp: .now(),
            reason: reason
        )
        deliver(events: [event], readings: [])
    }

    /// Checks freshness and takes the periodic snapshot when it is due. Call about once a second.
    public func tick() async {
        let now = ContinuousClock.now - origin
        let clock = clockWatch.sample()
        var emitted: [Reading] = []
        // Every point, every tick, in site order (the table's): checked in place, neither looked up by
        // its key nor copied out of the table (most points are fresh and nothing changes). Looking each
        // point up by key and reading its state through the table's getter cost 2.1–2.6 % of the gateway's
        // CPU at 10,000 points (BENCHMARKS.md, round 23).
        points.updateEach { state in
            guard let lastQuality = state.last?.quality else { return }
            let quality = state.freshness.quality(lastQuality, at: now)
            guard quality != lastQuality else { return }
            if let stale = Self.stale(&state, quality: quality) { emitted.append(stale) }
        }
        if now - lastSnapshot >= snapshotInterval {
            lastSnapshot = now
            // The last readings, read in place (a copy of each point's whole state cost more), straight
            // into the one array delivered: at 10,000 points a snapshot array copied into `emitted`, and
            // that copied again to number it, took three 1.76 MB arrays, two alive at a time (BENCHMARKS.md,
            // round 31).
            let staleCount = emitted.count
            emitted.reserveCapacity(staleCount + points.count)
            points.updateEach { state in
                guard var reading = state.last else { return }
                reading.report = .snapshot
                emitted.append(reading)
            }
            counters.snapshots += emitted.count - staleCount
        }
        deliver(events: clock.step.map { [clockStepEvent($0)] } ?? [], readings: consume emitted)
    }

    /// A point's last reading with a quality its freshness changed; returned if it is to be reported.
    private static func stale(_ state: inout PointState, quality: Quality) -> Reading? {
        guard var last = state.last else { return nil }
        last.quality = quality
        // No new measurement: `ts` stays the last read's; a stale reading says when it was found.
        last.withholdBadValue(raw: nil)
        last.markStale(lastRead: state.lastRead, detected: .now())
        state.last = last
        return state.filter.shouldReport(last.value, quality: quality) ? last : nil
    }

    /// A link begins a poll cycle: marks the deliveries that follow as part of one cycle, so that the
    /// delivery writer can store the devices of a cycle together (one transaction and one fsync for
    /// the cycle instead of one per device, ``DeliveryWriter``). Every call is matched by ``endCycle()``.
    public func beginCycle() {
        continuation.yield(Delivery(events: [], readings: [], cycle: .began))
    }

    /// The link's cycle has ended: every delivery of it is ahead of this marker.
    public func endCycle() {
        continuation.yield(Delivery(events: [], readings: [], cycle: .ended))
    }

    /// Ends ``deliveries`` once the batches queued so far are taken.
    public func finish() { continuation.finish() }

    /// Numbers the events and readings and hands them to ``deliveries``. The arrays are taken, not
    /// copied: numbering a borrowed array copied every reading once more (callers pass `consume`).
    func deliver(
        events: consuming [GatewayEvent],
        readings: consuming [Reading],
        memories: consuming [AlarmMemory] = []
    ) {
        guard !events.isEmpty || !readings.isEmpty || !memories.isEmpty else { return }
        for index in events.indices {
            sequence += 1
            events[index].sequence = sequence
        }
        for index in readings.indices {
            sequence += 1
            readings[index].sequence = sequence
        }
        counters.events += events.count
        counters.readings += readings.count
        continuation.yield(Delivery(events: consume events, readings: consume readings, memories: consume memories))
    }

    private func event(
        for transition: AlarmTransition,
        state: PointState,
        at timestamp: Timestamp,
        duringCalibration: Bool = false
    ) -> GatewayEvent {
        let unit = state.point.definition.unit
        let unitText = unit.map { " \($0)" } ?? ""
        let valueText = transition.value.map { "\($0.compactText)\(unitText)" } ?? "no value"
        let limitText = transition.limit.map { " \($0.compactText)" } ?? ""
        let kind: GatewayEvent.Kind
        let reason: String
        switch transition.kind {
        case .raised:
            kind = .alarmRaised
            reason =
                transition.limit == nil
                ? "the device reports \(transition.level.rawValue)"
                    + (duringCalibration ? " during calibration or inhibit (a fault is never suppressed)" : "")
                : "value \(valueText) \(transition.level.isLow ? "≤" : "≥") \(transition.level.rawValue)\(limitText)"
        case .cleared:
            kind = .alarmCleared
            reason =
                transition.limit == nil
                ? "the device no longer reports \(transition.level.rawValue)"
                : "value \(valueText) back past \(transition.level.rawValue)\(limitText) and its deadband"
        case .suppressed:
            kind = .alarmSuppressed
            reason = "\(transition.level.rawValue) suppressed: calibration, inhibit, warm-up or maintenance"
        }
        return GatewayEvent(
            kind: kind,
            gateway: gateway,
            device: state.device,
            point: state.point.id,
            indicator: state.point.indicator,
            level: transition.level,
            value: transition.value.map { .number($0) },
            limit: transition.limit,
            unit: unit,
            timestamp: timestamp,
            reason: reason
        )
    }

    static func key(_ device: String, _ point: String) -> String { device + "/" + point }

    static func alarmEvaluator(for point: SitePoint) -> AlarmEvaluator? {
        guard let limits = point.alarms, !limits.isEmpty else { return nil }
        return AlarmEvaluator(
            settings: AlarmSettings(
                lowLow: limits.lowLow,
                low: limits.low,
                high: limits.high,
                highHigh: limits.highHigh,
                gasLevels: limits.gasLevels,
                deadband: limits.deadband ?? 0,
                onDelay: limits.onDelay ?? .zero,
                offDelay: limits.offDelay ?? .zero
            )
        )
    }

    /// Device alarm and fault flags raise events of their own.
    static func flagAlarms(for point: PointDefinition) -> [StatusRole: FlagAlarm] {
        let roles: [(StatusRole, AlarmLevel)] = [
            (.alarm1, .deviceAlarm1), (.alarm2, .deviceAlarm2), (.fault, .deviceFault),
        ]
        var flags: [StatusRole: FlagAlarm] = [:]
        let signalled = Set([point.status].compactMap { $0 } + (point.states?.values.compactMap(\.status) ?? []))
        for (role, level) in roles where signalled.contains(role) { flags[role] = FlagAlarm(level: level) }
        return flags
    }
}

extension AlarmLevel {
    var isLow: Bool { self == .low || self == .lowLow }
}

extension Double {
    /// `25` rather than `25.0`.
    var compactText: String {
        self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }
}

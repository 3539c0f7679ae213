import Decoding
import DeviceMap
import EdgeLogic
public import GatewayCore

/// Alarm state that survives a restart (``AlarmMemory``, stored by the durable log with the events that
/// changed it), run-time maintenance switches, and point-fault episodes.
extension PointProcessor {
    /// Takes over the alarm state and maintenance switches the log kept from the previous run. Call before
    /// the first poll. Nothing is sent: an alarm still active is not raised again (and clears through its
    /// usual clear condition at the first poll that says so), a running delay goes on from its start, a
    /// point-fault episode goes on. A device switched into maintenance at run time is in maintenance again;
    /// a run-time switch out of maintenance does not override the site file's `maintenance: true`.
    /// - Returns: what was restored, in words, one line each (for the log).
    @discardableResult
    public func restore(_ memories: [AlarmMemory], maintenance switches: [MaintenanceSwitch]) -> [String] {
        var lines: [String] = []
        for memory in memories {
            let key = Self.key(memory.device, memory.point)
            guard var state = points[key] else { continue }
            if var alarm = state.alarm {
                alarm.restore(
                    memory.levels.map {
                        AlarmEvaluator.LevelState(
                            level: $0.level,
                            isActive: $0.active,
                            pendingSince: $0.pendingSince.map(duration(since:)),
                            suppressed: $0.suppressed
                        )
                    }
                )
                state.alarm = alarm
            }
            for (role, var flag) in state.flags {
                guard let level = memory.levels.first(where: { $0.level == flag.level }) else { continue }
                flag.restore(active: level.active, suppressed: level.suppressed)
                state.flags[role] = flag
            }
            let configured = Set((state.alarm?.levelStates.map(\.level) ?? []) + state.flags.values.map(\.level))
            for level in memory.levels where level.active && configured.contains(level.level) {
                let since = level.since ?? Timestamp.now()
                state.since[level.level] = since
                active["\(key)/\(level.level.rawValue)"] = HealthSnapshot.Alarm(
                    device: memory.device,
                    point: memory.point,
                    indicator: state.point.indicator,
                    level: level.level.rawValue,
                    value: level.value,
                    limit: level.limit,
                    unit: state.point.definition.unit,
                    since: since.description
                )
                lines.append("alarm \(key) \(level.level.rawValue) still active since \(since) (not raised again)")
            }
            state.pointFaultSince = memory.pointFaultSince
            state.memory = memory
            points[key] = state
        }
        let devices = Set(points.values.map(\.device))
        for change in switches where change.on && devices.contains(change.device) {
            maintenance.insert(change.device)
            lines.append("device \(change.device) in maintenance since \(change.at) (switched at run time)")
        }
        return lines
    }

    /// Switches a device's maintenance mode at run time and sends a `maintenance_on` or
    /// `maintenance_off` event naming the operator (when given) and the client, which the log keeps so
    /// the switch survives a restart.
    /// - Returns: false when there is no such device.
    public func switchMaintenance(_ on: Bool, device: String, operatorName: String?, client: String?) -> Bool {
        guard points.values.contains(where: { $0.device == device }) else { return false }
        let was = maintenance.contains(device)
        setMaintenance(on, device: device)
        var reason = "maintenance switched \(on ? "on" : "off") at the gateway"
        if let operatorName, !operatorName.isEmpty { reason += " by \(operatorName)" }
        if let client { reason += " from \(client)" }
        if was == on { reason += " (it was \(on ? "on" : "off") already)" }
        deliver(
            events: [
                GatewayEvent(
                    kind: on ? .maintenanceOn : .maintenanceOff,
                    gateway: gateway,
                    device: device,
                    timestamp: .now(),
                    reason: reason
                )
            ],
            readings: []
        )
        return true
    }

    /// The `point_fault` or `point_fault_cleared` event of this reading, if its fault episode starts or ends.
    /// A point is in fault while its own value says so (a NAMUR NE43 fault current or a fault sentinel: bad,
    /// `sensor_fault`), not when a device status bit qualifies it (that raises `device_fault`).
    func pointFaultEvents(
        _ reading: PointReading,
        state: inout PointState,
        ownFault: Bool,
        calibrating: Bool,
        inMaintenance: Bool
    ) -> [GatewayEvent] {
        let faulty = ownFault && reading.quality.level == .bad && reading.quality.reason == .sensorFault
        guard faulty != (state.pointFaultSince != nil) else { return [] }
        let reason: String
        if faulty {
            state.pointFaultSince = reading.timestamp
            let bits = String(reading.value.raw.bits, radix: 16, uppercase: true)
            var text =
                reading.value.signals.contains(.fault)
                ? "fault sentinel 0x\(bits) in the value" : "sensor fault: NAMUR NE43 fault current (raw 0x\(bits))"
            if calibrating { text += ", during calibration or inhibit (a fault is never suppressed)" }
            if inMaintenance { text += ", device in maintenance" }
            reason = text
        } else {
            let since = state.pointFaultSince.map { " (since \($0))" } ?? ""
            state.pointFaultSince = nil
            reason = "the value is no longer a fault\(since)"
        }
        return [
            GatewayEvent(
                kind: faulty ? .pointFault : .pointFaultCleared,
                gateway: gateway,
                device: state.device,
                point: state.point.id,
                indicator: state.point.indicator,
                unit: state.point.definition.unit,
                timestamp: reading.timestamp,
                reason: reason
            )
        ]
    }

    /// The alarm state of `keys` that differs from what was last handed to the sink.
    func changedMemories(_ keys: [String]) -> [AlarmMemory] {
        var changed: [AlarmMemory] = []
        for key in keys {
            guard var state = points[key] else { continue }
            let memory = memory(of: state, key: key)
            guard memory != state.memory, !(memory.isEmpty && state.memory == nil) else { continue }
            state.memory = memory
            points[key] = state
            changed.append(memory)
        }
        return changed
    }

    private func memory(of state: PointState, key: String) -> AlarmMemory {
        var levels: [AlarmMemory.Level] = []
        for level in state.alarm?.levelStates ?? [] where !level.isIdle {
            let raised = active["\(key)/\(level.level.rawValue)"]
            levels.append(
                AlarmMemory.Level(
                    level: level.level,
                    active: level.isActive,
                    since: level.isActive ? state.since[level.level] : nil,
                    pendingSince: level.pendingSince.map(wallTime(of:)),
                    suppressed: level.suppressed,
                    value: level.isActive ? raised?.value : nil,
                    limit: raised?.limit
                )
            )
        }
        for flag in state.flags.values.sorted(by: { $0.level.rawValue < $1.level.rawValue })
        where flag.isActive || flag.suppressedWhileActive {
            levels.append(
                AlarmMemory.Level(
                    level: flag.level,
                    active: flag.isActive,
                    since: flag.isActive ? state.since[flag.level] : nil,
                    suppressed: flag.suppressedWhileActive
                )
            )
        }
        return AlarmMemory(
            device: state.device,
            point: state.point.id,
            levels: levels,
            pointFaultSince: state.pointFaultSince
        )
    }

    private func wallTime(of duration: Duration) -> Timestamp {
        Timestamp(milliseconds: wallOrigin.milliseconds + Int64(duration / .milliseconds(1)))
    }

    private func duration(since wall: Timestamp) -> Duration {
        .milliseconds(wall.milliseconds - wallOrigin.milliseconds)
    }
}

extension PointProcessor.PointState {
    /// Keeps when each level was raised.
    mutating func note(_ transitions: [AlarmTransition], at timestamp: Timestamp) {
        for transition in transitions {
            if transition.kind == .raised { since[transition.level] = timestamp } else { since[transition.level] = nil }
        }
    }
}

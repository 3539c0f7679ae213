public import DeviceMap
import EdgeLogic
import GatewayCore

extension PointProcessor {
    /// What a reload did to the points' state.
    public struct PointChanges: Sendable, Hashable {
        /// Points whose state (alarms, flags, freshness, last value) was kept.
        public var kept = 0
        /// Points whose definition or settings changed: their state starts afresh.
        public var reset: [String] = []
        /// Points that are new.
        public var added: [String] = []
        /// Points no longer polled.
        public var removed: [String] = []
    }

    /// The state a point starts with.
    static func makeState(device: String, point: SitePoint, site: SiteConfig) -> PointState {
        let period = site.scanClasses[point.scanClass] ?? .seconds(5)
        return PointState(
            device: device,
            point: point,
            alarm: Self.alarmEvaluator(for: point),
            flags: Self.flagAlarms(for: point.definition),
            filter: ChangeFilter(deadband: point.definition.reportDeadband ?? 0),
            everyPoll: site.reportMode(of: point) == .everyPoll,
            freshness: FreshnessTracker(
                staleAfter: period * site.polling.staleAfterPeriods,
                frozenAfter: point.definition.frozenAfter,
                createdAt: .zero
            ),
            last: nil,
            lastRead: nil
        )
    }

    /// Takes a reloaded site. A point whose definition and settings are unchanged keeps its state:
    /// its active alarms, pending delays, device flags, freshness and last value, so nothing is raised
    /// or cleared again. A changed point (a new limit, deadband, scale…) starts afresh and is evaluated
    /// with its new settings at its next poll; a removed one is forgotten. An alarm active on a changed or
    /// removed point is cleared with an event that says why (a changed point still in condition raises
    /// again at its next poll, after its on-delay). A device's maintenance switch survives unless the
    /// file's `maintenance:` for it changed; a removed device's is dropped.
    /// - Parameters:
    ///   - site: the new site, validated.
    ///   - old: the site it replaces.
    @discardableResult
    public func apply(site: SiteConfig, replacing old: SiteConfig) -> PointChanges {
        var changes = PointChanges()
        var newPoints: PointStateTable<PointState> = [:]
        var newOrder: [String] = []
        let now = ContinuousClock.now - origin
        for device in site.devices where device.enabled {
            for point in device.points where !point.definition.hidden {
                let key = Self.key(device.id, point.id)
                var fresh = Self.makeState(device: device.id, point: point, site: site)
                fresh.freshness = FreshnessTracker(
                    staleAfter: fresh.freshness.staleAfter,
                    frozenAfter: fresh.freshness.frozenAfter,
                    createdAt: now
                )
                newOrder.append(key)
                if let before = points[key] {
                    if Self.sameSettings(before, fresh) {
                        newPoints[key] = before
                        changes.kept += 1
                    } else {
                        // The persisted alarm state is rewritten from the fresh state below: an alarm the
                        // reload cleared stays cleared after a restart.
                        fresh.memory = before.memory
                        newPoints[key] = fresh
                        changes.reset.append(key)
                    }
                } else {
                    newPoints[key] = fresh
                    changes.added.append(key)
                }
            }
        }
        changes.removed = order.filter { newPoints[$0] == nil }
        var events: [GatewayEvent] = []
        for (activeKey, alarm) in active.sorted(by: { $0.key < $1.key }) {
            let key = Self.key(alarm.device, alarm.point)
            let reason: String
            if changes.removed.contains(key) {
                reason = "the point was removed from the configuration by a reload"
            } else if changes.reset.contains(key) {
                reason =
                    "the point's settings were changed by a reload: it is evaluated afresh with the new settings at its next poll"
            } else {
                continue
            }
            active[activeKey] = nil
            events.append(
                GatewayEvent(
                    kind: .alarmCleared,
                    gateway: gateway,
                    device: alarm.device,
                    point: alarm.point,
                    indicator: alarm.indicator,
                    level: AlarmLevel(rawValue: alarm.level),
                    value: alarm.value.map { .number($0) },
                    limit: alarm.limit,
                    unit: alarm.unit,
                    timestamp: .now(),
                    reason: reason
                )
            )
        }
        let oldDevices = Dictionary(old.devices.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var kept: Set<String> = []
        for device in site.devices where device.enabled {
            if let before = oldDevices[device.id], before.maintenance == device.maintenance {
                if maintenance.contains(device.id) { kept.insert(device.id) }
            } else {
                if device.maintenance { kept.insert(device.id) }
                // The file's value replaces a run-time switch: sent upstream, and kept in the log as the
                // device's last switch, so a restart does not bring back a run-time switch the file overrode.
                if oldDevices[device.id] != nil, maintenance.contains(device.id) != device.maintenance {
                    events.append(
                        GatewayEvent(
                            kind: device.maintenance ? .maintenanceOn : .maintenanceOff,
                            gateway: gateway,
                            device: device.id,
                            timestamp: .now(),
                            reason:
                                "maintenance switched \(device.maintenance ? "on" : "off") by the site file (reload)"
                        )
                    )
                }
            }
        }
        maintenance = kept
        points = newPoints
        statePositions = [:]
        order = newOrder
        snapshotInterval = site.polling.snapshotInterval
        deliver(events: events, readings: [], memories: changedMemories(changes.reset))
        return changes
    }

    /// Whether a point's new state would be set up exactly like the running one.
    private static func sameSettings(_ running: PointState, _ fresh: PointState) -> Bool {
        running.point == fresh.point && running.everyPoll == fresh.everyPoll
            && running.freshness.staleAfter == fresh.freshness.staleAfter
            && running.freshness.frozenAfter == fresh.freshness.frozenAfter
            && running.filter.deadband == fresh.filter.deadband
            && running.alarm?.settings == fresh.alarm?.settings
    }

    /// Records that the configuration was reloaded (`config_reloaded`, sent upstream like every event).
    public func recordReload(reason: String) {
        deliver(
            events: [GatewayEvent(kind: .configReloaded, gateway: gateway, timestamp: .now(), reason: reason)],
            readings: []
        )
    }
}

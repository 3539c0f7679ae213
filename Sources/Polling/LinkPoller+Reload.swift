import DeviceMap
import Logging

extension LinkPoller {
    /// Takes a plan a reload handed over: the link's connection stays, and so does everything the
    /// poller knows of a device whose configuration did not change (its readout, health, isolated
    /// points) and the schedule of every scan class whose period did not change, so those devices miss
    /// no cycle. Added devices and scan classes start at once; removed ones are forgotten.
    mutating func adopt(
        _ new: LinkPlanUpdates.Plan,
        state: inout State,
        schedules: inout [String: CycleSchedule],
        now: Duration
    ) {
        let old = entries
        entries = new.entries
        settings = new.settings
        var fresh = State(settings: new.settings, entries: new.entries)
        for entry in new.entries {
            let key = "\(entry.device.id)/\(entry.scanClass)"
            if let before = old.first(where: { "\($0.device.id)/\($0.scanClass)" == key }),
                before.isPlanned(like: entry)
            {
                fresh.readouts[key] = state.readouts[key] ?? fresh.readouts[key]
                fresh.isolationRetries[key] = state.isolationRetries[key]
            }
            if let before = old.first(where: { $0.device.id == entry.device.id }),
                before.device.isConfigured(like: entry.device), let health = state.health[entry.device.id]
            {
                fresh.health[entry.device.id] = health
            }
        }
        fresh.backoff = state.backoff
        fresh.nextConnectAttempt = state.nextConnectAttempt
        fresh.linkDown = state.linkDown
        fresh.waitedForStorage = state.waitedForStorage
        fresh.random = state.random
        state = fresh
        var kept: [String: CycleSchedule] = [:]
        for entry in new.entries where kept[entry.scanClass] == nil {
            if let schedule = schedules[entry.scanClass], schedule.period == entry.period {
                kept[entry.scanClass] = schedule
            } else {
                kept[entry.scanClass] = CycleSchedule(origin: now, period: entry.period)
            }
        }
        schedules = kept
        logger.info(
            "link plan reloaded",
            metadata: ["link": "\(config.id)", "devices": "\(Set(new.entries.map(\.device.id)).count)"]
        )
    }
}

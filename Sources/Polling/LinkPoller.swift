import Decoding
import DeviceMap
import GatewayCore
import Logging
import Modbus

/// Polls every device of one link, scan class by scan class, on a fixed schedule.
///
/// One transaction at a time (the link is serial), with each device's pauses; links poll in
/// parallel, each in its own task. A device that fails `demoteAfter` cycles in a row is demoted and
/// only probed every `probeInterval`, so it cannot starve its neighbours. A link that cannot connect
/// backs off (capped, jittered) instead of hammering the device, and its devices are not blamed.
struct LinkPoller: Sendable {
    let config: LinkConfig
    let link: ModbusLink
    /// The devices' scan plans and the polling settings; a reload replaces them through `updates`.
    var entries: [DeviceScanPlan]
    var settings: PollingSettings
    let updates: LinkPlanUpdates
    let processor: PointProcessor
    let statistics: PollingStatistics
    let metrics: PollingMetrics
    let backlog: StorageBacklog
    let logger: Logger

    mutating func run(origin: ContinuousClock.Instant) async {
        var schedules: [String: CycleSchedule] = [:]
        for entry in entries where schedules[entry.scanClass] == nil {
            schedules[entry.scanClass] = CycleSchedule(origin: .zero, period: entry.period)
        }
        var state = State(settings: settings, entries: entries)
        var planVersion = 0
        while !Task.isCancelled {
            if let plan = updates.take(after: &planVersion) {
                adopt(plan, state: &state, schedules: &schedules, now: ContinuousClock.now - origin)
            }
            guard
                let (scanClass, schedule) = schedules.min(by: {
                    ($0.value.nextDue, $0.key) < ($1.value.nextDue, $1.key)
                })
            else { return }
            do {
                try await Task.sleep(until: origin + schedule.nextDue, clock: .continuous)
            } catch {
                return
            }
            if backlog.count > backlog.limit {
                if !state.waitedForStorage {
                    logger.warning(
                        "storing readings is behind polling: cycles wait for it (skipped cycles count as overruns)",
                        metadata: ["link": "\(config.id)", "queued": "\(backlog.count)"]
                    )
                }
                state.waitedForStorage = true
                await backlog.waitForRoom()
            } else if state.waitedForStorage {
                state.waitedForStorage = false
                logger.notice("storing readings caught up with polling", metadata: ["link": "\(config.id)"])
            }
            let started = ContinuousClock.now
            // The markers let the writer store the cycle's devices together (``DeliveryWriter``); a cycle
            // of one device needs none (its readings are stored at once).
            let marked = entries.lazy.filter { $0.scanClass == scanClass }.count > 1
            if marked { await processor.beginCycle() }
            await runCycle(scanClass, state: &state, origin: origin)
            if marked { await processor.endCycle() }
            let finished = ContinuousClock.now
            var updated = schedule
            let skipped = updated.completeCycle(finishedAt: finished - origin)
            schedules[scanClass] = updated
            statistics.updateScanClass("\(config.id)/\(scanClass)", period: schedule.period) {
                $0.cycles += 1
                $0.overruns += skipped
                $0.lastCycle = finished - started
                if let last = $0.lastStart {
                    let interval = started - last
                    $0.achievedPeriod = $0.achievedPeriod.map { $0 * 0.8 + interval * 0.2 } ?? interval
                }
                $0.lastStart = started
            }
            state.cycles(scanClass, link: config.id).cycle(duration: finished - started, skipped: skipped)
            if skipped > 0 {
                logger.debug(
                    "scan class overran",
                    metadata: ["link": "\(config.id)", "scan": "\(scanClass)", "skipped": "\(skipped)"]
                )
            }
        }
    }

    /// What the poller remembers between cycles.
    struct State {
        var readouts: [String: DeviceReadout] = [:]
        var health: [String: DeviceHealth] = [:]
        /// When the isolated points of a readout are next asked again (one probe interval after
        /// they were isolated), by readout key.
        var isolationRetries: [String: Duration] = [:]
        var backoff = ReconnectBackoff()
        var nextConnectAttempt: Duration?
        var linkDown = false
        /// Whether the last cycle waited for storage (to log once per episode).
        var waitedForStorage = false
        var random = SplitMix64(seed: UInt64.random(in: 1...UInt64.max))
        /// Each device's poll counters, by device id (``PollingMetrics/DevicePolls``).
        var polls: [String: PollingMetrics.DevicePolls] = [:]

        /// Each scan class's cycle metrics, by scan class.
        var cycleMetrics: [String: PollingMetrics.Cycles] = [:]

        /// The cycle metrics of a scan class, looked up in the metrics backend once.
        mutating func cycles(_ scanClass: String, link: String) -> PollingMetrics.Cycles {
            if let known = cycleMetrics[scanClass] { return known }
            let made = PollingMetrics.Cycles(link: link, scanClass: scanClass)
            cycleMetrics[scanClass] = made
            return made
        }

        /// The poll counters of a device, looked up in the metrics backend once.
        mutating func devicePolls(_ device: String, link: String) -> PollingMetrics.DevicePolls {
            if let known = polls[device] { return known }
            let made = PollingMetrics.DevicePolls(device: device, link: link)
            polls[device] = made
            return made
        }

        init(settings: PollingSettings, entries: [DeviceScanPlan]) {
            for entry in entries {
                health[entry.device.id] = DeviceHealth(
                    demoteAfter: settings.demoteAfter,
                    probeInterval: settings.probeInterval
                )
                readouts["\(entry.device.id)/\(entry.scanClass)"] = try? DeviceReadout(
                    map: entry.device.map,
                    unit: entry.device.unit,
                    points: entry.points.map(\.definition)
                )
            }
        }
    }

    private func runCycle(_ scanClass: String, state: inout State, origin: ContinuousClock.Instant) async {
        for entry in entries where entry.scanClass == scanClass {
            guard !Task.isCancelled else { return }
            let device = entry.device
            let key = "\(device.id)/\(scanClass)"
            guard var readout = state.readouts[key], var health = state.health[device.id] else { continue }
            let now = ContinuousClock.now - origin
            if let next = state.nextConnectAttempt, now < next {
                // The link is down and backing off: no I/O, the points say why.
                await processor.process(device: device.id, readings: unreachable(entry, readout: readout))
                continue
            }
            let action = health.action(at: now)
            if action == .skip {
                statistics.updateDevice(device.id) { $0.skipped += 1 }
                continue
            }
            if let retry = state.isolationRetries[key], now >= retry {
                // Points refused with exception 02/03 are asked again: the refusal may have passed.
                readout.restoreIsolated()
                state.isolationRetries[key] = nil
            }
            // Retries are for the odd lost reply of a healthy device, not for one already failing.
            let retries = health.state == .healthy(consecutiveFailures: 0) ? settings.retries : 0
            let lessonsBefore = readout.lessons
            var result = await readout.readOnce(
                over: link,
                retries: retries,
                pause: device.map.defaults.requestPause,
                onlyFirstRead: action == .probe
            )
            if readout.lessons != lessonsBefore {
                state.readouts[key] = readout
                noteLessons(result.learned, device: device.id, state: state)
            }
            let finished = ContinuousClock.now - origin
            if let failure = result.linkFailure {
                await linkFailed(failure, state: &state, at: finished)
                state.readouts[key] = readout
                await processor.process(device: device.id, readings: result.readings)
                continue
            }
            if state.linkDown { await linkRecovered(state: &state) }
            if !readout.isolated.isEmpty && state.isolationRetries[key] == nil {
                state.isolationRetries[key] = finished + settings.probeInterval
            }
            guard result.transactions > 0 else {
                // Every point is isolated: nothing was asked, so nothing is known of the device's health.
                state.readouts[key] = readout
                continue
            }
            let transition = health.record(success: result.answered, at: finished)
            state.devicePolls(device.id, link: config.id)
                .poll(answered: result.answered, transactions: result.transactions)
            statistics.updateDevice(device.id) {
                $0.polls += 1
                $0.transactions += result.transactions
                if result.answered {
                    $0.answered += 1
                    $0.lastAnswer = .now
                } else {
                    $0.failed += 1
                }
                $0.demoted = health.isDemoted
            }
            switch transition {
            case .demoted?:
                let reason =
                    "\(settings.demoteAfter) poll cycles in a row without an answer; probing every \(settings.probeInterval.readableDescription)"
                logger.warning("device demoted", metadata: ["device": "\(device.id)", "link": "\(config.id)"])
                await processor.record(.deviceDemoted, device: device.id, link: config.id, reason: reason)
                await processor.process(device: device.id, readings: result.readings)
                await processor.mark(device: device.id, quality: .bad(.demoted))
            case .recovered?:
                logger.notice("device recovered", metadata: ["device": "\(device.id)", "link": "\(config.id)"])
                await processor.record(.deviceRecovered, device: device.id, link: config.id, reason: "answered a probe")
                if action == .probe {
                    result = await readout.readOnce(
                        over: link,
                        retries: settings.retries,
                        pause: device.map.defaults.requestPause
                    )
                }
                await processor.process(device: device.id, readings: result.readings)
            case nil:
                if !health.isDemoted { await processor.process(device: device.id, readings: result.readings) }
            }
            state.readouts[key] = readout
            state.health[device.id] = health
        }
    }

    /// Logs what a device just taught (once: a lesson is reported when learned) and publishes every
    /// lesson of the device, over all its scan classes, for the status endpoint.
    private func noteLessons(_ learned: [LessonReport], device: String, state: State) {
        for report in learned {
            logger.warning(
                "device \(device) \(report.text)",
                metadata: ["device": "\(device)", "link": "\(config.id)", "lesson": "\(report.kind.rawValue)"]
            )
        }
        var reports: [LessonReport] = []
        for (key, readout) in state.readouts.sorted(by: { $0.key < $1.key }) where key.hasPrefix(device + "/") {
            for report in LessonReport.all(in: readout.lessons, map: readout.map) where !reports.contains(report) {
                reports.append(report)
            }
        }
        statistics.updateDevice(device) { $0.lessons = reports }
    }

    private func linkFailed(_ failure: ModbusError, state: inout State, at time: Duration) async {
        let next = state.backoff.failed(at: time, random: &state.random)
        state.nextConnectAttempt = next
        statistics.updateLink(config.id) { $0.downReason = failure.reason }
        guard !state.linkDown else { return }
        state.linkDown = true
        statistics.updateLink(config.id) {
            $0.up = false
            $0.downEvents += 1
        }
        logger.warning("link down", metadata: ["link": "\(config.id)", "error": "\(failure)"])
        await processor.record(.linkDown, link: config.id, reason: failure.description)
    }

    private func linkRecovered(state: inout State) async {
        state.linkDown = false
        state.nextConnectAttempt = nil
        state.backoff.succeeded()
        statistics.updateLink(config.id) {
            $0.up = true
            $0.downReason = nil
        }
        logger.notice("link up", metadata: ["link": "\(config.id)"])
        await processor.record(.linkUp, link: config.id, reason: "connected")
    }

    private func unreachable(_ entry: DeviceScanPlan, readout: DeviceReadout) -> [PointReading] {
        entry.points.map { point in
            let empty = RawReading(value: .invalid("link down"), bits: 0)
            let value = DecodedValue(value: nil, quality: .bad(.communicationFailure), raw: empty, signals: [])
            return PointReading(point: point.definition, value: value, timestamp: .now(), answered: false)
        }
    }
}

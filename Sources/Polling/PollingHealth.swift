public import DeviceMap
public import GatewayCore
import Modbus

/// The poller's state as the status endpoint shows it.
public struct PollingHealth: HealthReporting {
    let service: PollingService
    /// The configuration in force (hash, when loaded) and a rejected reload's errors.
    public let configuration: RunningConfiguration
    let version: String
    let startedAt = Timestamp.now()
    let started = ContinuousClock.now

    /// - Parameters:
    ///   - configHash: identifies the configuration in force (file and maps).
    ///   - version: chemgate's version.
    public init(site: SiteConfig, service: PollingService, configHash: String, version: String) {
        self.service = service
        self.configuration = RunningConfiguration(hash: configHash)
        self.version = version
    }

    /// The site being polled (the latest one a reload applied).
    var site: SiteConfig { service.site }

    public func setMaintenance(_ on: Bool, device: String) async -> Bool {
        guard site.devices.contains(where: { $0.id == device }) else { return false }
        await service.processor.setMaintenance(on, device: device)
        return true
    }

    public func switchMaintenance(_ on: Bool, device: String, operatorName: String?, client: String?) async -> Bool {
        guard site.devices.contains(where: { $0.id == device }) else { return false }
        return await service.processor.switchMaintenance(on, device: device, operatorName: operatorName, client: client)
    }

    public func snapshot() async -> HealthSnapshot { await snapshot(points: .all) }

    /// The snapshot with the latest readings of the points `selection` selects: the heartbeat needs
    /// the devices' states, not a copy of 10,000 readings written out as text.
    public func snapshot(points selection: PointSelection) async -> HealthSnapshot {
        let site = self.site
        let running = configuration.current
        let statistics = service.statistics
        let deviceStatistics = statistics.devices
        let linkStatistics = statistics.links
        let processor = service.processor
        var problems: [String] = []

        let links = site.links.map { config -> HealthSnapshot.Link in
            let counters = service.links[config.id]?.currentStatistics ?? LinkStatistics()
            let up = linkStatistics[config.id]?.up
            // A link that never connected (a DTU that has not registered, a server that refuses) is
            // down, not idle: idle is only a link that has not been asked anything yet.
            let state = up == false ? "down" : (counters.transactions == 0 ? "idle" : "up")
            let reason = state == "down" ? linkStatistics[config.id]?.downReason : nil
            if state == "down" { problems.append("link \(config.id) is down" + (reason.map { ": \($0)" } ?? "")) }
            var link = HealthSnapshot.Link(
                id: config.id,
                endpoint: config.endpoint.description,
                state: state,
                reconnects: counters.reconnects,
                transactions: counters.transactions,
                failures: counters.failures,
                rttP50Ms: counters.roundTripPercentile(0.5).map { $0 / .milliseconds(1) },
                rttP99Ms: counters.roundTripPercentile(0.99).map { $0 / .milliseconds(1) },
                errors: counters.errors
            )
            link.reason = reason
            link.dtu = service.links[config.id]?.dtuStatus.map { Self.dtu($0, config: config) }
            return link
        }

        var devices: [HealthSnapshot.Device] = []
        for device in site.devices where device.enabled {
            let counters = deviceStatistics[device.id]
            let maintenance = await processor.isInMaintenance(device.id)
            let state: String
            if maintenance {
                state = "maintenance"
            } else if counters?.demoted == true {
                state = "demoted"
                problems.append("device \(device.id) is demoted (not answering)")
            } else if let counters, counters.polls > 0 {
                state = counters.lastAnswer == nil ? "failing" : "ok"
                if state == "failing" { problems.append("device \(device.id) has not answered") }
            } else {
                state = "unknown"
            }
            let lastGood = counters?.lastAnswer.map { instant -> String in
                let age = ContinuousClock.now - instant
                return Timestamp(milliseconds: Timestamp.now().milliseconds - Int64(age / .milliseconds(1))).description
            }
            var entry = HealthSnapshot.Device(
                id: device.id,
                name: device.name,
                location: device.location,
                link: device.link,
                unit: Int(device.unit),
                state: state,
                lastGoodRead: lastGood,
                polls: counters?.polls ?? 0,
                answered: counters?.answered ?? 0,
                successRatio: counters.flatMap { $0.polls > 0 ? Double($0.answered) / Double($0.polls) : nil }
            )
            if let lessons = counters?.lessons, !lessons.isEmpty { entry.learned = lessons.map(\.snapshot) }
            devices.append(entry)
        }

        let scanClasses = statistics.scanClasses.sorted { $0.key < $1.key }.map {
            key,
            value -> HealthSnapshot.ScanClass in
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            return HealthSnapshot.ScanClass(
                link: parts[0],
                name: parts.count > 1 ? parts[1] : "",
                configuredPeriodMs: value.period / .milliseconds(1),
                achievedPeriodMs: value.achievedPeriod.map { $0 / .milliseconds(1) },
                cycles: value.cycles,
                overruns: value.overruns,
                lastCycleMs: value.lastCycle / .milliseconds(1)
            )
        }

        let points = selection == .none ? [] : await Self.points(processor.latestNamed(selection))
        let clock = HealthSnapshot.Clock.current()
        var warnings: [String] = []
        if clock.synchronized == false {
            warnings.append("the system clock is not synchronised (NTP): reading times may be wrong")
        }
        let sinkFailures = statistics.sinkFailures
        if statistics.sinkFailing {
            problems.append(
                "the log is refusing readings (\(sinkFailures) failed attempts so far): they wait in memory and are retried"
            )
        }
        if let rejected = running.rejected { problems.append(rejected) }
        warnings += running.restartNeeded
        let uptime = Int((ContinuousClock.now - started) / .seconds(1))
        var snapshot = HealthSnapshot(
            gateway: HealthSnapshot.Gateway(
                id: site.gateway.id,
                enterprise: site.gateway.enterprise,
                name: site.gateway.name,
                version: version,
                configHash: running.hash,
                startedAt: startedAt.description,
                uptimeSeconds: uptime
            ),
            clock: clock,
            healthy: problems.isEmpty,
            problems: problems,
            warnings: warnings,
            links: links,
            devices: devices,
            scanClasses: scanClasses,
            points: points,
            alarms: await processor.activeAlarms(),
            outbox: nil,
            sinkFailures: sinkFailures,
            sinkFailing: statistics.sinkFailing
        )
        snapshot.gateway.configLoadedAt = running.loadedAt.description
        snapshot.gateway.configRejected = running.rejected
        return snapshot
    }

    /// The status's view of each point's latest reading.
    static func points(_ latest: [(reading: Reading, name: String?)]) -> [HealthSnapshot.Point] {
        latest.map { reading, name in
            HealthSnapshot.Point(
                device: reading.device,
                point: reading.point,
                name: name,
                indicator: reading.indicator,
                value: reading.value,
                unit: reading.unit,
                quality: reading.quality.level.rawValue,
                reason: reading.quality.reason?.description,
                ts: reading.timestamp.description,
                raw: reading.raw,
                staleSince: reading.staleSince?.description
            )
        }
    }

    /// The DTU part of a link's health.
    static func dtu(_ status: DTULinkStatus, config: LinkConfig) -> HealthSnapshot.DTU {
        HealthSnapshot.DTU(
            registration: config.dtu?.registrationID ?? "",
            connected: status.connected,
            remoteAddress: status.remoteAddress,
            connectedSince: status.connectedSince.map(Self.wallClock),
            lastHeartbeat: status.lastHeartbeat.map(Self.wallClock),
            heartbeats: status.heartbeats,
            registrations: status.registrations
        )
    }

    /// A moment of the monotonic clock as wall-clock time.
    static func wallClock(_ instant: ContinuousClock.Instant) -> String {
        let age = ContinuousClock.now - instant
        return Timestamp(milliseconds: Timestamp.now().milliseconds - Int64(age / .milliseconds(1))).description
    }
}

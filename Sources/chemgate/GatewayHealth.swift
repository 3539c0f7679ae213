import GatewayCore
import Outbox
import Polling
import Uplink

/// The status endpoint's view of the whole gateway: the poller's state, plus the durable log and
/// each uplink when `chemgate run` writes the log.
struct GatewayHealth: HealthReporting {
    let polling: PollingHealth
    let log: DurableLog?
    let forwarders: [any UplinkReporting]
    let recent = RecentSuccess()
    /// Reloads the site file (`POST /reload`); nil when the gateway cannot reload.
    var reloader: (any ConfigurationReloading)? = nil

    func reloadConfiguration(trigger: String) async -> ReloadOutcome? {
        await reloader?.reload(trigger: trigger)
    }

    func setMaintenance(_ on: Bool, device: String) async -> Bool {
        await polling.setMaintenance(on, device: device)
    }

    func requestCatalogue(uplink: String) async -> CatalogueRequestResult {
        guard let forwarder = forwarders.first(where: { $0.uplinkID == uplink }) else { return .noSuchUplink }
        let profile =
            (forwarder as? UplinkForwarder)?.settings.profile ?? (forwarder as? MQTTForwarder)?.settings.profile
        guard let channel = profile, channel.hasCatalogue else {
            return .noCatalogue
        }
        channel.requestCatalogue()
        return .requested
    }

    func switchMaintenance(_ on: Bool, device: String, operatorName: String?, client: String?) async -> Bool {
        await polling.switchMaintenance(on, device: device, operatorName: operatorName, client: client)
    }

    func snapshot() async -> HealthSnapshot { await snapshot(points: .all) }

    func snapshot(points: PointSelection) async -> HealthSnapshot {
        var snapshot = await polling.snapshot(points: points)
        recent.annotate(&snapshot.devices)
        guard let log else { return snapshot }
        let now = Timestamp.now()
        func age(_ timestamp: Timestamp?) -> Double? {
            timestamp.map { Double(now.milliseconds - $0.milliseconds) / 1000 }
        }
        var depth = 0
        var oldest: Timestamp?
        var deadLetterTotal = 0
        for forwarder in forwarders {
            let id = forwarder.uplinkID
            let pending = (try? await log.pending(for: id)) ?? (records: 0, oldestUnacknowledged: nil)
            let deadLetters = (try? await log.deadLetters(destination: id).reduce(0) { $0 + $1.sequences.count }) ?? 0
            let values = forwarder.statistics.values
            depth = max(depth, pending.records)
            if let candidate = pending.oldestUnacknowledged, oldest.map({ candidate < $0 }) ?? true {
                oldest = candidate
            }
            deadLetterTotal += deadLetters
            // "sending": records wait and no answer has come yet (the first request may take up to the timeout).
            let state =
                values.lastError != nil
                ? "retrying"
                : values.lastAcknowledgement != nil ? "ok" : pending.records > 0 ? "sending" : "idle"
            let backlogProblem = forwarder.backlogProblem(
                records: pending.records,
                oldest: pending.oldestUnacknowledged,
                now: now
            )
            if let problem = backlogProblem { snapshot.problems.append(problem) }
            if let error = values.lastError, pending.records > 0 {
                snapshot.problems.append(
                    "uplink \(id) is not delivering (\(pending.records) records waiting): \(Redaction.userinfo(in: error))"
                )
            }
            if deadLetters > 0 {
                snapshot.warnings.append("uplink \(id): \(deadLetters) records in the dead-letter table")
            }
            var uplink = HealthSnapshot.Uplink(
                id: id,
                url: forwarder.displayURL,
                state: state,
                lastAcknowledgement: values.lastAcknowledgement?.description,
                lag: pending.records,
                oldestUnacknowledgedAgeSeconds: age(pending.oldestUnacknowledged),
                lastError: values.lastError,
                acknowledged: values.acknowledged,
                deadLetters: deadLetters
            )
            uplink.backlogTrend = values.backlogTrend
            uplink.backlogGrowingSeconds = values.backlogGrowingSeconds
            uplink.backlogProblem = backlogProblem
            snapshot.uplinks.append(uplink)
        }
        snapshot.outbox = HealthSnapshot.Outbox(
            depth: depth,
            bytes: (try? await log.bytesOnDisk) ?? 0,
            oldestUnacknowledgedAgeSeconds: age(oldest),
            drops: (try? await log.dropCounts()) ?? [:],
            deadLetters: deadLetterTotal
        )
        snapshot.recentEvents = (try? await log.recentEvents(limit: 50))?.map(HealthSnapshot.Event.init)
        snapshot.outbox?.fileProblem = log.fileProblem
        snapshot.outbox?.diskProblem = log.diskProblem
        if let problem = log.fileProblem { snapshot.problems.append(problem) }
        if let problem = log.diskProblem { snapshot.problems.append(problem) }
        snapshot.healthy = snapshot.problems.isEmpty
        return snapshot
    }
}

extension SiteVerdict {
    /// The three truths of a snapshot. Pure: the same snapshot always gives the same verdict.
    public init(snapshot: HealthSnapshot, rules: Rules = .standard) {
        var problems: [Problem] = []
        let polled = snapshot.devices.filter { $0.state != "unknown" }
        let silentDevices = Set(snapshot.devices.filter { $0.state == "demoted" || $0.state == "failing" }.map(\.id))

        // Truth 1: monitoring. A line where no device answers is one problem, not one per device.
        var silentLines: Set<String> = []
        for link in snapshot.links {
            let onLine = snapshot.devices.filter { $0.link == link.id && $0.state != "maintenance" }
            let silent = onLine.filter { silentDevices.contains($0.id) }
            if onLine.count >= rules.silentLineMinimumDevices, silent.count == onLine.count {
                silentLines.insert(link.id)
                let lastAnswers = onLine.compactMap(\.lastGoodRead).sorted()
                problems.append(
                    Problem(
                        .lineSilent,
                        subject: link.id,
                        since: lastAnswers.last,
                        count: onLine.count,
                        kind: link.endpoint.hasPrefix("rtu:") ? "rtu" : "tcp"
                    )
                )
            } else if link.state == "down" {
                problems.append(Problem(.linkDown, subject: link.id))
            }
        }
        for device in snapshot.devices where silentDevices.contains(device.id) && !silentLines.contains(device.link) {
            problems.append(Problem(.deviceNotAnswering, subject: device.id, since: device.lastGoodRead))
        }
        if snapshot.sinkFailing { problems.append(Problem(.logRefusing, count: snapshot.sinkFailures)) }
        for uplink in snapshot.uplinks {
            let erring = uplink.state == "retrying" && uplink.lag > 0
            let old = (uplink.oldestUnacknowledgedAgeSeconds ?? 0) > rules.uplinkStuckAfterSeconds
            // backlogProblem: the uplink's own thresholds (backlog_max_age, backlog_max_growth).
            if erring || (old && uplink.lag > 0) || uplink.backlogProblem != nil {
                problems.append(
                    Problem(.uplinkStuck, subject: uplink.id, since: uplink.lastAcknowledgement, count: uplink.lag)
                )
            }
            if uplink.deadLetters > 0 {
                problems.append(
                    Problem(.deadLetters, subject: uplink.id, count: uplink.deadLetters, breaksMonitoring: false)
                )
            }
        }
        if snapshot.clock.synchronized == false { problems.append(Problem(.clockUnsynchronised)) }
        if let text = snapshot.outbox?.fileProblem { problems.append(Problem(.logReplaced, text: text)) }
        if let text = snapshot.outbox?.diskProblem { problems.append(Problem(.diskLow, text: text)) }
        if let text = snapshot.gateway.configRejected {
            problems.append(Problem(.configRejected, text: text, breaksMonitoring: false))
        }
        let structured = [snapshot.outbox?.fileProblem, snapshot.outbox?.diskProblem, snapshot.gateway.configRejected]
            .compactMap { $0 }
        for text in snapshot.problems where !Self.derivedProblem(text) && !structured.contains(text) {
            problems.append(Problem(.other, text: text))
        }

        let answering = polled.filter { !silentDevices.contains($0.id) }
        let breaking = problems.contains { $0.breaksMonitoring }
        let monitoring: Monitoring =
            if snapshot.sinkFailing || (!polled.isEmpty && answering.isEmpty) {
                .lost
            } else if breaking {
                .degraded
            } else if polled.isEmpty && !snapshot.devices.isEmpty {
                .starting
            } else {
                .intact
            }

        // Truth 2: alarms, by severity.
        let severities = snapshot.alarms.map { Self.severity(ofLevel: $0.level) }
        let level2 = severities.filter { $0 == 2 }.count
        let level1 = severities.filter { $0 == 1 }.count

        // Truth 3: detectors not protecting, with their worst reason.
        var reasons: [String: Exclusion] = [:]
        func exclude(_ device: String, _ reason: Exclusion) {
            reasons[device] = min(reasons[device] ?? reason, reason)
        }
        for device in snapshot.devices {
            if silentDevices.contains(device.id) { exclude(device.id, .notAnswering) }
            if device.state == "maintenance" { exclude(device.id, .maintenance) }
        }
        for alarm in snapshot.alarms where alarm.level == "device_fault" { exclude(alarm.device, .fault) }
        for point in snapshot.points where !silentDevices.contains(point.device) {
            switch point.reason {
            case "sensor_fault", "frozen": exclude(point.device, .fault)
            case "inhibited": exclude(point.device, .calibration)
            case "maintenance": exclude(point.device, .maintenance)
            case "warmup": exclude(point.device, .warmup)
            default: break
            }
        }
        let notProtecting = reasons.map { Excluded(device: $0.key, reason: $0.value) }
            .sorted { ($0.reason, $0.device) < ($1.reason, $1.device) }

        self.init(
            monitoring: monitoring,
            alarmsLevel2: level2,
            alarmsLevel1: level1,
            notProtecting: notProtecting,
            problems: problems.filter(\.breaksMonitoring) + problems.filter { !$0.breaksMonitoring },
            badge: Self.badge(
                monitoring: monitoring,
                alarmsLevel2: level2,
                alarmsLevel1: level1,
                notProtecting: notProtecting
            )
        )
    }

    /// Whether one of the gateway's problem texts is one the rules derive themselves from the
    /// snapshot's fields (a link, a device, an uplink, the log refusing).
    static func derivedProblem(_ text: String) -> Bool {
        ["link ", "device ", "uplink ", "the log is refusing"].contains { text.hasPrefix($0) }
    }
}

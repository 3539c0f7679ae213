import GatewayCore
import StatusServer

/// The one line SIGUSR1 logs: what `chemgate status` shows, in brief.
enum StatusSummary {
    /// The line for the gateway `reporter` reports on. It names no point, only the verdict, which
    /// reads of the points only those whose quality gives a reason: so only those are read.
    static func line(from reporter: some HealthReporting) async -> String {
        line(await reporter.snapshot(points: .withReason))
    }

    static func line(_ snapshot: HealthSnapshot) -> String {
        let snapshot = snapshot.redactingCredentials()
        let verdict = snapshot.verdict ?? SiteVerdict(snapshot: snapshot)
        let linksUp = snapshot.links.filter { $0.state == "up" }.count
        let devicesOK = snapshot.devices.filter { $0.state == "ok" }.count
        var parts = [
            StatusText.text("badge.\(verdict.badge.rawValue)", .english),
            "monitoring \(verdict.monitoring.rawValue)",
            "alarms level 2 \(verdict.alarmsLevel2), level 1 \(verdict.alarmsLevel1)",
            "not protecting \(verdict.notProtecting.count)",
            "up \(snapshot.gateway.uptimeSeconds) s",
            "links up \(linksUp)/\(snapshot.links.count)",
            "devices ok \(devicesOK)/\(snapshot.devices.count)",
        ]
        if let outbox = snapshot.outbox {
            parts.append("log waiting \(outbox.depth), dead letters \(outbox.deadLetters)")
        }
        for uplink in snapshot.uplinks {
            parts.append("uplink \(uplink.id) \(uplink.state) (\(uplink.lag) waiting)")
        }
        if snapshot.sinkFailing { parts.append("the log is refusing readings") }
        if !verdict.problems.isEmpty {
            parts.append(
                "problems: " + verdict.problems.map { StatusText.sentence($0, .english) }.joined(separator: "; ")
            )
        }
        return parts.joined(separator: ", ")
    }
}

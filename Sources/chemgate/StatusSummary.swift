import GatewayCore
import StatusServer

/// The one line SIGUSR1 logs: what `chemgate status` shows, in brief.
enum StatusSummary {
    static func line(_ snapshot: HealthSnapshot) -> String {
        let snapshot = snapshot.redactingCredentials()
        let linksUp = snapshot.links.filter { $0.state == "up" }.count
        let devicesOK = snapshot.devices.filter { $0.state == "ok" }.count
        var parts = [
            snapshot.healthy ? "healthy" : "UNHEALTHY",
            "up \(snapshot.gateway.uptimeSeconds) s",
            "links up \(linksUp)/\(snapshot.links.count)",
            "devices ok \(devicesOK)/\(snapshot.devices.count)",
            "alarms \(snapshot.alarms.count)",
        ]
        if let outbox = snapshot.outbox {
            parts.append("log waiting \(outbox.depth), dead letters \(outbox.deadLetters)")
        }
        for uplink in snapshot.uplinks {
            parts.append("uplink \(uplink.id) \(uplink.state) (\(uplink.lag) waiting)")
        }
        if snapshot.sinkFailing { parts.append("the log is refusing readings") }
        if !snapshot.problems.isEmpty { parts.append("problems: " + snapshot.problems.joined(separator: "; ")) }
        return parts.joined(separator: ", ")
    }
}

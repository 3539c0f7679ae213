import Foundation
import GatewayCore
import StatusServer

/// What `chemgate status` prints for one gateway: the three truths first, then what is wrong, then
/// short tables. Without credentials, whatever the gateway sent.
struct StatusReport {
    let snapshot: HealthSnapshot
    let verdict: SiteVerdict

    init(snapshot: HealthSnapshot) {
        let redacted = snapshot.redactingCredentials()
        self.snapshot = redacted
        self.verdict = redacted.verdict ?? SiteVerdict(snapshot: redacted)
    }

    private func s(_ key: String) -> String { StatusText.text(key, .english) }

    var text: String {
        let gateway = snapshot.gateway
        let exit = StatusExit(verdict)
        var lines = [
            "\(gateway.id) (\(gateway.name ?? gateway.enterprise)): \(exit.word) \(s("badge.\(verdict.badge.rawValue)")), chemgate \(gateway.version), up \(gateway.uptimeSeconds) s",
            "  monitoring: \(s("monitoring.\(verdict.monitoring.rawValue)"))",
            "  alarms: level 2 \(verdict.alarmsLevel2), level 1 \(verdict.alarmsLevel1)",
            "  not protecting: "
                + (verdict.notProtecting.isEmpty
                    ? "none"
                    : verdict.notProtecting.map { "\($0.device) (\(s("exclusion.\($0.reason.rawValue)")))" }
                        .joined(separator: ", ")),
        ]
        lines += verdict.problems.map {
            ($0.breaksMonitoring ? "problem: " : "warning: ") + StatusText.sentence($0, .english)
        }
        if !snapshot.alarms.isEmpty {
            lines += ["", "alarms:"]
            lines += TextTable.render(
                [["device", "point", "level", "value", "limit", "since"]]
                    + snapshot.alarms.sorted {
                        (SiteVerdict.severity(ofLevel: $1.level), $0.since)
                            < (SiteVerdict.severity(ofLevel: $0.level), $1.since)
                    }.map { alarm in
                        [
                            alarm.device, alarm.point, alarm.level,
                            (alarm.value.map { "\($0)" } ?? "-") + " " + (alarm.unit ?? ""),
                            alarm.limit.map { "\($0)" } ?? "-", alarm.since,
                        ]
                    }
            )
        }
        lines += ["", "links:"]
        lines += TextTable.render(
            [["link", "state", "requests", "failures", "errors", "why down"]]
                + snapshot.links.map { link in
                    [
                        link.id, link.state, String(link.transactions), String(link.failures),
                        link.errors.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "),
                        link.state == "down" ? (link.reason ?? "") : "",
                    ]
                }
        )
        let dtuLinks = snapshot.links.compactMap { link in link.dtu.map { (link, $0) } }
        if !dtuLinks.isEmpty {
            lines += ["", "DTU links:"]
            lines += TextTable.render(
                [["link", "registration", "connected", "from", "since", "last heartbeat", "heartbeats"]]
                    + dtuLinks.map { link, dtu in
                        [
                            link.id, dtu.registration, dtu.connected ? "yes" : "no", dtu.remoteAddress ?? "-",
                            dtu.connectedSince ?? "-", dtu.lastHeartbeat ?? "-", String(dtu.heartbeats),
                        ]
                    }
            )
        }
        let unwell = snapshot.devices.filter { $0.state != "ok" }
        lines += ["", "devices: \(snapshot.devices.count - unwell.count)/\(snapshot.devices.count) answering"]
        if !unwell.isEmpty {
            lines += TextTable.render(
                [["device", "link", "unit", "state", "answered", "last good read"]]
                    + unwell.map { device in
                        [
                            device.id, device.link, String(device.unit), device.state,
                            "\(device.answered)/\(device.polls)", device.lastGoodRead ?? "-",
                        ]
                    }
            )
        }
        if let outbox = snapshot.outbox {
            lines += [
                "",
                "uplinks:",
                "  log: \(outbox.depth) waiting, oldest \(outbox.oldestUnacknowledgedAgeSeconds.map { String(format: "%.0f s", $0) } ?? "-"), dead letters \(outbox.deadLetters), dropped \(outbox.drops.values.reduce(0, +))",
            ]
            lines += TextTable.render(
                [["uplink", "state", "waiting", "acknowledged", "last acknowledgement", "last error"]]
                    + snapshot.uplinks.map { uplink in
                        [
                            uplink.id, uplink.state, String(uplink.lag), String(uplink.acknowledged),
                            uplink.lastAcknowledgement ?? "-", uplink.lastError ?? "",
                        ]
                    }
            )
        } else {
            lines += ["", "uplinks: none (readings go to standard output)"]
        }
        return lines.joined(separator: "\n")
    }
}

/// `chemgate status --json`.
enum StatusJSON {
    static func text(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func error(url: String, _ text: String) -> String {
        StatusJSON.text(["url": url, "error": text])
    }
}

/// `chemgate status --nagios`: `CHEMGATE CRITICAL - GW-1: LEVEL 2 ALARM … | alarms_level2=1;;;0 …`.
enum NagiosLine {
    static func line(name: String, snapshot: HealthSnapshot) -> String {
        let verdict = snapshot.verdict ?? SiteVerdict(snapshot: snapshot)
        let exit = StatusExit(verdict)
        var summary = "\(name): \(StatusText.text("badge.\(verdict.badge.rawValue)", .english))"
        summary += ", monitoring \(verdict.monitoring.rawValue)"
        if let first = verdict.problems.first { summary += "; \(StatusText.sentence(first, .english))" }
        return "CHEMGATE \(exit.word) - \(summary) | \(performance(snapshot, verdict))"
    }

    static func performance(_ snapshot: HealthSnapshot, _ verdict: SiteVerdict, prefix: String = "") -> String {
        let answering = snapshot.devices.filter { $0.state == "ok" }.count
        let values = [
            ("alarms_level2", "\(verdict.alarmsLevel2);;1;0"),
            ("alarms_level1", "\(verdict.alarmsLevel1);1;;0"),
            ("not_protecting", "\(verdict.notProtecting.count);1;;0"),
            ("devices_answering", "\(answering);;;0;\(snapshot.devices.count)"),
            ("backlog", "\(snapshot.outbox?.depth ?? 0);;;0"),
            ("monitoring_intact", verdict.monitoring == .intact ? "1;;;0;1" : "0;;;0;1"),
        ]
        return values.map { "'\(prefix)\($0.0)'=\($0.1)" }.joined(separator: " ")
    }
}

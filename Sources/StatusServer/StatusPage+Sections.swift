import Foundation
import GatewayCore

extension StatusPage {
    /// One row per detector in alarm (a gas event raises several levels at once), worst severity
    /// first, then the longest standing.
    var alarmsBlock: String {
        // Device faults are not gas alarms: they are listed with the detectors not protecting.
        let alarms = snapshot.alarms.filter { SiteVerdict.severity(ofLevel: $0.level) > 0 }
        guard !alarms.isEmpty else { return "<p class=\"ok\">\(l("no_alarm"))</p>" }
        let rows = AlarmRow.rows(alarms)
        let silent = Set(verdict.notProtecting.filter { $0.reason == .notAnswering }.map(\.device))
        return table(
            [l("device"), l("level"), l("value"), l("since")],
            rows.map { row in
                let levels = row.levels.map { s("level.\($0)") }.joined(separator: " · ")
                var value = row.value.map { number($0) + " " + id(row.unit) } ?? "-"
                if let limit = row.limit { value += " <small>(\(l("limit")) \(number(limit)))</small>" }
                if silent.contains(row.device) { value += "<br><strong>\(l("alarm_device_silent"))</strong>" }
                return ("sev-\(row.severity)", [deviceName(row.device), levels, value, time.both(row.since)])
            }
        )
    }

    var protectionBlock: String {
        guard !verdict.notProtecting.isEmpty else { return "<p class=\"ok\">\(l("all_protecting"))</p>" }
        return table(
            [l("device"), l("reason"), l("link")],
            verdict.notProtecting.map { excluded in
                let device = snapshot.devices.first { $0.id == excluded.device }
                return (
                    "ex-\(excluded.reason.rawValue)",
                    [deviceName(excluded.device), s("exclusion.\(excluded.reason.rawValue)"), id(device?.link)]
                )
            }
        )
    }

    var problemsBlock: String {
        guard !verdict.problems.isEmpty else { return "<p class=\"ok\">\(l("no_problem"))</p>" }
        return verdict.problems.map { problem in
            let style = problem.breaksMonitoring ? "problem" : "warning"
            let marked =
                problem.code == .other
                ? "<span class=\"id\" lang=\"en\">\(escape(problem.text ?? ""))</span>"
                : StatusText.sentence(problem, language, time: { time.both($0) }, subject: { subjectName($0) })
            return "<p class=\"\(style)\">⚠ \(marked)</p>"
        }.joined()
    }

    /// A problem's subject: a device by its name and id (`GD-106 储罐区 (gd-106)`), anything else by id.
    func subjectName(_ subject: String) -> String {
        guard let name = snapshot.devices.first(where: { $0.id == subject })?.name, name != subject else {
            return id(subject)
        }
        return "\(id(name)) (\(id(subject)))"
    }

    var linksBlock: String {
        let silent = Set(verdict.problems.filter { $0.code == .lineSilent }.compactMap(\.subject))
        return table(
            [l("link"), l("state"), l("requests_failures"), l("round_trip"), l("errors"), l("endpoint")],
            snapshot.links.map { link in
                let state = silent.contains(link.id) ? "silent" : link.state
                let errors = link.errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                    .joined(separator: ", ")
                return (
                    state == "up" || state == "idle" ? "ok" : "bad",
                    [
                        id(link.id), s("link_state.\(state)"), "\(link.transactions) / \(link.failures)",
                        "\(number(link.rttP50Ms)) / \(number(link.rttP99Ms)) \(l("ms"))", id(errors),
                        id(link.endpoint) + dtuText(link.dtu),
                    ]
                )
            },
            optional: [3, 4, 5]
        )
    }

    /// A DTU link's connection, after its endpoint: from where, since when, last heartbeat.
    func dtuText(_ dtu: HealthSnapshot.DTU?) -> String {
        guard let dtu else { return "" }
        guard dtu.connected else { return "<br><small>\(l("dtu_not_connected"))</small>" }
        return "<br><small>\(l("dtu_connected")) \(id(dtu.remoteAddress ?? "?")) · \(l("since")) "
            + "\(time.both(dtu.connectedSince)) · \(l("last_heartbeat")) \(time.both(dtu.lastHeartbeat))</small>"
    }

    var uplinksBlock: String {
        let stuck = Set(verdict.problems.filter { $0.code == .uplinkStuck }.compactMap(\.subject))
        var html = "<p>\(l("no_log"))</p>"
        if let outbox = snapshot.outbox {
            let dropped = outbox.drops.values.reduce(0, +)
            html = "<p>\(l("log")): \(l("waiting")) \(outbox.depth) · \(outbox.bytes / 1024) KiB · "
            html += "\(l("oldest_waiting")) \(ageText(outbox.oldestUnacknowledgedAgeSeconds)) · "
            html += "\(l("dropped")) \(dropped) · \(l("dead_letters")) \(outbox.deadLetters)</p>"
        }
        guard !snapshot.uplinks.isEmpty else { return html }
        html += table(
            [l("uplink"), l("state"), l("waiting"), l("oldest_waiting"), l("last_ack"), l("last_error")],
            snapshot.uplinks.map { uplink in
                (
                    stuck.contains(uplink.id) ? "bad" : uplink.state == "ok" ? "ok" : "warn",
                    [
                        id(uplink.id) + "<br>" + id(uplink.url), s("uplink_state.\(uplink.state)"),
                        String(uplink.lag), ageText(uplink.oldestUnacknowledgedAgeSeconds),
                        time.both(uplink.lastAcknowledgement), id(uplink.lastError),
                    ]
                )
            },
            optional: [5]
        )
        return html
    }

    var devicesBlock: String {
        let reasons = Dictionary(verdict.notProtecting.map { ($0.device, $0.reason) }, uniquingKeysWith: { a, _ in a })
        return table(
            [l("device"), l("state"), l("last_answer"), l("success"), l("link_unit")],
            snapshot.devices.map { device in
                var state = s("device_state.\(device.state)")
                var style = device.state
                if let reason = reasons[device.id], reason != .notAnswering, reason != .maintenance {
                    state = s("exclusion.\(reason.rawValue)")
                    style = "ex-\(reason.rawValue)"
                }
                // What the device taught at run time (a read-size limit, refused addresses): the map to fix.
                for lesson in device.learned ?? [] {
                    state += "<br><small class=\"id\" lang=\"en\">\(escape(lesson.hint))</small>"
                }
                return (
                    style,
                    [
                        deviceName(device.id), state, time.both(device.lastGoodRead),
                        (device.recentSuccessRatio ?? device.successRatio).map { String(format: "%.0f %%", $0 * 100) }
                            ?? "-",
                        id("\(device.link) #\(device.unit)"),
                    ]
                )
            },
            optional: [3, 4]
        )
    }

    /// The last events of the log, newest first; the gateway's own words only on the English page.
    var eventsBlock: String {
        guard let events = snapshot.recentEvents, !events.isEmpty else { return "<p>\(l("no_events"))</p>" }
        return table(
            [l("time"), l("event"), l("device"), l("level"), l("value")],
            events.map { event in
                var what = s("event.\(event.kind)")
                if language == .english { what += "<br><small>\(escape(event.reason))</small>" }
                let subject = event.device.map(deviceName) ?? id(event.link)
                let severity = event.level.map { SiteVerdict.severity(ofLevel: $0) } ?? 0
                let style = event.kind == "alarm_raised" ? "sev-\(severity)" : "ok"
                return (
                    style,
                    [
                        time.both(event.ts), what, subject, event.level.map { s("level.\($0)") } ?? "",
                        event.value.map { number($0) + " " + id(event.unit) } ?? "",
                    ]
                )
            },
            optional: [4]
        )
    }

    /// Points collapsed per device: a line with the worst quality; the values inside.
    var pointsBlock: String {
        var order: [String] = []
        var byDevice: [String: [HealthSnapshot.Point]] = [:]
        for point in snapshot.points {
            if byDevice[point.device] == nil { order.append(point.device) }
            byDevice[point.device, default: []].append(point)
        }
        return order.map { device in
            let points = byDevice[device] ?? []
            let worst = points.map { Quality.Level(rawValue: $0.quality) ?? .bad }.max() ?? .good
            let rows = table(
                [l("point"), l("value"), l("quality"), l("time")],
                points.map { point in
                    var quality = s("quality.\(point.quality)")
                    if let reason = point.reason { quality += " (\(StatusText.reason(reason, language)))" }
                    return (
                        point.quality,
                        [
                            (point.name.map { id($0) + " " } ?? "") + id(point.point), value(point),
                            quality, time.both(point.ts),
                        ]
                    )
                },
                optional: [3]
            )
            return
                "<details><summary class=\"q-\(worst.rawValue)\">\(deviceName(device).replacingOccurrences(of: "<br>", with: " · ")) "
                + "— \(points.count) · \(s("quality.\(worst.rawValue)"))</summary>\(rows)</details>"
        }.joined()
    }

    var scanBlock: String {
        table(
            [l("link"), l("scan_class"), l("period"), l("achieved"), l("overruns")],
            snapshot.scanClasses.map { scan in
                (
                    scan.overruns > 0 ? "warn" : "ok",
                    [
                        id(scan.link), id(scan.name), "\(number(scan.configuredPeriodMs)) \(l("ms"))",
                        "\(number(scan.achievedPeriodMs)) \(l("ms"))", String(scan.overruns),
                    ]
                )
            }
        )
    }

    /// A value as an operator reads it: none for a bad reading (never a sentinel such as 3276.7), with
    /// its raw registers when they were read (`— (0x7FFF)`); on/off for a flag.
    func value(_ point: HealthSnapshot.Point) -> String {
        guard point.quality != Quality.Level.bad.rawValue else {
            return "—" + (point.raw.map { " (\(id($0)))" } ?? "")
        }
        switch point.value {
        case .number(let value)?: return number(value) + " " + id(point.unit)
        case .integer(let integer)?: return String(integer) + " " + id(point.unit)
        case .bool(let flag)?: return flag ? l("on") : l("off")
        case .text(let text)?: return escape(text)
        case nil: return "-"
        }
    }

    func ageText(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        return time.ago(Timestamp(milliseconds: time.now.milliseconds - Int64(seconds * 1000)))
    }
}

/// The alarms of one point of one device, merged into one row.
struct AlarmRow {
    var device: String
    var point: String
    var severity: Int
    var levels: [String]
    var value: Double?
    var limit: Double?
    var unit: String?
    var since: String

    /// One row per device: a gas event raises its level 1, level 2 and the device's own flags at once.
    static func rows(_ alarms: [HealthSnapshot.Alarm]) -> [AlarmRow] {
        var rows: [String: AlarmRow] = [:]
        for alarm in alarms {
            let severity = SiteVerdict.severity(ofLevel: alarm.level)
            var row =
                rows[alarm.device]
                ?? AlarmRow(
                    device: alarm.device,
                    point: alarm.point,
                    severity: severity,
                    levels: [],
                    since: alarm.since
                )
            row.levels.append(alarm.level)
            if severity > row.severity { row.severity = severity }
            if alarm.value != nil, row.value == nil || severity >= row.severity {
                (row.value, row.limit, row.unit, row.point) = (alarm.value, alarm.limit, alarm.unit, alarm.point)
            }
            row.since = min(row.since, alarm.since)
            rows[alarm.device] = row
        }
        for key in rows.keys {
            rows[key]?.levels.sort { SiteVerdict.severity(ofLevel: $0) > SiteVerdict.severity(ofLevel: $1) }
        }
        return rows.values.sorted { ($1.severity, $0.since, $0.device) < ($0.severity, $1.since, $1.device) }
    }
}

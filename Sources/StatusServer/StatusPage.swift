import Foundation
import GatewayCore
import Hummingbird

/// The status page: one self-contained HTML page (no scripts, no CDN), refreshed every 5 s, with
/// active alarms on top, devices coloured by state, point values with quality, links and scan classes.
struct StatusPage {
    enum Language {
        case chinese, english

        /// `?lang=zh|en`, else the first of Accept-Language that is Chinese or English; English by default.
        init(request: Request) {
            if let lang = request.uri.queryParameters.get("lang") {
                self = lang.lowercased().hasPrefix("zh") ? .chinese : .english
                return
            }
            let accepted = request.headers[.acceptLanguage]?.lowercased() ?? ""
            let zh = accepted.range(of: "zh")?.lowerBound
            let en = accepted.range(of: "en")?.lowerBound
            switch (zh, en) {
            case (let zh?, let en?): self = zh < en ? .chinese : .english
            case (.some, nil): self = .chinese
            default: self = .english
            }
        }
    }

    let snapshot: HealthSnapshot
    let language: Language

    private func t(_ english: String, _ chinese: String) -> String { language == .chinese ? chinese : english }

    var html: String {
        let gateway = snapshot.gateway
        let health = snapshot.healthy ? t("healthy", "正常") : t("attention", "需处理")
        var body = """
            <header><h1>chemgate · \(escape(gateway.name ?? gateway.id))</h1>
            <p><span class="badge \(snapshot.healthy ? "badge-ok" : "badge-bad")">\(health)</span>
            \(t("gateway", "网关")) \(escape(gateway.id)) · \(t("enterprise", "企业编码")) \(escape(gateway.enterprise)) ·
            \(t("version", "版本")) \(escape(gateway.version)) · \(t("config", "配置")) \(escape(gateway.configHash)) ·
            \(t("uptime", "运行")) \(uptime(gateway.uptimeSeconds)) · \(t("clock", "时钟")) \(clockText)</p>
            <p class="lang"><a href="?lang=zh\(tokenQuery)">中文</a> · <a href="?lang=en\(tokenQuery)">English</a></p></header>
            """
        for problem in snapshot.problems { body += "<p class=\"problem\">⚠ \(escape(problem))</p>" }
        for warning in snapshot.warnings { body += "<p class=\"warning\">\(escape(warning))</p>" }
        body += section(t("Active alarms", "当前报警"), alarmsTable)
        body += section(t("Devices", "设备"), devicesTable)
        body += section(t("Points", "测点"), pointsTable)
        body += section(t("Links", "通讯链路"), linksTable)
        body += section(t("Scan classes", "扫描周期"), scanTable)
        body += section(t("Outbox and uplinks", "缓存与上传"), outboxSection)
        return """
            <!DOCTYPE html>
            <html lang="\(language == .chinese ? "zh" : "en")"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="refresh" content="5">
            <title>chemgate \(escape(gateway.id))</title>
            <style>\(Self.style)</style></head><body>\(body)
            <footer>\(t("Refreshes every 5 s", "每 5 秒刷新")) · <a href="status">/status</a> · <a href="metrics">/metrics</a></footer>
            </body></html>
            """
    }

    private var tokenQuery: String { "" }

    private var clockText: String {
        switch snapshot.clock.synchronized {
        case true?: t("synchronised", "已同步") + (snapshot.clock.offsetMs.map { String(format: " (%.1f ms)", $0) } ?? "")
        case false?: "<span class=\"bad\">" + t("not synchronised", "未同步") + "</span>"
        case nil: t("unknown", "未知")
        }
    }

    private var alarmsTable: String {
        guard !snapshot.alarms.isEmpty else { return "<p class=\"ok\">\(t("No active alarm", "无报警"))</p>" }
        return table(
            [
                t("Device", "设备"), t("Point", "测点"), t("Indicator", "指标编码"), t("Level", "级别"), t("Value", "数值"),
                t("Limit", "限值"), t("Since", "开始时间"),
            ],
            snapshot.alarms.map { alarm in
                (
                    "alarm",
                    [
                        alarm.device, alarm.point, alarm.indicator ?? "", levelName(alarm.level),
                        number(alarm.value) + " " + (alarm.unit ?? ""), number(alarm.limit), alarm.since,
                    ]
                )
            }
        )
    }

    private var devicesTable: String {
        table(
            [
                t("Device", "设备"), t("Name", "名称"), t("Link", "链路"), t("Unit", "站号"), t("State", "状态"),
                t("Last good read", "最近成功"), t("Success", "成功率"),
            ],
            snapshot.devices.map { device in
                (
                    device.state,
                    [
                        device.id, device.name ?? "", device.link, String(device.unit), stateName(device.state),
                        device.lastGoodRead ?? "-",
                        device.successRatio.map { String(format: "%.0f %%", $0 * 100) } ?? "-",
                    ]
                )
            }
        )
    }

    private var pointsTable: String {
        table(
            [
                t("Device", "设备"), t("Point", "测点"), t("Name", "名称"), t("Value", "数值"), t("Unit", "单位"),
                t("Quality", "质量"), t("Time", "时间"),
            ],
            snapshot.points.map { point in
                let quality = point.quality + (point.reason.map { " (\($0))" } ?? "")
                return (
                    point.quality,
                    [
                        point.device, point.point, point.name ?? "", value(point.value), point.unit ?? "", quality,
                        point.ts,
                    ]
                )
            }
        )
    }

    private var linksTable: String {
        table(
            [
                t("Link", "链路"), t("Endpoint", "地址"), t("State", "状态"), t("Requests", "请求"), t("Failures", "失败"),
                "RTT p50/p99", t("Errors", "错误"),
            ],
            snapshot.links.map { link in
                let errors = link.errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
                    separator: ", "
                )
                return (
                    link.state == "down" ? "bad" : "ok",
                    [
                        link.id, link.endpoint + Self.dtuText(link.dtu), link.state, String(link.transactions),
                        String(link.failures), "\(number(link.rttP50Ms)) / \(number(link.rttP99Ms)) ms", errors,
                    ]
                )
            }
        )
    }

    /// A DTU link's connection, after its endpoint: from where, since when, last heartbeat.
    static func dtuText(_ dtu: HealthSnapshot.DTU?) -> String {
        guard let dtu else { return "" }
        guard dtu.connected else { return " (DTU not connected)" }
        return " (DTU from \(dtu.remoteAddress ?? "?") since \(dtu.connectedSince ?? "?"), last heartbeat "
            + "\(dtu.lastHeartbeat ?? "-"))"
    }

    private var scanTable: String {
        table(
            [
                t("Link", "链路"), t("Scan class", "扫描组"), t("Period", "设定周期"), t("Achieved", "实际周期"), t("Cycles", "周期数"),
                t("Overruns", "超时跳过"),
            ],
            snapshot.scanClasses.map { scan in
                (
                    scan.overruns > 0 ? "warn" : "ok",
                    [
                        scan.link, scan.name, number(scan.configuredPeriodMs) + " ms",
                        number(scan.achievedPeriodMs) + " ms",
                        String(scan.cycles), String(scan.overruns),
                    ]
                )
            }
        )
    }

    private var outboxSection: String {
        guard let outbox = snapshot.outbox else {
            return
                "<p>\(t("Readings go to standard output (run --output jsonl): no durable log.", "数据输出到标准输出(未启用本地缓存)"))</p>"
        }
        let drops = outbox.drops.filter { $0.value > 0 }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        var html = "<p>\(t("Waiting", "待上传")) \(outbox.depth) · \(t("on disk", "占用")) \(outbox.bytes / 1024) KiB · "
        html += "\(t("oldest unacknowledged", "最早未确认")) \(number(outbox.oldestUnacknowledgedAgeSeconds)) s · "
        html +=
            "\(t("dropped", "丢弃")) \(drops.isEmpty ? "0" : escape(drops)) · \(t("dead letters", "死信")) \(outbox.deadLetters)</p>"
        html += table(
            [
                t("Uplink", "上传通道"), "URL", t("State", "状态"), t("Waiting", "待上传"), t("Acknowledged", "已确认"),
                t("Last acknowledgement", "最近确认"), t("Last error", "最近错误"),
            ],
            snapshot.uplinks.map { uplink in
                (
                    uplink.state == "retrying" ? "bad" : "ok",
                    [
                        uplink.id, uplink.url, uplink.state, String(uplink.lag), String(uplink.acknowledged),
                        uplink.lastAcknowledgement ?? "-", uplink.lastError ?? "",
                    ]
                )
            }
        )
        return html
    }

    private func section(_ title: String, _ content: String) -> String {
        "<section><h2>\(title)</h2>\(content)</section>"
    }

    private func table(_ headers: [String], _ rows: [(String, [String])]) -> String {
        let head = headers.map { "<th>\($0)</th>" }.joined()
        let body = rows.map { style, cells in
            "<tr class=\"\(escape(style))\">" + cells.map { "<td>\(escape($0))</td>" }.joined() + "</tr>"
        }.joined()
        return "<table><thead><tr>\(head)</tr></thead><tbody>\(body)</tbody></table>"
    }

    private func stateName(_ state: String) -> String {
        switch state {
        case "ok": t("ok", "正常")
        case "demoted": t("demoted (not answering)", "降级(无应答)")
        case "maintenance": t("maintenance", "检修")
        case "failing": t("failing", "故障")
        default: t("unknown", "未知")
        }
    }

    private func levelName(_ level: String) -> String {
        switch level {
        case "level1": t("level 1", "一级报警")
        case "level2": t("level 2", "二级报警")
        case "device_alarm1": t("device alarm 1", "设备一级报警")
        case "device_alarm2": t("device alarm 2", "设备二级报警")
        case "device_fault": t("device fault", "设备故障")
        default: level
        }
    }

    private func uptime(_ seconds: Int) -> String {
        seconds >= 86400
            ? "\(seconds / 86400) d \(seconds % 86400 / 3600) h" : "\(seconds / 3600) h \(seconds % 3600 / 60) min"
    }

    private func value(_ value: Value?) -> String {
        switch value {
        case .number(let number)?: self.number(number)
        case .bool(let flag)?: flag ? "1" : "0"
        case .text(let text)?: text
        case nil: "-"
        }
    }

    private func number(_ number: Double?) -> String {
        guard let number else { return "-" }
        return number == number.rounded() && abs(number) < 1e12 ? String(Int64(number)) : String(format: "%.2f", number)
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static let style = """
        body{font:14px/1.4 system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:1em 2em;color:#222}
        h1{font-size:20px;margin:0}h2{font-size:16px;margin:1.2em 0 .4em}
        table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left}
        th{background:#f3f3f3}.badge{padding:2px 8px;border-radius:8px;color:#fff}.badge-ok{background:#2e7d32}
        .badge-bad{background:#c62828}.problem{color:#c62828;font-weight:bold}.warning{color:#a66400}
        tr.alarm td,tr.bad td{background:#fde0e0}tr.demoted td,tr.failing td{background:#fde0e0}
        tr.maintenance td,tr.uncertain td,tr.warn td{background:#fff4d6}tr.ok td,tr.good td{background:#fff}
        .ok{color:#2e7d32}.bad{color:#c62828}footer{margin-top:2em;color:#777}.lang{float:right;margin-top:-2.2em}
        """
}

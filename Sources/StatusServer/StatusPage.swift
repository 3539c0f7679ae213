import Foundation
import GatewayCore

/// The status page: one self-contained HTML page (no scripts, no CDN, works offline), refreshed every
/// 5 s. From the top: the badge and the three truths, active alarms by severity, detectors not
/// protecting, problems, links and uplinks, devices, then points collapsed per device.
/// Every word comes from ``StatusText``; what comes from the site file or the devices (ids, names,
/// locations, units, addresses) is marked `class="id"`.
struct StatusPage {
    let snapshot: HealthSnapshot
    let verdict: SiteVerdict
    let language: StatusLanguage
    let time: PageTime

    init(snapshot: HealthSnapshot, language: StatusLanguage, now: Timestamp, timeZone: TimeZone) {
        self.snapshot = snapshot
        self.verdict = snapshot.verdict ?? SiteVerdict(snapshot: snapshot)
        self.language = language
        self.time = PageTime(now: now, timeZone: timeZone, language: language)
    }

    func l(_ key: String) -> String { StatusText.text("ui.\(key)", language) }

    func s(_ key: String) -> String { StatusText.text(key, language) }

    var html: String {
        let gateway = snapshot.gateway
        let badge = s("badge.\(verdict.badge.rawValue)")
        var body = header
        body += section("alarms", l("active_alarms"), alarmsBlock)
        body += section("protection", l("not_protecting"), protectionBlock)
        body += section("problems", l("problems"), problemsBlock)
        body += section("links", l("links_uplinks"), linksBlock + uplinksBlock)
        body += section("devices", l("devices"), devicesBlock)
        if snapshot.recentEvents != nil { body += section("events", l("recent_events"), eventsBlock) }
        body += section("points", l("points"), pointsBlock)
        body += section("scan", l("scan_classes"), scanBlock)
        return """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="refresh" content="5">
            <title>\(escape(badge)) · \(escape(gateway.name ?? gateway.id))</title>
            <style>\(Self.style)</style></head><body>\(body)
            <footer>\(l("refreshes")) · <a class="id" href="\(link("status"))">/status</a> · \
            <a class="id" href="\(link("metrics"))">/metrics</a></footer>
            </body></html>
            """
    }

    /// A link: `status`, `?lang=zh`. Never the token: a page opened with `?token=` was exchanged
    /// for an `HttpOnly` cookie (``TokenMiddleware``), which every link then carries.
    func link(_ path: String, lang: StatusLanguage? = nil) -> String {
        escape(path + (lang.map { "?lang=\($0.rawValue)" } ?? ""))
    }

    private var header: String {
        let gateway = snapshot.gateway
        let badge = verdict.badge.rawValue
        let alarms =
            verdict.alarmsLevel2 + verdict.alarmsLevel1 == 0
            ? l("none")
            : "\(s("level.level2")) \(verdict.alarmsLevel2) · \(s("level.level1")) \(verdict.alarmsLevel1)"
        return """
            <header><nav class="lang"><a href="\(link("./", lang: .chinese))">中文</a> · \
            <a class="id" lang="en" href="\(link("./", lang: .english))">English</a></nav>
            <h1 class="id">\(escape(gateway.name ?? gateway.id))</h1>
            <p class="truths"><span id="badge" class="badge b-\(badge)">\(escape(s("badge.\(badge)")))</span>
            <span class="truth m-\(verdict.monitoring.rawValue)">\(l("monitoring")): \
            \(s("monitoring.\(verdict.monitoring.rawValue)"))</span>
            <span class="truth \(verdict.alarmsLevel2 > 0 ? "a-2" : verdict.alarmsLevel1 > 0 ? "a-1" : "a-0")">\
            \(l("alarms")): \(alarms)</span>
            <span class="truth \(verdict.notProtecting.isEmpty ? "p-0" : "p-1")">\(l("not_protecting")): \
            \(verdict.notProtecting.count)</span></p>
            <p class="asof">\(l("as_of")) \(time.local(time.now)) (\(id(time.timeZone.identifier))) · \
            \(l("gateway")) <span class="id">\(escape(gateway.id))</span> · \(l("version")) \
            <span class="id">\(escape(gateway.version))</span> · \(l("uptime")) \(uptime(gateway.uptimeSeconds)) · \
            \(l("clock")) \(clockText)</p></header>
            """
    }

    private var clockText: String {
        switch snapshot.clock.synchronized {
        case true?:
            l("clock_synced") + (snapshot.clock.offsetMs.map { String(format: " (%.1f \(l("ms")))", $0) } ?? "")
        case false?: "<span class=\"bad\">" + l("clock_unsynced") + "</span>"
        case nil: l("unknown")
        }
    }

    func deviceName(_ id: String) -> String {
        let device = snapshot.devices.first { $0.id == id }
        let name = device?.name.map { "<span class=\"id\">\(escape($0))</span> " } ?? ""
        let location = device?.location.map { "<br><small class=\"id\">\(escape($0))</small>" } ?? ""
        return "\(name)<span class=\"id\">\(escape(id))</span>\(location)"
    }

    func section(_ id: String, _ title: String, _ content: String) -> String {
        "<section id=\"\(id)\"><h2>\(title)</h2>\(content)</section>"
    }

    /// A table whose cells are already HTML. `optional` columns are hidden on a phone.
    func table(_ headers: [String], _ rows: [(String, [String])], optional: Set<Int> = []) -> String {
        func cell(_ tag: String, _ index: Int, _ content: String) -> String {
            "<\(tag)\(optional.contains(index) ? " class=\"opt\"" : "")>\(content)</\(tag)>"
        }
        let head = headers.enumerated().map { cell("th", $0.offset, $0.element) }.joined()
        let body = rows.map { style, cells in
            "<tr class=\"\(escape(style))\">" + cells.enumerated().map { cell("td", $0.offset, $0.element) }.joined()
                + "</tr>"
        }.joined()
        return "<table><thead><tr>\(head)</tr></thead><tbody>\(body)</tbody></table>"
    }

    func uptime(_ seconds: Int) -> String {
        seconds >= 86400
            ? "\(seconds / 86400) \(l("days")) \(seconds % 86400 / 3600) \(l("hours"))"
            : "\(seconds / 3600) \(l("hours")) \(seconds % 3600 / 60) \(l("minutes"))"
    }

    func number(_ number: Double?) -> String {
        guard let number else { return "-" }
        return number == number.rounded() && abs(number) < 1e12 ? String(Int64(number)) : String(format: "%.2f", number)
    }

    func id(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "" }
        return "<span class=\"id\">\(escape(text))</span>"
    }

    func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

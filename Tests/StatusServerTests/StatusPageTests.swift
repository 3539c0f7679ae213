import Foundation
import GatewayCore
import Hummingbird
import HummingbirdTesting
import StatusServer
import TestSupport
import Testing

/// The page, `/status` and `/metrics` on a bad day's snapshot, without a browser.
@Suite("Status page and verdict routes")
struct StatusPageTests {
    static func get(
        _ snapshot: HealthSnapshot,
        _ uri: String,
        token: String? = nil,
        headers: HTTPFields = [:]
    ) async throws -> String {
        let app = Application(
            router: StatusRoutes.router(
                reporter: FixedReporter(fixed: snapshot),
                registry: sharedRegistry,
                token: token,
                logger: quietLogger
            )
        )
        return try await app.test(.router) { client in
            try await client.execute(uri: uri, method: .get, headers: headers) { response in
                #expect(response.status == .ok)
                return String(buffer: response.body)
            }
        }
    }

    @Test func statusCarriesTheVerdict() async throws {
        let json = try await Self.get(SiteScenario.badDay().snapshot, "/status")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let snapshot = try decoder.decode(HealthSnapshot.self, from: Data(json.utf8))
        let verdict = try #require(snapshot.verdict)
        #expect(verdict.badge == .alarm2)
        #expect(verdict.monitoring == .degraded)
        #expect(verdict.alarmsLevel2 == 2)
        #expect(verdict.notProtecting.map(\.device) == ["gd-102", "gd-106", "gd-104"])
        #expect(json.contains(#""badge":"alarm_level2""#))
    }

    @Test func metricsCarryTheThreeTruths() async throws {
        let text = try await Self.get(SiteScenario.badDay().snapshot, "/metrics")
        #expect(text.contains("# HELP chemgate_monitoring_intact"))
        #expect(text.contains("chemgate_monitoring_intact 0"), "\(text)")
        #expect(text.contains(#"chemgate_monitoring_state{state="degraded"} 1"#))
        #expect(text.contains(#"chemgate_alarms_active{level="level2"} 2"#))
        #expect(text.contains(#"chemgate_detectors_not_protecting{reason="fault"} 1"#))
        #expect(text.contains(#"chemgate_detectors_not_protecting{reason="calibration"} 1"#))
        #expect(text.contains(#"chemgate_detectors_not_protecting{reason="warmup"} 0"#))
    }

    @Test func thePageShowsWhatIsWrongFirst() async throws {
        let html = try await Self.get(
            SiteScenario.badDay().snapshot,
            "/?lang=zh",
            token: "t+k",
            headers: [.cookie: "other=1; chemgate_token=t%2Bk"]
        )
        #expect(html.contains("<title>二级报警 · 储罐区安全监测网关</title>"))
        let order = [
            "id=\"alarms\"", "id=\"protection\"", "id=\"problems\"", "id=\"links\"", "id=\"devices\"", "id=\"events\"",
            "id=\"points\"",
        ]
        .map { html.range(of: $0)?.lowerBound }
        #expect(!order.contains(nil))
        #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted(), "sections out of order")
        #expect(!html.contains("3276.7"), "a faulted detector's sentinel is shown as a value")
        #expect(
            html.contains("— (<span class=\"id\">0x7FFF</span>)"),
            "a faulted detector shows its raw registers instead"
        )
        #expect(html.contains("可燃气体探测器 GD-103"), "alarms name the device")
        #expect(html.contains("罐区A T-103 防火堤内"), "alarms give the location")
        #expect(html.contains("<details>"), "points are collapsed per device")
        #expect(html.contains(">开<"), "an on/off point reads 开/关")
        #expect(html.contains("href=\"./?lang=en\""), "the language link")
        #expect(html.contains("href=\"status\""))
        #expect(!html.contains("t+k") && !html.contains("t%2Bk"), "the token is never in the page")
        #expect(html.contains("报警产生"), "recent events, in Chinese")
        #expect(
            html.contains(#"设备 <span class="id">可燃气体探测器 GD-106</span> (<span class="id">gd-106</span>)"#),
            "a problem names the device by its name"
        )
        #expect(html.contains("上传通道 <span class=\"id\">park</span> 无法送达:640 条待上传"))
    }

    /// A page opened with `?token=` (a bookmark) is exchanged for an `HttpOnly`, `SameSite=Strict`
    /// cookie and the same page without the token; a wrong cookie is refused.
    @Test func aTokenInTheQueryIsExchangedForACookie() async throws {
        let app = Application(
            router: StatusRoutes.router(
                reporter: FixedReporter(fixed: SiteScenario.badDay().snapshot),
                registry: sharedRegistry,
                token: "t+k",
                logger: quietLogger
            )
        )
        try await app.test(.router) { client in
            try await client.execute(uri: "/?lang=zh&token=t%2Bk", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/?lang=zh")
                #expect(response.headers[.setCookie] == "chemgate_token=t%2Bk; Path=/; HttpOnly; SameSite=Strict")
            }
            try await client.execute(uri: "/status", method: .get, headers: [.cookie: "chemgate_token=t%2Bk"]) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/status", method: .get, headers: [.cookie: "chemgate_token=t"]) {
                #expect($0.status == .unauthorized)
            }
            // Scripts asking for /status with ?token= get the answer, not a redirect.
            try await client.execute(uri: "/status?token=t%2Bk", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func aSilentLineIsOneProblemOnThePage() async throws {
        var scenario = SiteScenario()
        scenario.silentLine()
        let html = try await Self.get(scenario.snapshot, "/", headers: [.acceptLanguage: "en;q=0.4, zh-CN;q=0.8"])
        #expect(html.contains("总线 <span class=\"id\">gas-bus</span>:8 台设备自"), "\(html.prefix(3000))")
        #expect(html.components(separatedBy: "class=\"problem\"").count == 2, "one problem, not eight")
        #expect(html.contains("无设备应答"), "the link reads silent, not up")
    }

    @Test func whatADeviceTaughtIsShownUnderItWithTheMapLineToFix() async throws {
        var scenario = SiteScenario()
        let hint = "refuses reads over 10 registers (exception 02/03): set max_registers: 10 in Devices/x.yaml:12"
        scenario.snapshot.devices[0].learned = [HealthSnapshot.Lesson(kind: "max_registers", limit: 10, hint: hint)]
        let html = try await Self.get(scenario.snapshot, "/?lang=en")
        #expect(html.contains(hint), "\(html.prefix(3000))")
        let json = try await Self.get(scenario.snapshot, "/status")
        #expect(json.contains("\"learned\":[{"), "\(json.prefix(2000))")
        #expect(json.contains("\"limit\":10"))
    }

    @Test func allClearIsGreen() async throws {
        let html = try await Self.get(SiteScenario().snapshot, "/?lang=en")
        #expect(html.contains("class=\"badge b-ok\">All clear<"))
        #expect(html.contains("<title>All clear"))
    }
}

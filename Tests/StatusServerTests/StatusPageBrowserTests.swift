import Foundation
import GatewayCore
import Hummingbird
import HummingbirdTesting
import StatusServer
import TestSupport
import Testing

/// The status page as an operator sees it: rendered by headless Chromium at desktop and phone
/// width, on a bad day (a level-2 alarm, a fault, a calibration, a dead detector, the platform down).
/// A probe page on the same origin frames the status page at the window's size and measures it:
/// the alarm block above the fold, no horizontal scroll, no English word on the Chinese page
/// outside ids (`class="id"`). Screenshots go to $CHEMGATE_SCREENSHOTS when set.
@Suite("Status page in Chromium", .serialized, .enabled(if: Chromium.path != nil, "apt install chromium"))
struct StatusPageBrowserTests {
    struct Measurement: Decodable {
        var title: String
        var badge: String
        var horizontalScroll: Bool
        var scrollWidth: Int
        var width: Int
        var alarmsTop: Double
        var firstAlarmBottom: Double
        var height: Int
        var alarmRows: Int
        var firstAlarmClass: String
        var englishWords: [String]
        var links: [String]
    }

    static let token = "s3cret-t0ken"

    /// Serves the bad day's page and the probe, then lets Chromium measure it.
    static func measure(width: Int, height: Int, lang: String) async throws -> Measurement {
        let router = StatusRoutes.router(
            reporter: FixedReporter(fixed: SiteScenario.badDay().snapshot),
            registry: sharedRegistry,
            token: token,
            logger: quietLogger
        )
        let probe = Router(context: StatusRequestContext.self)
        probe.get("/probe") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: Self.probePage(width: width, height: height, lang: lang)))
            )
        }
        // The status routes behind the probe, on the same origin.
        let status = router.buildResponder()
        for path in ["/", "/status", "/metrics"] {
            probe.get(RouterPath(path)) { request, context in try await status.respond(to: request, context: context) }
        }
        return try await Application(router: probe).test(.live) { client in
            let port = try #require(client.port)
            let base = "http://127.0.0.1:\(port)"
            if let directory = ProcessInfo.processInfo.environment["CHEMGATE_SCREENSHOTS"] {
                _ = try await Chromium.run([
                    "--screenshot=\(directory)/status-\(lang)-\(width).png", "--window-size=\(width),\(height)",
                    "\(base)/?lang=\(lang)&token=\(token)",
                ])
            }
            let output = try await Chromium.run([
                "--dump-dom", "--window-size=\(width),\(height)", "--virtual-time-budget=3000",
                "\(base)/probe?token=\(token)",
            ])
            guard let start = output.range(of: "<pre id=\"result\">"),
                let end = output.range(of: "</pre>", range: start.upperBound..<output.endIndex)
            else { throw TestFailure("the probe page gave no measurement: \(output.suffix(2000))") }
            let json = String(output[start.upperBound..<end.lowerBound])
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
                .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
            return try JSONDecoder().decode(Measurement.self, from: Data(json.utf8))
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: [(1280, 800), (360, 740)])
    func chinesePageShowsTheAlarmFirstWithoutScrollingSideways(width: Int, height: Int) async throws {
        let page = try await Self.measure(width: width, height: height, lang: "zh")
        #expect(page.badge.contains("b-alarm_level2"), "\(page.badge)")
        #expect(page.title.hasPrefix("二级报警"), "\(page.title)")
        #expect(!page.horizontalScroll, "scroll width \(page.scrollWidth) > \(page.width) at \(width) px")
        #expect(page.firstAlarmBottom <= Double(page.height), "first alarm ends at \(page.firstAlarmBottom) px")
        #expect(page.alarmsTop < page.firstAlarmBottom)
        #expect(page.alarmRows == 2, "one row per detector in alarm")
        #expect(page.firstAlarmClass == "sev-2", "the level-2 alarm comes first")
        #expect(page.englishWords.isEmpty, "English on the Chinese page: \(page.englishWords)")
        #expect(!page.links.isEmpty)
        // The frame opened `/?lang=zh&token=…`: it was exchanged for a cookie, so the page (measured
        // above, so it loaded) shows no token, and its links work through the cookie.
        for link in page.links { #expect(!link.contains(Self.token), "\(link) shows the token") }
    }

    @Test(.timeLimit(.minutes(1)))
    func englishPageAtPhoneWidth() async throws {
        let page = try await Self.measure(width: 360, height: 740, lang: "en")
        #expect(page.title.hasPrefix("LEVEL 2 ALARM"), "\(page.title)")
        #expect(!page.horizontalScroll, "scroll width \(page.scrollWidth) > \(page.width)")
        #expect(page.firstAlarmBottom <= Double(page.height))
    }

    /// Frames `/?lang=…` at the window's size and writes what it measured into `<pre id="result">`.
    static func probePage(width: Int, height: Int, lang: String) -> String {
        """
        <!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0}iframe{border:0;display:block}</style>
        </head><body><iframe id="f" width="\(width)" height="\(height)" src="/?lang=\(lang)&token=\(token)"></iframe>
        <script>
        window.addEventListener('load', function () {
          var f = document.getElementById('f'), d = f.contentDocument, root = d.documentElement;
          var alarms = d.getElementById('alarms');
          var first = alarms ? alarms.querySelector('tbody tr') : null;
          var words = [];
          var walker = d.createTreeWalker(d.body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            var node = walker.currentNode, parent = node.parentElement;
            if (!parent || parent.closest('.id,style,script')) continue;
            var found = node.nodeValue.match(/[A-Za-z]{2,}/g);
            if (found) words = words.concat(found.filter(function (w) { return ['RS', 'NTP', 'KiB'].indexOf(w) < 0; }));
          }
          var links = Array.prototype.map.call(d.querySelectorAll('a[href]'), function (a) { return a.getAttribute('href'); });
          var result = {
            title: d.title, badge: d.getElementById('badge').className,
            horizontalScroll: root.scrollWidth > root.clientWidth, scrollWidth: root.scrollWidth, width: root.clientWidth,
            alarmsTop: alarms.getBoundingClientRect().top,
            firstAlarmBottom: first ? first.getBoundingClientRect().bottom : 1e9, height: root.clientHeight,
            alarmRows: alarms.querySelectorAll('tbody tr').length, firstAlarmClass: first ? first.className : '',
            englishWords: words, links: links
          };
          var pre = document.createElement('pre');
          pre.id = 'result';
          pre.textContent = JSON.stringify(result);
          document.body.appendChild(pre);
        });
        </script></body></html>
        """
    }
}

/// Headless Chromium (apt `chromium`), each run bounded.
enum Chromium {
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static func run(_ arguments: [String]) async throws -> String {
        guard let path else { throw TestFailure("no chromium") }
        let profile = try Tools.temporaryDirectory()
        let result = try await ChildProcess.run(
            path,
            ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(profile.path)"]
                + arguments,
            timeout: .seconds(20)
        )
        guard result.status == 0 else {
            throw TestFailure("chromium exited \(result.status): \(result.output.suffix(1500))")
        }
        return result.output
    }
}

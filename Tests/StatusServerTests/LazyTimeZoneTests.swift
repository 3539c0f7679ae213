import Foundation
import Hummingbird
import HummingbirdTesting
import StatusServer
import Synchronization
import TestSupport
import Testing

/// The site's time zone is looked up when the page is first drawn, once: a named zone loads ICU's
/// time-zone data (several MB resident), which a gateway whose page nobody opens must not pay for.
@Suite("Status page time zone")
struct LazyTimeZoneTests {
    final class Lookups: Sendable {
        let count = Atomic<Int>(0)

        func zone(_ identifier: String) -> TimeZone {
            count.add(1, ordering: .relaxed)
            return TimeZone(identifier: identifier)!
        }
    }

    @Test func theZoneIsLookedUpOnlyWhenThePageIsDrawnAndOnce() async throws {
        let lookups = Lookups()
        let app = Application(
            router: StatusRoutes.router(
                reporter: FixedReporter(fixed: SiteScenario.badDay().snapshot),
                registry: sharedRegistry,
                token: nil,
                timeZone: lookups.zone("Europe/Berlin"),
                logger: quietLogger
            )
        )
        try await app.test(.router) { client in
            for uri in ["/healthz", "/status", "/metrics"] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .ok) }
            }
            #expect(lookups.count.load(ordering: .relaxed) == 0, "no page drawn, no time zone looked up")
            for _ in 0..<2 {
                try await client.execute(uri: "/", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("Europe/Berlin"))
                }
            }
            #expect(lookups.count.load(ordering: .relaxed) == 1)
        }
    }
}

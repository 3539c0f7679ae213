import GatewayCore
import Testing

@testable import chemgate

/// `chemgate status` exits with the worst of the three truths, not only with what the badge shows.
@Suite("chemgate status exit codes")
struct StatusExitTests {
    static func verdict(
        _ monitoring: SiteVerdict.Monitoring = .intact,
        level2: Int = 0,
        level1: Int = 0,
        _ excluded: [SiteVerdict.Exclusion] = []
    ) -> SiteVerdict {
        let notProtecting = excluded.enumerated().map {
            SiteVerdict.Excluded(device: "d\($0.offset)", reason: $0.element)
        }
        return SiteVerdict(
            monitoring: monitoring,
            alarmsLevel2: level2,
            alarmsLevel1: level1,
            notProtecting: notProtecting,
            problems: [],
            badge: SiteVerdict.badge(
                monitoring: monitoring,
                alarmsLevel2: level2,
                alarmsLevel1: level1,
                notProtecting: notProtecting
            )
        )
    }

    @Test func exitCodes() {
        #expect(StatusExit(Self.verdict()) == .ok)
        #expect(StatusExit(Self.verdict(level2: 1)) == .critical)
        #expect(StatusExit(Self.verdict(.lost)) == .critical)
        #expect(StatusExit(Self.verdict(level1: 1)) == .warning)
        #expect(StatusExit(Self.verdict(.degraded)) == .warning)
        #expect(StatusExit(Self.verdict(.starting)) == .warning)
        #expect(StatusExit(Self.verdict(.intact, [.calibration])) == .warning)
        #expect(StatusExit(Self.verdict(.intact, [.fault])) == .critical)
        // The badge shows the level-1 alarm; the dead detector still makes it CRITICAL.
        let both = Self.verdict(.degraded, level1: 1, [.notAnswering])
        #expect(both.badge == .alarm1)
        #expect(StatusExit(both) == .critical)
    }
}

import Foundation
import GatewayCore
import Outbox
import PlatformProfile
import Testing

/// A platform profile writes an exact integer with every digit, as a number or a string.
@Suite("Profile renderer: exact integers")
struct ProfileExactValueTests {
    @Test(arguments: [("number", "81985529216486895"), ("string", #""81985529216486895""#)])
    func aUInt64CounterKeepsEveryDigit(style: String, written: String) throws {
        let (profile, _) = try ProfileLoader.parse(
            """
            profile: t
            values: {as: \(style)}
            messages:
              data:
                group: record
                body: {v: "${record.value}"}

            """,
            name: "p.yaml"
        )
        var renderer = try ProfileRenderer(profile: profile, site: ProfileFixture.site, secrets: [:], seed: 7)
        var records = Array(ProfileFixture.records.prefix(1))
        if case .reading(var reading) = records[0].payload {
            reading.value = .integer(81_985_529_216_486_895)
            records[0].payload = .reading(reading)
        }
        let batch = try renderer.render(records, sentAt: ProfileFixture.sentAt)
        #expect(batch.messages.map { String(decoding: $0.body, as: UTF8.self) } == [#"{"v":\#(written)}"#])
    }
}

import GatewayCore
import PlatformProfile
import Testing

/// The decoder of `chemgate receive --profile`: every shipped profile's messages, rendered from the
/// fixture's records, read back into the values, times, points and kinds they were made of.
@Suite("Profile decoder")
struct ProfileDecoderTests {
    @Test(arguments: ["mem-iot-sm4", "jiangsu-five-in-one-tcp", "park-json-strings", "chemgate-json"])
    func renderedMessagesDecodeBackToTheirRecords(_ name: String) throws {
        var renderer = try ProfileFixture.renderer(name)
        let decoder = try ProfileDecoder(profile: try ProfileFixture.profile(name), secrets: ProfileFixture.secrets)
        let batch = try renderer.render(ProfileFixture.records, sentAt: ProfileFixture.sentAt, batchID: "b-1")
        var readings: [[Field: String]] = []
        for message in batch.messages {
            let decoded = try decoder.decode(message.body)
            #expect(decoded.kind == message.kind, "\(name): a \(message.kind) message read as \(decoded.kind)")
            readings += decoded.readings
        }
        // The level reading: 12.5 m at t0, and the gas reading of 3 %LEL.
        let level = try #require(
            readings.first { $0[.pointIndicator] == "320281001001" || $0[.recordPoint] == "level" }
        )
        #expect(Double(level[.recordValue] ?? "") == 12.5)
        let time = try #require(level[.recordTime].flatMap { decoder.timestamp($0) })
        let precise = name == "chemgate-json"  // ISO 8601 with milliseconds; the others write whole seconds
        #expect(time.milliseconds == (precise ? ProfileFixture.t0 : ProfileFixture.t0 / 1000 * 1000), "\(name)")
        let gas = readings.filter { $0[.pointIndicator] == "320281002001" || $0[.recordPoint] == "lel" }
        #expect(gas.first.flatMap { Double($0[.recordValue] ?? "") } == 3)
        if let catalogue = try renderer.renderCatalogue(sentAt: ProfileFixture.sentAt).first {
            let decoded = try decoder.decode(catalogue.body)
            #expect(decoded.kind == .catalogue)
            #expect(decoded.points.compactMap { $0[.pointIndicator] }.contains("320281001001"), "\(name)")
        }
        if let heartbeat = try renderer.renderHeartbeat(sentAt: ProfileFixture.sentAt) {
            #expect(try decoder.decode(heartbeat.body).kind == .heartbeat)
        }
    }

    @Test func timesReadBackInEveryFormat() throws {
        let instant = Timestamp(milliseconds: 1_795_404_600_123)
        let styles: [TimeFormat.Style] = [.iso8601, .epochMilliseconds, .epochSeconds]
        for style in styles {
            for zone in ["UTC", "Asia/Shanghai", "America/New_York"] {
                let format = try #require(TimeFormat(style: style, zone: zone))
                let back = format.timestamp(from: format.text(instant))
                let expected = style == .epochSeconds ? 1_795_404_600_000 : instant.milliseconds
                #expect(back?.milliseconds == expected, "\(style) \(zone): \(format.text(instant))")
            }
        }
        let china = try ProfileFixture.profile("mem-iot-sm4").time  // yyyy-MM-dd HH:mm:ss, Asia/Shanghai
        #expect(china.text(instant) == "2026-11-23 11:30:00")
        #expect(china.timestamp(from: "2026-11-23 11:30:00")?.milliseconds == 1_795_404_600_000)
        #expect(china.timestamp(from: "2026-11-23 11:30") == nil)
        #expect(china.timestamp(from: "2026-11-23 11:30:00Z") == nil)
    }
}

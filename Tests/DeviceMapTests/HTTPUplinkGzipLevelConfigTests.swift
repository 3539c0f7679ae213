import DeviceMap
import Testing

/// `gzip_level` on an HTTP uplink (issue #19): zlib's compression level, 1 (the default) to 9.
@Suite("HTTP uplink gzip_level")
struct HTTPUplinkGzipLevelConfigTests {
    @Test func gzipLevelDefaultsToOneAndIsRead() throws {
        let site = try MQTTUplinkConfigTests.load(
            """
              - { id: a, url: "https://park.example/api" }
              - { id: b, url: "https://park.example/api", gzip_level: 9 }
            """
        )
        #expect(site.uplinks.map(\.gzipLevel) == [1, 9])
    }

    @Test(arguments: ["0", "10", "fast"])
    func aGzipLevelOutOfRangeIsRefusedWithTheFieldNamed(_ value: String) {
        do {
            _ = try MQTTUplinkConfigTests.load("  - { id: a, url: \"https://park.example/api\", gzip_level: \(value) }")
            Issue.record("gzip_level: \(value) was accepted")
        } catch {
            #expect("\(error)".contains("gzip_level"), "\(error)")
            #expect("\(error)".contains("site.yaml:"), "the file and line are named: \(error)")
        }
    }

    @Test func gzipLevelOnAnMQTTUplinkIsAWarningAtItsLine() throws {
        let warnings = try Self.warnings(#"{ id: m, url: "mqtt://10.0.0.5", gzip_level: 6 }"#)
        let warning = try #require(warnings.first { $0.contains("'gzip_level'") })
        #expect(warning.contains("site.yaml:6"), "\(warning)")
    }

    /// A platform profile's messages are never gzipped: `gzip` and `gzip_level` there do nothing.
    @Test func gzipKeysOnAProfileUplinkAreWarningsAtTheirLines() throws {
        let warnings = try Self.warnings(
            #"{ id: js, url: "tcp://58.213.1.2:8653", profile: jiangsu-five-in-one-tcp, gzip: true, gzip_level: 9 }"#
        )
        for key in ["'gzip'", "'gzip_level'"] {
            let warning = try #require(warnings.first { $0.contains(key) }, "\(key): \(warnings)")
            #expect(warning.contains("site.yaml:6") && warning.contains("never gzipped"), "\(warning)")
        }
        #expect(try Self.warnings(#"{ id: a, url: "https://park.example/api", gzip_level: 9 }"#).isEmpty)
    }

    private static func warnings(_ uplink: String) throws -> [String] {
        try MQTTUplinkConfigTests.loadWithWarnings("  - \(uplink)").warnings
    }
}

import DeviceMap
import Foundation
import Testing

/// The site's platform fields (issue #14): a point's tag, platform name and hazard-source code, and an
/// uplink's profile, profile values and where its secrets are read from.
@Suite struct PlatformFieldsTests {
    func load(_ text: String) throws(ConfigErrors) -> SiteConfig {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("platform-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("site.yaml")
        try? """
        gateway: { id: GW-1, enterprise: E-1 }
        devices_path: \(FixtureExpectation.folder.appendingPathComponent("maps").path)
        links: [ { id: plc, endpoint: "tcp://127.0.0.1:502" } ]
        \(text)
        """.write(to: file, atomically: true, encoding: .utf8)
        return try SiteConfigLoader.load(path: file.path).0
    }

    @Test func pointsCarryTagNameAndHazardCode() throws {
        let site = try load(
            """
            devices:
              - id: d1
                link: plc
                unit: 1
                map: test/detector
                points:
                  lel: { indicator: "320281002001", tag: GT-201, name: 罐区A可燃气体, hazard_code: HZ-01 }
            """
        )
        let point = try #require(site.devices.first?.points.first { $0.id == "lel" })
        #expect(point.indicator == "320281002001")
        #expect(point.tag == "GT-201")
        #expect(point.platformName == "罐区A可燃气体")
        #expect(point.hazardCode == "HZ-01")
    }

    @Test func uplinksNameTheirProfileValuesAndSecretSources() throws {
        let site = try load(
            """
            devices: [ { id: d1, link: plc, unit: 1, map: test/detector } ]
            profiles_path: /etc/chemgate/profiles
            uplinks:
              - id: mem
                url: https://platform.example/api
                profile: mem-iot-sm4
                profile_values: { app_id: A1 }
                profile_secrets: { key: "env:MEM_KEY", iv: "file:iv.txt" }
            """
        )
        let uplink = try #require(site.uplinks.first)
        #expect(uplink.profile == "mem-iot-sm4")
        #expect(uplink.profilesDirectory == "/etc/chemgate/profiles")
        #expect(uplink.profileValues == ["app_id": "A1"])
        #expect(uplink.profileSecrets == ["key": "env:MEM_KEY", "iv": "file:iv.txt"])
    }

    @Test func aSecretWrittenIntoTheSiteIsRefusedWithoutQuotingIt() throws {
        let refused = #expect(throws: ConfigErrors.self) {
            _ = try load(
                """
                devices: [ { id: d1, link: plc, unit: 1, map: test/detector } ]
                uplinks:
                  - id: mem
                    url: https://platform.example/api
                    profile: mem-iot-sm4
                    profile_secrets: { key: 8a2f0c1d5e6b7a8c9d0e1f2a3b4c5d6e }
                """
            )
        }
        let text = refused?.description ?? ""
        #expect(text.contains("never the secret itself"))
        #expect(!text.contains("8a2f0c1d5e6b7a8c9d0e1f2a3b4c5d6e"))
    }

    @Test func aTCPURLNeedsAProfileAndAPort() throws {
        let site = try load(
            """
            devices: [ { id: d1, link: plc, unit: 1, map: test/detector } ]
            uplinks: [ { id: js, url: "tcp://58.213.1.2:8653", profile: jiangsu-five-in-one-tcp } ]
            """
        )
        #expect(site.uplinks.first?.url == "tcp://58.213.1.2:8653")
        #expect(UplinkURL.tcpAddress("tcp://58.213.1.2:8653")?.port == 8653)
        for (uplink, message) in [
            (#"{ id: js, url: "tcp://58.213.1.2:8653" }"#, "only a platform profile with a tcp transport sends"),
            (#"{ id: js, url: "tcp://58.213.1.2", profile: p }"#, "must be tcp://HOST:PORT"),
            (#"{ id: js, url: "tcp://58.213.1.2:70000", profile: p }"#, "must be tcp://HOST:PORT"),
        ] {
            let refused = #expect(throws: ConfigErrors.self) {
                _ = try load(
                    """
                    devices: [ { id: d1, link: plc, unit: 1, map: test/detector } ]
                    uplinks: [ \(uplink) ]
                    """
                )
            }
            #expect(refused?.description.contains(message) == true, "\(uplink)")
        }
    }
}

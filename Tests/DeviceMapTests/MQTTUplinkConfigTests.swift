import DeviceMap
import Foundation
import TestSupport
import Testing

/// An `mqtt://` or `mqtts://` uplink in the site file (docs/mqtt.md): its keys, defaults and the
/// broker's host and port; the refused forms are fixtures in Fixtures/refused-sites/mqtt-*.yaml.
@Suite("MQTT uplink configuration")
struct MQTTUplinkConfigTests {
    static func load(_ uplinks: String) throws -> SiteConfig {
        try loadWithWarnings(uplinks).site
    }

    /// ``load(_:)`` with the warnings, each as printed (the `uplinks:` entries start on line 6).
    static func loadWithWarnings(_ uplinks: String) throws -> (site: SiteConfig, warnings: [String]) {
        let directory = try Tools.temporaryDirectory()
        let path = directory.appendingPathComponent("site.yaml").path
        try """
        gateway: { id: GW-1, enterprise: E-1 }
        devices_path: \(FixtureExpectation.folder.appendingPathComponent("maps").path)
        links: [ { id: plc, endpoint: "tcp://127.0.0.1:502" } ]
        devices: [ { id: d1, link: plc, unit: 1, map: test/detector } ]
        uplinks:
        \(uplinks)
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let (site, warnings) = try SiteConfigLoader.load(path: path)
        return (site, warnings.map { "\($0)" })
    }

    /// `profile: thingsboard-gateway` is the built-in name of the ThingsBoard format on an MQTT uplink,
    /// not a profile file; on an HTTP uplink it is refused with the line named.
    @Test func theThingsBoardProfileNameSelectsTheBuiltInFormat() throws {
        let site = try Self.load("  - { id: tb, url: \"mqtt://127.0.0.1:1883\", profile: thingsboard-gateway }")
        #expect(site.uplinks[0].mqtt?.format == .thingsboardGateway)
        #expect(site.uplinks[0].profile == nil)
        #expect(throws: ConfigErrors.self) {
            try Self.load("  - { id: tb, url: \"https://park.example/api\", profile: thingsboard-gateway }")
        }
        do {
            _ = try Self.load("  - { id: tb, url: \"https://park.example/api\", profile: thingsboard-gateway }")
        } catch let error as ConfigErrors {
            #expect(error.description.contains("site.yaml:6:"), "\(error)")
            #expect(error.description.contains("built-in MQTT format"), "\(error)")
        }
    }

    @Test func anMQTTUplinkWithEveryKey() throws {
        let site = try Self.load(
            """
              - id: park-mqtt
                url: mqtts://broker.park.example
                format: thingsboard-gateway
                status_topic: "parks/{enterprise}/{gateway}/status"
                device_name: "{gateway} {device}"
                protocol: "5"
                keepalive: 10s
                client_id: gw1-park
                username_env: PARK_USER
                password_env: PARK_PASSWORD
                in_flight: 50
                batch_records: 100
              - { id: plain, url: "mqtt://10.0.0.5:11883", per: device, topic: "c/{gateway}/{lane}/{device}",
                  live_topic: "live/{gateway}/{device}/{point}" }
              - { id: http, url: "https://park.example/api" }
            """
        )
        let tb = try #require(site.uplinks[0].mqtt)
        #expect(tb.host == "broker.park.example")
        #expect(tb.port == 8883)
        #expect(tb.tls)
        #expect(tb.format == .thingsboardGateway)
        #expect(tb.statusTopic == "parks/{enterprise}/{gateway}/status")
        #expect(tb.deviceName == "{gateway} {device}")
        #expect(tb.protocolVersion == "5")
        #expect(tb.keepalive == .seconds(10))
        #expect(tb.clientID == "gw1-park")
        #expect(tb.usernameEnvironment == "PARK_USER")
        #expect(tb.passwordEnvironment == "PARK_PASSWORD")
        #expect(tb.inFlight == 50)
        #expect(site.uplinks[0].batchRecords == 100)
        let plain = try #require(site.uplinks[1].mqtt)
        #expect(plain.host == "10.0.0.5")
        #expect(plain.port == 11883)
        #expect(!plain.tls)
        #expect(plain.format == .chemgate)
        #expect(plain.grouping == .device)
        #expect(plain.topic == "c/{gateway}/{lane}/{device}")
        #expect(plain.statusTopic == "chemgate/{gateway}/status")
        #expect(plain.inFlight == 20)
        #expect(plain.liveTopic == "live/{gateway}/{device}/{point}")
        #expect(tb.liveTopic == nil)
        #expect(site.uplinks[2].mqtt == nil, "an http uplink has no MQTT settings")
    }
}

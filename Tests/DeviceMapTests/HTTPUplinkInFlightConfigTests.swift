import DeviceMap
import Testing

/// `in_flight` on an HTTP uplink (issue #19): how many batches it keeps waiting for their answers.
@Suite("HTTP uplink in_flight")
struct HTTPUplinkInFlightConfigTests {
    @Test func inFlightDefaultsToFourAndIsReadOnHTTPUplinks() throws {
        let site = try MQTTUplinkConfigTests.load(
            """
              - { id: a, url: "https://park.example/api" }
              - { id: b, url: "https://park.example/api", in_flight: 1 }
              - { id: c, url: "mqtt://10.0.0.5", in_flight: 7 }
            """
        )
        #expect(site.uplinks.map(\.inFlight) == [4, 1, 4])
        #expect(site.uplinks[2].mqtt?.inFlight == 7)
    }

    @Test func anInFlightOutOfRangeIsRefused() {
        #expect(throws: ConfigErrors.self) {
            try MQTTUplinkConfigTests.load("  - { id: a, url: \"https://park.example/api\", in_flight: 0 }")
        }
        #expect(throws: ConfigErrors.self) {
            try MQTTUplinkConfigTests.load("  - { id: a, url: \"https://park.example/api\", in_flight: 65 }")
        }
    }
}

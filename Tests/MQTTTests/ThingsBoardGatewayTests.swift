import Foundation
import GatewayCore
import Testing
import UplinkPayload

/// The `thingsboard-gateway` format against ThingsBoard's gateway MQTT API documentation
/// (https://thingsboard.io/docs/reference/gateway-mqtt-api/ and
/// https://thingsboard.io/docs/reference/gateway-api/telemetry/): telemetry is
/// `{"Device A": [{"ts": 1483228800000, "values": {"temperature": 42, ...}}]}` with `ts` in
/// milliseconds; attributes are `{"Device A": {"attribute1": "value1"}}`; connect and disconnect are
/// `{"device": "Device A"}`. The expected JSON below is written by hand from those pages.
@Suite("ThingsBoard gateway MQTT API format")
struct ThingsBoardGatewayTests {
    static func json(_ bytes: [UInt8]) throws -> NSObject {
        try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) as! NSObject
    }

    static func expected(_ text: String) throws -> NSObject { try json(Array(text.utf8)) }

    @Test func telemetryHasTsInMillisecondsAndValuesPerDevice() throws {
        let t = Timestamp(milliseconds: 1_483_228_800_000)
        let items: [ThingsBoardGateway.Item] = [
            .reading(
                Reading(
                    gateway: "GW-1",
                    device: "T-101",
                    point: "gas",
                    value: .number(12.5),
                    quality: .good,
                    timestamp: t
                ),
                sequence: 7
            ),
            .reading(
                Reading(
                    gateway: "GW-1",
                    device: "T-101",
                    point: "fault",
                    value: .bool(false),
                    quality: .good,
                    timestamp: t
                ),
                sequence: 8
            ),
            .reading(
                Reading(
                    gateway: "GW-1",
                    device: "T-102",
                    point: "gas",
                    value: nil,
                    quality: .bad(.sensorFault),
                    timestamp: Timestamp(milliseconds: t.milliseconds + 1000)
                ),
                sequence: 9
            ),
            .event(
                GatewayEvent(
                    kind: .alarmRaised,
                    gateway: "GW-1",
                    device: "T-101",
                    point: "gas",
                    level: .high,
                    value: .number(25),
                    limit: 20,
                    unit: "%LEL",
                    timestamp: Timestamp(milliseconds: t.milliseconds + 2000),
                    reason: "above H"
                ),
                sequence: 10
            ),
            .event(
                GatewayEvent(kind: .linkDown, gateway: "GW-1", link: "plc", timestamp: t, reason: "timeout"),
                sequence: 11
            ),
        ]
        let payload = ThingsBoardGateway.telemetry(items, gateway: "GW-1", deviceName: { $0 })
        let expected = try Self.expected(
            """
            {
              "T-101": [
                {"ts": 1483228800000, "values": {"gas": 12.5, "gas_quality": "good", "gas_seq": 7,
                                                 "fault": false, "fault_quality": "good", "fault_seq": 8}},
                {"ts": 1483228802000, "values": {"event": "alarm_raised", "event_point": "gas", "event_level": "H",
                                                 "event_value": 25, "event_limit": 20, "event_unit": "%LEL",
                                                 "event_reason": "above H", "event_seq": 10}}
              ],
              "T-102": [
                {"ts": 1483228801000, "values": {"gas": null, "gas_quality": "bad (sensor_fault)", "gas_seq": 9}}
              ],
              "GW-1": [
                {"ts": 1483228800000, "values": {"event": "link_down", "event_link": "plc", "event_reason": "timeout",
                                                 "event_seq": 11}}
              ]
            }
            """
        )
        #expect(try Self.json(payload) == expected)
    }

    @Test func connectDisconnectAndAttributesFollowTheDocumentedShapes() throws {
        #expect(
            try Self.json(ThingsBoardGateway.deviceMessage("GW-1 T-101")) == Self.expected(#"{"device": "GW-1 T-101"}"#)
        )
        let attributes = ThingsBoardGateway.attributes(
            [.init(device: "T-101", name: "罐区A T-101 可燃气体", location: "罐区A", units: ["gas": "%LEL"])],
            gateway: "GW-1",
            deviceName: { "GW-1 \($0)" }
        )
        let expected = try Self.expected(
            #"{"GW-1 T-101": {"gateway": "GW-1", "name": "罐区A T-101 可燃气体", "location": "罐区A", "gas_unit": "%LEL"}}"#
        )
        #expect(try Self.json(attributes) == expected)
        #expect(ThingsBoardGateway.telemetryTopic == "v1/gateway/telemetry")
        #expect(ThingsBoardGateway.attributesTopic == "v1/gateway/attributes")
        #expect(ThingsBoardGateway.connectTopic == "v1/gateway/connect")
        #expect(ThingsBoardGateway.disconnectTopic == "v1/gateway/disconnect")
    }
}

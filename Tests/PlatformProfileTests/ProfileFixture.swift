import DeviceMap
import Foundation
import GatewayCore
import Outbox
import PlatformProfile
import Testing

/// The site, records and secrets the golden messages were written for by hand.
enum ProfileFixture {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// Readings at 2026-11-23T03:30:00.123Z (11:30:00 in China), sent at 03:30:05Z (11:30:05).
    static let t0: Int64 = 1_795_404_600_123
    static let sentAt = Timestamp(milliseconds: 1_795_404_605_000)

    static let site = ProfileSite(
        gateway: GatewayIdentity(id: "gw-tank-01", enterprise: "91320281MA1W8XYZ5K", name: "罐区A网关"),
        values: [
            "app_id": "a1b2c3d4e5f60718293a4b5c6d7e8f90",
            "district_code": "3202",
            "data_service_id": "WC_ENT_SSSJ",
            "alarm_service_id": "WC_ENT_ALARM_REGIONAL",
            "enterprise_name": "无锡某化工有限公司",
        ],
        devices: [
            (
                CatalogueDevice(id: "tank-a", name: "罐区A T-101 液位计", location: "罐区A"),
                [
                    CataloguePoint(
                        device: "tank-a",
                        id: "level",
                        indicator: "320281001001",
                        tag: "LT-101",
                        name: "氯苯储罐A液位",
                        unit: "m",
                        range: 0...20,
                        limits: AlarmLimits(low: 1, high: 18, highHigh: 19),
                        hazardCode: "HZ-3202-01",
                        decimals: 3
                    )
                ]
            ),
            (
                CatalogueDevice(id: "gas-1", name: "可燃气体探测器 GT-201"),
                [
                    CataloguePoint(
                        device: "gas-1",
                        id: "lel",
                        indicator: "320281002001",
                        tag: "GT-201",
                        name: "罐区A可燃气体",
                        unit: "%LEL",
                        range: 0...100,
                        limits: AlarmLimits(high: 25, highHigh: 50, gasLevels: true),
                        hazardCode: "HZ-3202-01",
                        decimals: 1
                    )
                ]
            ),
        ]
    )

    /// Two good readings, a bad one (no value) and an alarm event.
    static let records: [Record] = [
        Record(
            sequence: 101,
            payload: .reading(
                Reading(
                    gateway: "gw-tank-01",
                    device: "tank-a",
                    point: "level",
                    value: .number(12.5),
                    unit: "m",
                    quality: .good,
                    timestamp: Timestamp(milliseconds: t0),
                    sequence: 9001
                )
            )
        ),
        Record(
            sequence: 102,
            payload: .reading(
                Reading(
                    gateway: "gw-tank-01",
                    device: "gas-1",
                    point: "lel",
                    value: .number(3),
                    unit: "%LEL",
                    quality: .good,
                    timestamp: Timestamp(milliseconds: t0),
                    sequence: 9002
                )
            )
        ),
        Record(
            sequence: 103,
            payload: .reading(
                Reading(
                    gateway: "gw-tank-01",
                    device: "gas-1",
                    point: "lel",
                    value: nil,
                    unit: "%LEL",
                    quality: .bad(.communicationFailure),
                    timestamp: Timestamp(milliseconds: t0 + 877),
                    sequence: 9003
                )
            )
        ),
        Record(
            sequence: 104,
            payload: .event(
                GatewayEvent(
                    kind: .alarmRaised,
                    gateway: "gw-tank-01",
                    device: "gas-1",
                    point: "lel",
                    level: .level1,
                    value: .number(27.5),
                    limit: 25,
                    unit: "%LEL",
                    timestamp: Timestamp(milliseconds: t0 + 1877),
                    reason: "value 27.5 %LEL ≥ level1 25",
                    sequence: 9004
                )
            )
        ),
    ]

    static let secrets: [String: String] = [
        // SM4 key and IV as the authority issues them (32 hex digits), and the appsecret header.
        "key": "8a2f0c1d5e6b7a8c9d0e1f2a3b4c5d6e",
        "iv": "00112233445566778899aabbccddeeff",
        "app_secret": "S3cr3t-App",
        // Jiangsu: the ASCII secret, right-padded with spaces to 32 bytes.
        "secret": "JsWiyt2023Secret",
    ]

    static func profile(_ name: String) throws -> PlatformProfile {
        try ProfileLoader.load(path: repository + "/profiles/\(name).yaml").0
    }

    static func renderer(_ name: String) throws -> ProfileRenderer {
        try ProfileRenderer(profile: profile(name), site: site, secrets: secrets, seed: 42)
    }

    /// A golden message as written by hand (one line, trailing line break dropped).
    static func golden(_ name: String) throws -> String {
        let text = try String(
            contentsOfFile: repository + "/Tests/PlatformProfileTests/Golden/\(name)",
            encoding: .utf8
        )
        return text.trimmingCharacters(in: .newlines)
    }

    /// `text` with the value of every `"key":"…"` replaced by `"key":"<placeholder>"`, after checking
    /// that it matches `pattern`: ciphertext and random ids, which a hand-written message cannot hold.
    static func masking(_ text: String, key: String, as placeholder: String, pattern: Regex<Substring>) throws
        -> (text: String, values: [String])
    {
        var values: [String] = []
        var out = text
        let keyed = try Regex("\"\(key)\":\"([^\"]*)\"")
        for match in text.matches(of: keyed) {
            let value = String(match.output[1].substring ?? "")
            #expect(value.wholeMatch(of: pattern) != nil, "\(key) \(value) is not of the expected form")
            values.append(value)
        }
        out = out.replacing(keyed, with: { _ in "\"\(key)\":\"<\(placeholder)>\"" })
        return (out, values)
    }

    static var uuid: Regex<Substring> { /[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}/ }
    static var upperHex: Regex<Substring> { /(?:[0-9A-F]{32})+/ }
    static var base64: Regex<Substring> { /[A-Za-z0-9+\/]+={0,2}/ }
}

import Foundation
import GatewayCore
import Outbox
import PayloadCipher
import PlatformProfile
import Testing

/// The renderer's features on small profiles: grouping, size limits, time formats, omission,
/// reply rules and signatures.
@Suite("Profile renderer")
struct ProfileRendererTests {
    private func make(_ yaml: String, secrets: [String: String] = [:]) throws -> ProfileRenderer {
        let (profile, _) = try ProfileLoader.parse(yaml, name: "p.yaml")
        return try ProfileRenderer(profile: profile, site: ProfileFixture.site, secrets: secrets, seed: 7)
    }

    private func bodies(_ messages: [RenderedMessage]) -> [String] {
        messages.map { String(decoding: $0.body, as: UTF8.self) }
    }

    @Test func groupsPerDeviceAndSplitsByRecordCount() throws {
        var renderer = try make(
            """
            profile: t
            record_id: sequence
            messages:
              data:
                group: device
                max_records: 1
                body: {device: "${device.id}", n: "${message.count}", ids: {$each: records, $item: "${record.id}"}}

            """
        )
        let batch = try renderer.render(ProfileFixture.records, sentAt: ProfileFixture.sentAt)
        #expect(
            bodies(batch.messages) == [
                #"{"device":"tank-a","n":1,"ids":[101]}"#, #"{"device":"gas-1","n":1,"ids":[102]}"#,
                #"{"device":"gas-1","n":1,"ids":[103]}"#,
            ]
        )
        #expect(batch.messages.map(\.sequences) == [[101], [102], [103]])
        #expect(batch.unsent == [104])
    }

    @Test func splitsAMessageOverMaxBytesAndRefusesASingleRecordOverIt() throws {
        let padding = String(repeating: "x", count: 200)
        var renderer = try make(
            """
            profile: t
            messages:
              data:
                max_bytes: 600
                body: {r: {$each: records, $item: {p: "${record.point}", pad: "\(padding)"}}}

            """
        )
        let batch = try renderer.render(Array(ProfileFixture.records.prefix(3)), sentAt: ProfileFixture.sentAt)
        #expect(batch.messages.map(\.sequences) == [[101, 102], [103]])
        #expect(batch.messages.allSatisfy { $0.body.count <= 600 })

        var tight = try make(
            """
            profile: t
            messages:
              data:
                max_bytes: 256
                body: {r: {$each: records, $item: {p: "${record.point}", pad: "\(padding)\(padding)"}}}

            """
        )
        #expect(throws: ProfileError.self) {
            _ = try tight.render(Array(ProfileFixture.records.prefix(1)), sentAt: ProfileFixture.sentAt)
        }
    }

    @Test func timeFormatsAndZones() throws {
        let cases: [(String, String)] = [
            ("format: epoch_ms", "1795404600123"),
            ("format: epoch_s", "1795404600"),
            ("format: iso8601", #""2026-11-23T11:30:00.123+08:00""#),
            ("{format: iso8601, zone: UTC}", #""2026-11-23T03:30:00.123Z""#),
            (#"{format: "yyyy-MM-dd'T'HH:mm:ss.SSS", zone: UTC}"#, #""2026-11-23T03:30:00.123""#),
            ("format: yyyyMMddHHmmss", #""20261123113000""#),
        ]
        for (time, expected) in cases {
            let setting = time.hasPrefix("{") ? "time: \(time)" : "time:\n  \(time)"
            var renderer = try make(
                """
                profile: t
                \(setting)
                messages:
                  data:
                    group: record
                    body: {t: "${record.time}"}

                """
            )
            let batch = try renderer.render(Array(ProfileFixture.records.prefix(1)), sentAt: ProfileFixture.sentAt)
            #expect(bodies(batch.messages) == [#"{"t":\#(expected)}"#], "\(time)")
        }
    }

    @Test func absentFieldsAreNullOrLeftOutAndAlarmLevelsComeFromLimits() throws {
        var renderer = try make(
            """
            profile: t
            values: {missing: omit, decimals: keep}
            alarm_levels: {none: 0, level1: 1, level2: 2}
            quality: {good: 0, bad: 2, communication_failure: 9}
            messages:
              data:
                group: record
                body: {v: "${record.value}", ll: "${point.ll}", l: "${point.l?}", a: "${record.alarm_level}", q: "${record.quality}", tag: "T-${point.tag}"}

            """
        )
        var records = Array(ProfileFixture.records.prefix(3))
        if case .reading(var reading) = records[1].payload {
            reading.value = .number(30)
            records[1].payload = .reading(reading)
        }
        let batch = try renderer.render(records, sentAt: ProfileFixture.sentAt)
        #expect(
            bodies(batch.messages) == [
                #"{"v":12.5,"ll":null,"l":1,"a":0,"q":0,"tag":"T-LT-101"}"#,
                #"{"v":30,"ll":null,"a":1,"q":0,"tag":"T-GT-201"}"#,
                #"{"ll":null,"a":0,"q":9,"tag":"T-GT-201"}"#,
            ]
        )
    }

    @Test func replyRuleTellsAcceptedFromTemporaryAndPermanent() throws {
        let renderer = try make(
            """
            profile: t
            reply: {field: result.code, accepted: [0, "OK"], permanent: [40001], otherwise: temporary}
            messages:
              data:
                body: {v: 1}

            """
        )
        func kind(_ reply: String) -> ReplyVerdict.Kind { renderer.verdict(on: Array(reply.utf8)).kind }
        #expect(kind(#"{"result":{"code":0}}"#) == .accepted)
        #expect(kind(#"{"result":{"code":"0"}}"#) == .accepted)
        #expect(kind(#"{"result":{"code":"OK"}}"#) == .accepted)
        // An HTTP 200 carrying a failure code is no acknowledgement.
        #expect(kind(#"{"result":{"code":500,"msg":"db down"}}"#) == .temporary)
        #expect(kind(#"{"result":{"code":40001}}"#) == .permanent)
        #expect(kind(#"{"code":0}"#) == .temporary)
        #expect(kind("<html>502 Bad Gateway</html>") == .temporary)
    }

    @Test(arguments: [("hmac-sha256", "sha256"), ("hmac-sm3", "sm3")])
    func signatureHeaderMatchesTheOpenSSLCommand(algorithm: String, digest: String) throws {
        var renderer = try make(
            """
            profile: t
            signing: {algorithm: \(algorithm), header: X-Signature, output: hex}
            messages:
              data:
                body: {gw: "${gateway.id}", n: "${message.count}"}

            """,
            secrets: ["sign_key": "k3y-of-the-park"]
        )
        let message = try #require(
            try renderer.render(ProfileFixture.records, sentAt: ProfileFixture.sentAt).messages.first
        )
        let output = try OpenSSLDecrypt.run(
            ["dgst", "-\(digest)", "-hmac", "k3y-of-the-park", "-r"],
            input: message.body
        )
        let expected = String(String(decoding: output, as: UTF8.self).prefix { $0 != " " })
        #expect(message.headers.map(\.name) == ["X-Signature"])
        #expect(message.headers.first?.value == expected)
    }

    @Test func wholeBodyEncryptionNestsDevicesAndStringifiedParts() throws {
        var renderer = try make(
            """
            profile: t
            record_id: sequence
            encryption: {cipher: aes-128, mode: cbc, key_form: hex, iv_form: hex, output: hex}
            messages:
              data:
                encrypt_body: true
                body:
                  devices:
                    $each: devices
                    $item: {id: "${device.id}", name: "${device.name?}", values: {$json: {$each: records, $item: "${record.id}"}}}

            """,
            secrets: ["key": "000102030405060708090a0b0c0d0e0f", "iv": "0f0e0d0c0b0a09080706050403020100"]
        )
        let message = try #require(
            try renderer.render(ProfileFixture.records, sentAt: ProfileFixture.sentAt).messages.first
        )
        let expected =
            #"{"devices":[{"id":"tank-a","name":"罐区A T-101 液位计","values":"[101]"},"#
            + #"{"id":"gas-1","name":"可燃气体探测器 GT-201","values":"[102,103]"}]}"#
        #expect(message.plaintexts.first.map { String(decoding: $0, as: UTF8.self) } == expected)
        // The body on the wire is the hex ciphertext of that plaintext, as the openssl command reads it.
        let plain = try OpenSSLDecrypt.run(
            [
                "enc", "-d", "-aes-128-cbc", "-K", "000102030405060708090a0b0c0d0e0f", "-iv",
                "0f0e0d0c0b0a09080706050403020100",
            ],
            input: try #require(BinaryText.bytes(fromHex: String(decoding: message.body, as: UTF8.self)))
        )
        #expect(String(decoding: plain, as: UTF8.self) == expected)
    }

    @Test func missingSecretsAndSiteValuesAreNamed() throws {
        let (profile, _) = try ProfileLoader.load(path: ProfileFixture.repository + "/profiles/mem-iot-sm4.yaml")
        let missing = #expect(throws: ProfileError.self) {
            _ = try ProfileRenderer(profile: profile, site: ProfileFixture.site, secrets: ["key": "00"])
        }
        #expect(missing?.description.contains("needs the secret 'app_secret'") == true)
        var secrets = ProfileFixture.secrets
        secrets["key"] = "8a2f"
        let short = #expect(throws: ProfileError.self) {
            _ = try ProfileRenderer(profile: profile, site: ProfileFixture.site, secrets: secrets)
        }
        #expect(short?.description.contains("the key (secret 'key') is 2 bytes") == true)
    }

    @Test func secretsAreReadFromTheEnvironmentOrAFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("iv-\(UUID().uuidString).txt")
        try "00112233445566778899aabbccddeeff\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let secrets = try ProfileSecrets.read(
            ["key": "env:PARK_SM4_KEY", "iv": "file:\(file.path)"],
            what: "uplink mem",
            environment: ["PARK_SM4_KEY": "8a2f0c1d5e6b7a8c9d0e1f2a3b4c5d6e"]
        )
        #expect(secrets == ["key": "8a2f0c1d5e6b7a8c9d0e1f2a3b4c5d6e", "iv": "00112233445566778899aabbccddeeff"])
        #expect(throws: ProfileError.self) {
            _ = try ProfileSecrets.read(["key": "env:NOT_SET_HERE"], what: "uplink mem", environment: [:])
        }
    }
}

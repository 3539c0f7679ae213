import Foundation
import TestSupport
import Testing

/// `chemgate check` with platform profiles and `chemgate preview-payload`, run as processes.
@Suite("chemgate check --profile and preview-payload")
struct ProfileCommandTests {
    static let root = Tools.repositoryRoot.path

    @Test func checkValidatesShippedProfilesAndTheSiteProfile() async throws {
        let result = try await ChildProcess.run(
            try Tools.chemgate(),
            [
                "check", "--profile", "\(Self.root)/profiles/mem-iot-sm4.yaml", "--profile",
                "\(Self.root)/profiles/jiangsu-five-in-one-tcp.yaml", "\(Self.root)/examples/mem-platform.yaml",
            ]
        )
        #expect(result.status == 0, "\(result.output)")
        #expect(
            result.output.contains("valid — profile mem-iot-sm4, http, messages data, events, heartbeat, catalogue")
        )
        #expect(result.output.contains("valid — profile jiangsu-five-in-one-tcp, tcp"))
        #expect(result.output.contains("valid — gateway GW-TANKS-01"))
    }

    @Test func checkPointsAtAProfileMistakeAndAMissingSecret() async throws {
        let directory = try Tools.temporaryDirectory()
        let profile = directory.appendingPathComponent("broken.yaml")
        try """
        profile: broken
        messages:
          data:
            body: {v: "${record.vaule}"}

        """.write(to: profile, atomically: true, encoding: .utf8)
        let alone = try await ChildProcess.run(try Tools.chemgate(), ["check", "--profile", profile.path])
        #expect(alone.status == 1)
        #expect(alone.output.contains("broken.yaml:4:15: error: unknown field '${record.vaule}'"), "\(alone.output)")

        let site = directory.appendingPathComponent("site.yaml")
        let example = try String(contentsOfFile: "\(Self.root)/examples/mem-platform.yaml", encoding: .utf8)
        try example
            .replacingOccurrences(of: "devices_path: ../Devices", with: "devices_path: \(Self.root)/Devices")
            .replacingOccurrences(of: "profiles_path: ../profiles", with: "profiles_path: \(Self.root)/profiles")
            .replacingOccurrences(of: "      app_secret: env:MEM_APP_SECRET\n", with: "")
            .write(to: site, atomically: true, encoding: .utf8)
        let missing = try await ChildProcess.run(try Tools.chemgate(), ["check", site.path])
        #expect(missing.status == 1)
        #expect(
            missing.output.contains("uplink 'mem': profile 'mem-iot-sm4' needs the secret 'app_secret'"),
            "\(missing.output)"
        )
    }

    @Test func aTCPProfileNeedsATCPURLAndPreviewShowsTheFrame() async throws {
        let directory = try Tools.temporaryDirectory()
        let secret = directory.appendingPathComponent("js-secret.txt")
        try "JsWiyt2023Secret\n".write(to: secret, atomically: true, encoding: .utf8)
        let site = directory.appendingPathComponent("site.yaml")
        func write(url: String) throws {
            try """
            gateway: { id: GW-1, enterprise: "91320281MA1W8XYZ5K" }
            devices_path: \(Self.root)/Devices
            profiles_path: \(Self.root)/profiles
            links: [ { id: gas-tcp, endpoint: "tcp://192.168.10.21:502" } ]
            devices:
              - id: gd-201
                link: gas-tcp
                unit: 1
                map: honeywell/midas
                points: { concentration: { indicator: "320281002001", tag: GD-201 } }
            uplinks:
              - id: js
                url: "\(url)"
                profile: jiangsu-five-in-one-tcp
                profile_values: { app_id: a1b2, district_code: "3202", data_service_id: WC_ENT_SSSJ, alarm_service_id: WC_ENT_ALARM_REGIONAL }
                profile_secrets: { secret: "file:js-secret.txt" }
            """.write(to: site, atomically: true, encoding: .utf8)
        }
        try write(url: "https://58.213.1.2:8653")
        let wrong = try await ChildProcess.run(try Tools.chemgate(), ["check", site.path])
        #expect(wrong.status == 1)
        #expect(wrong.output.contains("profile 'jiangsu-five-in-one-tcp' sends framed TCP"), "\(wrong.output)")
        try write(url: "tcp://58.213.1.2:8653")
        let right = try await ChildProcess.run(try Tools.chemgate(), ["check", site.path])
        #expect(right.status == 0, "\(right.output)")
        let preview = try await ChildProcess.run(
            try Tools.chemgate(),
            ["preview-payload", "--config", site.path, "--uplink", "js", "--kind", "catalogue", "--decrypt"]
        )
        #expect(preview.status == 0, "\(preview.output)")
        #expect(preview.output.contains(#""serviceId":"WC_ENT_CGQ""#))
        #expect(preview.output.contains(#""}@@"#))
        #expect(preview.output.contains(#"[{"TARGET_CODE":"320281002001""#))
    }

    @Test func previewPayloadRendersTheEncryptedMessageAndItsPlaintext() async throws {
        let child = try ChildProcess(
            try Tools.chemgate(),
            [
                "preview-payload", "--config", "\(Self.root)/examples/mem-platform.yaml", "--uplink", "mem",
                "--decrypt",
            ],
            environment: [
                "MEM_SM4_KEY": "8a2f0c1d5e6b7a8c9d0e1f2a3b4c5d6e", "MEM_SM4_IV": "00112233445566778899aabbccddeeff",
                "MEM_APP_SECRET": "S3cr3t-App",
            ]
        )
        let status = try await child.waitForExit(timeout: .seconds(20))
        try await Task.sleep(for: .milliseconds(30))
        let output = child.text
        #expect(status == 0, "\(output)")
        #expect(output.contains("message 1 of 1: data, 1 records"))
        #expect(output.contains("header appsecret: ****"))
        #expect(!output.contains("S3cr3t-App"))
        #expect(output.contains(#"{"appid":"a1b2c3d4e5f60718293a4b5c6d7e8f90","data":""#))
        #expect(output.contains(#""quotaId":"340100201001","value":"#))
        #expect(output.contains(#""companyCode":"91340100MA2XXXXX0X","gatewayCode":"GW-TANKS-01""#))
    }
}

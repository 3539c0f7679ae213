import DeviceMap
import PayloadCipher
import PlatformProfile
import Testing

/// Profile files are checked like device maps: every problem at once, at its line and column.
@Suite("Profile loader")
struct ProfileLoaderTests {
    private func issues(_ text: String) -> [ConfigIssue] {
        do {
            _ = try ProfileLoader.parse(text, name: "p.yaml")
            return []
        } catch {
            return error.issues
        }
    }

    private let minimal = """
        profile: test
        messages:
          data:
            body:
              v: "${record.value}"

        """

    @Test func minimalProfileLoadsWithDefaults() throws {
        let (profile, warnings) = try ProfileLoader.parse(minimal, name: "p.yaml")
        #expect(warnings.isEmpty)
        #expect(profile.transport == .http)
        #expect(profile.time.zone == "Asia/Shanghai")
        #expect(profile.messages[.data]?.grouping == .batch)
        #expect(profile.secrets.isEmpty)
    }

    @Test func misspeltKeyAndFieldArePointedAtWithSuggestions() {
        let found = issues(
            """
            profile: test
            tme:
              format: epoch_ms
            messages:
              data:
                body:
                  v: "${record.valeu}"

            """
        )
        #expect(found.count == 2)
        #expect(found.contains { $0.location == "p.yaml:2:1" && $0.message.contains("did you mean 'time'") })
        #expect(found.contains { $0.location == "p.yaml:7:10" && $0.message.contains("${record.value}") })
    }

    @Test func inconsistentSectionsAreRefused() {
        let found = issues(
            """
            profile: test
            transport:
              type: tcp
            time:
              format: yyyyMMddHHmmssX
              zone: Mars/Olympus
            reply:
              field: code
              accepted: [0]
              otherwise: accepted
            messages:
              data:
                encrypt_body: true
                body:
                  data:
                    $encrypt: {v: "${record.value}"}

            """
        )
        let messages = found.map(\.description).joined(separator: "\n")
        #expect(messages.contains("p.yaml:3:3: error: a tcp transport needs 'delimiter'"))
        #expect(messages.contains("'X' is not a field of a time pattern"))
        #expect(messages.contains("never an acknowledgement"))
        #expect(messages.contains("encrypt_body needs an 'encryption' section"))
        #expect(messages.contains("'$encrypt' needs an 'encryption' section"))
    }

    @Test func cipherKeyFormsAndSecretsAreRead() throws {
        let (profile, _) = try ProfileLoader.parse(
            """
            profile: test
            encryption:
              cipher: aes-256
              mode: ecb
              key: platform_secret
              key_form: padded_text
              output: HEX
            signing:
              algorithm: hmac-sm3
              header: X-Sign
            headers:
              appsecret: "${secret.app_secret}"
            messages:
              data:
                body: {appid: "${site.app_id}", data: {$encrypt: {v: "${record.value}"}}}

            """,
            name: "p.yaml"
        )
        #expect(profile.encryption?.suite.description == "aes-256-ecb/pkcs7")
        #expect(profile.encryption?.keyForm == .paddedText(pad: UInt8(ascii: " ")))
        #expect(profile.encryption?.ivSecret == nil)
        #expect(profile.secrets == ["platform_secret", "sign_key", "app_secret"])
        #expect(profile.siteValues == ["app_id"])
    }
}

import Foundation
import GatewayCore
import PayloadCipher
import PlatformProfile
import Testing

/// Each shipped profile against messages written by hand from DOMAIN.md's field lists (Golden/),
/// ciphertext decrypted with PayloadCipher and, for AES, the openssl command.
@Suite("Shipped profiles")
struct ShippedProfileTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func memIoTSM4DataIsAppIDAndUpperHexSM4CBCOfTheHandWrittenPayload() throws {
        var renderer = try ProfileFixture.renderer("mem-iot-sm4")
        let batch = try renderer.render(ProfileFixture.records, sentAt: ProfileFixture.sentAt)
        #expect(batch.messages.map(\.kind) == [.data, .events])
        #expect(batch.unsent.isEmpty)
        let data = batch.messages[0]
        #expect(data.sequences == [101, 102, 103])
        let (envelope, ciphertexts) = try ProfileFixture.masking(
            text(data.body),
            key: "data",
            as: "ciphertext",
            pattern: ProfileFixture.upperHex
        )
        #expect(envelope == (try ProfileFixture.golden("mem-iot-sm4.data.envelope.json")))
        #expect(data.headers.count == 1)
        #expect(data.headers.first?.name == "appsecret")
        #expect(data.headers.first?.value == "S3cr3t-App")
        // Decrypted independently of the renderer: SM4-CBC/PKCS7 with the issued key and IV.
        let key = try #require(BinaryText.bytes(fromHex: "8a2f0c1d5e6b7a8c9d0e1f2a3b4c5d6e"))
        let iv = try #require(BinaryText.bytes(fromHex: "00112233445566778899aabbccddeeff"))
        let cipher = try PayloadCipher(suite: CipherSuite(cipher: .sm4, mode: .cbc), key: key, iv: iv)
        let ciphertext = try #require(ciphertexts.first)
        let plain = try cipher.decrypt(try #require(BinaryText.bytes(fromHex: ciphertext)))
        #expect(text(plain) == (try ProfileFixture.golden("mem-iot-sm4.data.plain.json")))
        #expect(data.plaintexts == [plain])
        // And by the openssl command.
        let byOpenSSL = try OpenSSLDecrypt.run(
            [
                "enc", "-d", "-sm4-cbc", "-K", "8a2f0c1d5e6b7a8c9d0e1f2a3b4c5d6e", "-iv",
                "00112233445566778899aabbccddeeff",
            ],
            input: try #require(BinaryText.bytes(fromHex: ciphertext))
        )
        #expect(byOpenSSL == plain)
    }

    @Test func memIoTSM4EventHeartbeatAndCatalogue() throws {
        var renderer = try ProfileFixture.renderer("mem-iot-sm4")
        let batch = try renderer.render(ProfileFixture.records, sentAt: ProfileFixture.sentAt)
        let event = try #require(batch.messages.last)
        #expect(event.sequences == [104])
        let eventPlain = try ProfileFixture.masking(
            text(event.plaintexts[0]),
            key: "alarmId",
            as: "uuid",
            pattern: ProfileFixture.uuid
        )
        #expect(eventPlain.text == (try ProfileFixture.golden("mem-iot-sm4.event.plain.json")))

        let heartbeat = try #require(try renderer.renderHeartbeat(sentAt: ProfileFixture.sentAt))
        #expect(text(heartbeat.plaintexts[0]) == (try ProfileFixture.golden("mem-iot-sm4.heartbeat.plain.json")))

        let catalogue = try renderer.renderCatalogue(sentAt: ProfileFixture.sentAt)
        #expect(catalogue.count == 1)
        #expect(catalogue[0].points == ["tank-a.level", "gas-1.lel"])
        #expect(text(catalogue[0].plaintexts[0]) == (try ProfileFixture.golden("mem-iot-sm4.catalogue.plain.json")))
        // What travels decrypts to the same plaintext.
        let (_, ciphertexts) = try ProfileFixture.masking(
            text(catalogue[0].body),
            key: "data",
            as: "ciphertext",
            pattern: ProfileFixture.upperHex
        )
        let catalogueCiphertext = try #require(ciphertexts.first)
        #expect(try renderer.decrypt(catalogueCiphertext) == catalogue[0].plaintexts[0])
    }

    @Test func jiangsuFramesAreEnvelopesEndingInDelimiterWithAES256ECBBase64Rows() throws {
        var renderer = try ProfileFixture.renderer("jiangsu-five-in-one-tcp")
        guard case .tcp(let framing) = renderer.profile.transport else {
            Issue.record("jiangsu-five-in-one-tcp is not a TCP profile")
            return
        }
        let batch = try renderer.render(ProfileFixture.records, sentAt: ProfileFixture.sentAt)
        #expect(batch.messages.map(\.kind) == [.data, .events])
        let frame = text(framing.frame(batch.messages[0].body))
        var masked = try ProfileFixture.masking(frame, key: "dataId", as: "uuid", pattern: ProfileFixture.uuid)
        let data = try ProfileFixture.masking(
            masked.text,
            key: "data",
            as: "ciphertext",
            pattern: ProfileFixture.base64
        )
        #expect(data.text == (try ProfileFixture.golden("jiangsu.data.frame.txt")))
        // Decrypted by the openssl command: AES-256-ECB, key = secret right-padded with spaces to 32 bytes.
        let key = BinaryText.hex(Array("JsWiyt2023Secret".utf8) + Array(repeating: UInt8(ascii: " "), count: 16))
        let plain = try OpenSSLDecrypt.run(
            ["enc", "-d", "-aes-256-ecb", "-K", key, "-base64", "-A"],
            input: Array(data.values.joined().utf8)
        )
        #expect(text(plain) == (try ProfileFixture.golden("jiangsu.data.plain.json")))

        let events = try ProfileFixture.masking(
            text(batch.messages[1].plaintexts[0]),
            key: "GJID",
            as: "uuid",
            pattern: ProfileFixture.uuid
        )
        #expect(events.text == (try ProfileFixture.golden("jiangsu.event.plain.json")))

        let catalogue = try renderer.renderCatalogue(sentAt: ProfileFixture.sentAt)
        #expect(catalogue.count == 1)
        masked = try ProfileFixture.masking(
            text(framing.frame(catalogue[0].body)),
            key: "dataId",
            as: "uuid",
            pattern: ProfileFixture.uuid
        )
        let catalogueData = try ProfileFixture.masking(
            masked.text,
            key: "data",
            as: "ciphertext",
            pattern: ProfileFixture.base64
        )
        #expect(catalogueData.text == (try ProfileFixture.golden("jiangsu.catalogue.frame.txt")))
        let cataloguePlain = try OpenSSLDecrypt.run(
            ["enc", "-d", "-aes-256-ecb", "-K", key, "-base64", "-A"],
            input: Array(catalogueData.values.joined().utf8)
        )
        #expect(text(cataloguePlain) == (try ProfileFixture.golden("jiangsu.catalogue.plain.json")))
    }

    @Test func parkJSONStringsWritesStringValuesLocalTimeAndLeavesEventsOut() throws {
        var renderer = try ProfileFixture.renderer("park-json-strings")
        let batch = try renderer.render(ProfileFixture.records, sentAt: ProfileFixture.sentAt)
        #expect(batch.messages.count == 1)
        #expect(batch.unsent == [104])
        #expect(text(batch.messages[0].body) == (try ProfileFixture.golden("park-json-strings.data.json")))
        #expect(batch.messages[0].headers.isEmpty)
        let catalogue = try renderer.renderCatalogue(sentAt: ProfileFixture.sentAt)
        #expect(text(catalogue[0].body) == (try ProfileFixture.golden("park-json-strings.catalogue.json")))
        #expect(renderer.verdict(on: Array(#"{"success":true}"#.utf8)).kind == .accepted)
        #expect(renderer.verdict(on: Array(#"{"success":false,"msg":"busy"}"#.utf8)).kind == .temporary)
    }

    @Test func everyShippedProfileLoads() throws {
        let directory = ProfileFixture.repository + "/profiles"
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }
        #expect(files.count >= 3)
        for file in files {
            let (profile, warnings) = try ProfileLoader.load(path: directory + "/" + file)
            #expect(profile.name + ".yaml" == file)
            #expect(warnings.isEmpty)
        }
    }
}

/// The `openssl` command: a decryption outside this package.
enum OpenSSLDecrypt {
    static func run(_ arguments: [String], input: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ProfileTestFailure("openssl \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return Array(output)
    }
}

struct ProfileTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

import PayloadCipher
import Testing

@Suite("HMAC-SM3")
struct HMACSM3Tests {
    @Test(arguments: [("key", "0123456789abcdeffedcba9876543210"), ("appsecret-2026", "")])
    func matchesOpenSSLCommand(key: String, messageHex: String) throws {
        let message = try #require(BinaryText.bytes(fromHex: messageHex))
        let code = try HMACSM3.authenticationCode(for: message, key: Array(key.utf8))
        let reference = try OpenSSLCommand.run(["dgst", "-sm3", "-hmac", key, "-hex", "-r"], input: message)
        let referenceHex = String(decoding: reference, as: UTF8.self).prefix(64)
        #expect(BinaryText.hex(code) == String(referenceHex))
        #expect(code.count == 32)
    }

    /// Recorded from `openssl dgst -sm3 -hmac key` over the GB/T 32907 example block, so a change of
    /// library or call that alters the result is caught even where the command is missing.
    @Test func recordedVector() throws {
        let message = try #require(BinaryText.bytes(fromHex: "0123456789abcdeffedcba9876543210"))
        let code = try HMACSM3.authenticationCode(for: message, key: Array("key".utf8))
        #expect(BinaryText.hex(code) == "998af35892b5b1ac1fbf8c6b58db4062e2336d2789437fee97928cefbbe6bf74")
    }
}

import PayloadCipher
import Testing

@Suite("SM4")
struct SM4Tests {
    /// GB/T 32907-2016, appendix A example 1: key and plaintext 0123456789abcdeffedcba9876543210.
    @Test func standardExampleOneBlock() throws {
        let bytes = try #require(BinaryText.bytes(fromHex: "0123456789abcdeffedcba9876543210"))
        let cipher = try PayloadCipher(
            suite: CipherSuite(cipher: .sm4, mode: .ecb, padding: .none),
            key: bytes,
            iv: nil
        )
        let encrypted = try cipher.encrypt(bytes)
        #expect(BinaryText.hex(encrypted) == "681edf34d206965e86b3e94f536e4246")
        #expect(try cipher.decrypt(encrypted) == bytes)
    }

    /// SM4-CBC with PKCS padding as MEM-style platforms use it, against `openssl enc -sm4-cbc`.
    @Test(arguments: [0, 1, 15, 16, 17, 100])
    func cbcMatchesOpenSSLCommand(length: Int) throws {
        let keyHex = "8a2f0c1d5e6b7a8c9d0e1f2a3b4c5d6e"
        let ivHex = "00112233445566778899aabbccddeeff"
        let plaintext =
            Array(#"{"appid":"T1","data":[{"code":"LT101","value":"42.5"}]}"#.utf8.prefix(length))
            + Array(repeating: UInt8(ascii: "x"), count: max(0, length - 56))
        let cipher = try PayloadCipher(
            suite: CipherSuite(cipher: .sm4, mode: .cbc),
            key: KeyForm.hex.bytes(from: keyHex, size: 16, what: "key"),
            iv: KeyForm.hex.bytes(from: ivHex, size: 16, what: "iv")
        )
        let reference = try OpenSSLCommand.run(["enc", "-sm4-cbc", "-K", keyHex, "-iv", ivHex], input: plaintext)
        let encrypted = try cipher.encrypt(plaintext)
        #expect(encrypted == reference)
        #expect(encrypted.count == (plaintext.count / 16 + 1) * 16)
        #expect(try cipher.decrypt(reference) == plaintext)
        let back = try OpenSSLCommand.run(["enc", "-d", "-sm4-cbc", "-K", keyHex, "-iv", ivHex], input: encrypted)
        #expect(back == plaintext)
    }

    @Test func wrongKeyIsNamedNotReturnedAsGarbage() throws {
        let suite = CipherSuite(cipher: .sm4, mode: .cbc)
        let iv = [UInt8](repeating: 7, count: 16)
        let right = try PayloadCipher(suite: suite, key: [UInt8](repeating: 1, count: 16), iv: iv)
        let wrong = try PayloadCipher(suite: suite, key: [UInt8](repeating: 2, count: 16), iv: iv)
        let encrypted = try right.encrypt(Array("reading 42.5 %LEL".utf8))
        // A wrong key almost always breaks the padding; when it happens not to, the text differs.
        do {
            let decrypted = try wrong.decrypt(encrypted)
            #expect(decrypted != Array("reading 42.5 %LEL".utf8))
        } catch {
            #expect(error.code == .badCiphertext)
            #expect(error.description.contains("wrong key, IV, mode or padding"))
        }
        #expect(throws: CipherError.self) { try right.decrypt(Array(encrypted.dropLast())) }
    }
}

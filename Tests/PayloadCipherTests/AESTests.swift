import PayloadCipher
import Testing

/// NIST SP 800-38A, appendix F: the four-block plaintext and the ECB and CBC examples.
@Suite("AES (NIST SP 800-38A)")
struct AESTests {
    static let plaintext =
        "6bc1bee22e409f96e93d7e117393172a" + "ae2d8a571e03ac9c9eb76fac45af8e51"
        + "30c81c46a35ce411e5fbc1191a0a52ef" + "f69f2445df4f9b17ad2b417be66c3710"
    static let key128 = "2b7e151628aed2a6abf7158809cf4f3c"
    static let key256 = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"
    static let iv = "000102030405060708090a0b0c0d0e0f"

    struct Example: Sendable, CustomTestStringConvertible {
        var name: String
        var cipher: BlockCipher
        var mode: CipherMode
        var key: String
        var ciphertext: String
        var testDescription: String { name }
    }

    static let examples: [Example] = [
        Example(
            name: "F.1.1 ECB-AES128",
            cipher: .aes128,
            mode: .ecb,
            key: key128,
            ciphertext: "3ad77bb40d7a3660a89ecaf32466ef97" + "f5d3d58503b9699de785895a96fdbaaf"
                + "43b1cd7f598ece23881b00e3ed030688" + "7b0c785e27e8ad3f8223207104725dd4"
        ),
        Example(
            name: "F.1.5 ECB-AES256",
            cipher: .aes256,
            mode: .ecb,
            key: key256,
            ciphertext: "f3eed1bdb5d2a03c064b5a7e3db181f8" + "591ccb10d410ed26dc5ba74a31362870"
                + "b6ed21b99ca6f4f9f153e7b1beafed1d" + "23304b7a39f9f3ff067d8d8f9e24ecc7"
        ),
        Example(
            name: "F.2.1 CBC-AES128",
            cipher: .aes128,
            mode: .cbc,
            key: key128,
            ciphertext: "7649abac8119b246cee98e9b12e9197d" + "5086cb9b507219ee95db113a917678b2"
                + "73bed6b8e3c1743b7116e69e22229516" + "3ff1caa1681fac09120eca307586e1a7"
        ),
        Example(
            name: "F.2.5 CBC-AES256",
            cipher: .aes256,
            mode: .cbc,
            key: key256,
            ciphertext: "f58c4c04d6e5f1ba779eabfb5f7bfbd6" + "9cfc4e967edb808d679f777bc6702c7d"
                + "39f23369a9d9bacfa530e26304231461" + "b2eb05e2c39be9fcda6c19078c6a9d1b"
        ),
    ]

    @Test(arguments: examples)
    func nistExample(_ example: Example) throws {
        let iv = example.mode == .cbc ? BinaryText.bytes(fromHex: Self.iv) : nil
        let cipher = try PayloadCipher(
            suite: CipherSuite(cipher: example.cipher, mode: example.mode, padding: .none),
            key: #require(BinaryText.bytes(fromHex: example.key)),
            iv: iv
        )
        let plaintext = try #require(BinaryText.bytes(fromHex: Self.plaintext))
        #expect(BinaryText.hex(try cipher.encrypt(plaintext)) == example.ciphertext)
        #expect(try cipher.decrypt(#require(BinaryText.bytes(fromHex: example.ciphertext))) == plaintext)
    }

    /// Jiangsu's five-in-one access: AES-256-ECB/PKCS7, key = the secret right-padded with spaces
    /// to 32 bytes, ciphertext in Base64. Checked against `openssl enc` with the same key bytes.
    @Test func spacePaddedSecretECBMatchesOpenSSLCommand() throws {
        let key = try KeyForm.paddedText(pad: UInt8(ascii: " ")).bytes(from: "JSWYYT2024secret", size: 32, what: "key")
        #expect(key.count == 32)
        #expect(key.suffix(16) == [UInt8](repeating: 0x20, count: 16))
        let cipher = try PayloadCipher(suite: CipherSuite(cipher: .aes256, mode: .ecb), key: key, iv: nil)
        let rows = Array(#"[{"CGQBM":"320500001LT101","SSZ":"42.50","SJSJ":"20261203101500"}]"#.utf8)
        let reference = try OpenSSLCommand.run(["enc", "-aes-256-ecb", "-K", BinaryText.hex(key)], input: rows)
        let encrypted = try cipher.encrypt(rows)
        #expect(encrypted == reference)
        let text = BinaryText.base64(encrypted)
        #expect(try cipher.decrypt(#require(BinaryText.bytes(fromBase64: text))) == rows)
    }
}

import PayloadCipher
import Testing

@Suite("Key texts and settings errors")
struct KeyTextTests {
    @Test func formsGiveTheSameBytes() throws {
        let expected: [UInt8] = Array("0123456789ABCDEF".utf8)
        #expect(try KeyForm.text.bytes(from: "0123456789ABCDEF", size: 16, what: "key") == expected)
        #expect(try KeyForm.hex.bytes(from: "30313233343536373839414243444546", size: 16, what: "key") == expected)
        #expect(
            try KeyForm.hex.bytes(from: "30313233343536373839414243444546".uppercased(), size: 16, what: "k")
                == expected
        )
        #expect(try KeyForm.base64.bytes(from: "MDEyMzQ1Njc4OUFCQ0RFRg==", size: 16, what: "key") == expected)
        #expect(try KeyForm.base64.bytes(from: "MDEyMzQ1Njc4OUFCQ0RFRg", size: 16, what: "key") == expected)
        #expect(
            try KeyForm.paddedText(pad: 0).bytes(from: "abc", size: 16, what: "key") == Array("abc".utf8)
                + Array(repeating: 0, count: 13)
        )
    }

    @Test func wrongSizesAndTextsAreNamed() {
        #expect(throws: CipherError(.keySize, "uplink park: key is 15 bytes; the cipher needs exactly 16")) {
            try KeyForm.text.bytes(from: "0123456789ABCDE", size: 16, what: "uplink park: key")
        }
        #expect(throws: CipherError(.keyText, "uplink park: key is not hexadecimal (expected 32 hex digits)")) {
            try KeyForm.hex.bytes(from: "zz", size: 16, what: "uplink park: key")
        }
        #expect(throws: CipherError(.keyText, "iv is not valid Base64")) {
            try KeyForm.base64.bytes(from: "!!!", size: 16, what: "iv")
        }
        #expect(throws: CipherError(.keySize, "key is 33 bytes, longer than the 32 the cipher takes")) {
            try KeyForm.paddedText(pad: 0x20).bytes(from: String(repeating: "s", count: 33), size: 32, what: "key")
        }
    }

    @Test func cipherSettingsAreChecked() {
        let sixteen = [UInt8](repeating: 1, count: 16)
        #expect(throws: CipherError(.keySize, "uplink js: the aes-256 key is 16 bytes; it must be 32")) {
            try PayloadCipher(suite: CipherSuite(cipher: .aes256, mode: .ecb), key: sixteen, iv: nil, what: "uplink js")
        }
        #expect(throws: CipherError(.ivSize, "mem: CBC needs an IV of 16 bytes (often called salt)")) {
            try PayloadCipher(suite: CipherSuite(cipher: .sm4, mode: .cbc), key: sixteen, iv: nil, what: "mem")
        }
        #expect(throws: CipherError(.ivSize, "mem: ECB takes no IV; remove it or choose CBC")) {
            try PayloadCipher(suite: CipherSuite(cipher: .sm4, mode: .ecb), key: sixteen, iv: sixteen, what: "mem")
        }
        #expect(throws: CipherError(.ivSize, "mem: the CBC IV is 8 bytes; it must be 16")) {
            try PayloadCipher(
                suite: CipherSuite(cipher: .sm4, mode: .cbc),
                key: sixteen,
                iv: Array(sixteen.prefix(8)),
                what: "mem"
            )
        }
    }

    @Test func hexRoundTrip() {
        let bytes: [UInt8] = [0x00, 0x0f, 0xa5, 0xff]
        #expect(BinaryText.hex(bytes) == "000fa5ff")
        #expect(BinaryText.bytes(fromHex: "000fa5ff") == bytes)
        #expect(BinaryText.bytes(fromHex: "abc") == nil)
        #expect(BinaryText.bytes(fromHex: "0g") == nil)
    }
}

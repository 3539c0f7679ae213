import CLibCrypto

/// Encrypts and decrypts whole messages with one ``CipherSuite``, key and IV, through the system's
/// OpenSSL libcrypto (EVP), so no cipher is written by hand.
///
/// A value type holding only bytes: every call builds and frees its own `EVP_CIPHER_CTX`, so one
/// instance can be shared between tasks.
public struct PayloadCipher: Sendable {
    public let suite: CipherSuite
    private let key: [UInt8]
    private let iv: [UInt8]?

    /// - Parameters:
    ///   - suite: cipher, mode and padding.
    ///   - key: exactly ``BlockCipher/keySize`` bytes.
    ///   - iv: one block (16 bytes) for CBC; must be nil for ECB.
    ///   - what: names the setting in errors, e.g. "uplink park".
    public init(suite: CipherSuite, key: [UInt8], iv: [UInt8]?, what: String = "cipher") throws(CipherError) {
        guard key.count == suite.cipher.keySize else {
            throw CipherError(
                .keySize,
                "\(what): the \(suite.cipher.rawValue) key is \(key.count) bytes; it must be \(suite.cipher.keySize)"
            )
        }
        switch (suite.mode, iv) {
        case (.cbc, let iv?) where iv.count == suite.cipher.blockSize:
            break
        case (.cbc, let iv?):
            throw CipherError(.ivSize, "\(what): the CBC IV is \(iv.count) bytes; it must be \(suite.cipher.blockSize)")
        case (.cbc, nil):
            throw CipherError(
                .ivSize,
                "\(what): CBC needs an IV of \(suite.cipher.blockSize) bytes (often called salt)"
            )
        case (.ecb, nil):
            break
        case (.ecb, .some):
            throw CipherError(.ivSize, "\(what): ECB takes no IV; remove it or choose CBC")
        }
        guard EVP_get_cipherbyname(suite.openSSLName) != nil else {
            throw CipherError(.library, "\(what): this system's libcrypto has no \(suite.openSSLName)")
        }
        self.suite = suite
        self.key = key
        self.iv = iv
    }

    /// The ciphertext of `plaintext` (padded per the suite).
    public func encrypt(_ plaintext: [UInt8]) throws(CipherError) -> [UInt8] {
        try run(plaintext, encrypting: true)
    }

    /// The plaintext of `ciphertext`; a wrong key, IV or mode usually ends as ``CipherError/Code/badCiphertext``.
    public func decrypt(_ ciphertext: [UInt8]) throws(CipherError) -> [UInt8] {
        try run(ciphertext, encrypting: false)
    }

    private func run(_ input: [UInt8], encrypting: Bool) throws(CipherError) -> [UInt8] {
        guard input.count < Int(Int32.max) - 64 else {
            throw CipherError(.tooLarge, "a message of \(input.count) bytes is too large to encrypt at once")
        }
        if suite.padding == .none || !encrypting, !input.count.isMultiple(of: suite.cipher.blockSize) {
            throw CipherError(
                encrypting ? .library : .badCiphertext,
                "\(input.count) bytes are not a whole number of \(suite.cipher.blockSize)-byte blocks"
                    + (encrypting ? " (padding none)" : ": not a ciphertext of \(suite)")
            )
        }
        guard let cipher = EVP_get_cipherbyname(suite.openSSLName), let context = EVP_CIPHER_CTX_new() else {
            throw LibCryptoError.last("cannot set up \(suite.openSSLName)")
        }
        defer { EVP_CIPHER_CTX_free(context) }
        let initialised = key.withUnsafeBufferPointer { keyBytes in
            withOptionalBytes(iv) { ivBytes in
                EVP_CipherInit_ex2(context, cipher, keyBytes.baseAddress, ivBytes, encrypting ? 1 : 0, nil)
            }
        }
        guard initialised == 1 else { throw LibCryptoError.last("cannot start \(suite.openSSLName)") }
        EVP_CIPHER_CTX_set_padding(context, suite.padding == .pkcs7 ? 1 : 0)

        var output = [UInt8](repeating: 0, count: input.count + suite.cipher.blockSize)
        var written: Int32 = 0
        var finalWritten: Int32 = 0
        let succeeded = output.withUnsafeMutableBufferPointer { out -> Bool in
            let updated = input.withUnsafeBufferPointer { bytes in
                EVP_CipherUpdate(context, out.baseAddress, &written, bytes.baseAddress, Int32(bytes.count))
            }
            guard updated == 1 else { return false }
            return EVP_CipherFinal_ex(context, out.baseAddress! + Int(written), &finalWritten) == 1
        }
        guard succeeded else {
            if encrypting { throw LibCryptoError.last("\(suite.openSSLName) refused to encrypt") }
            ERR_clear_error()
            throw CipherError(
                .badCiphertext,
                "the message does not decrypt with \(suite): wrong key, IV, mode or padding"
            )
        }
        output.removeSubrange(Int(written + finalWritten)...)
        return output
    }
}

/// Calls `body` with the IV's bytes, or nil when there is none (ECB).
private func withOptionalBytes<Result>(
    _ bytes: [UInt8]?,
    _ body: (UnsafePointer<UInt8>?) -> Result
) -> Result {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBufferPointer { body($0.baseAddress) }
}

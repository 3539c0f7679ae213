import CLibCrypto

/// libcrypto's own error queue, read once and emptied, as a ``CipherError``.
enum LibCryptoError {
    static func last(_ context: String) -> CipherError {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return CipherError(.library, context) }
        var text = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &text, text.count)
        let reason = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return CipherError(.library, "\(context): \(reason)")
    }
}

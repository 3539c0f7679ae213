#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// How a platform writes a key or IV in its access document, and so how the configured text
/// becomes bytes.
public enum KeyForm: Sendable, Hashable {
    /// Hexadecimal digits, two per byte (`0123456789abcdef…`).
    case hex
    /// Base64 (standard alphabet, padding optional).
    case base64
    /// The text's UTF-8 bytes, exactly the key's size.
    case text
    /// The text's UTF-8 bytes right-padded with `pad` to the key's size (Jiangsu's "secret right-padded
    /// with spaces to 32 bytes"); a longer text is an error, never silently cut.
    case paddedText(pad: UInt8)

    /// Turns the configured text into exactly `size` bytes, or says why it cannot.
    /// - Parameters:
    ///   - text: the key or IV as configured (environment variable or file contents, whitespace at
    ///     the ends already trimmed by the caller where that is wanted).
    ///   - size: the bytes the cipher needs (``BlockCipher/keySize`` or the block size for an IV).
    ///   - what: names the value in errors, e.g. "uplink park: key".
    public func bytes(from text: String, size: Int, what: String) throws(CipherError) -> [UInt8] {
        let bytes: [UInt8]
        switch self {
        case .hex:
            guard let decoded = BinaryText.bytes(fromHex: text) else {
                throw CipherError(.keyText, "\(what) is not hexadecimal (expected \(size * 2) hex digits)")
            }
            bytes = decoded
        case .base64:
            guard let decoded = BinaryText.bytes(fromBase64: text) else {
                throw CipherError(.keyText, "\(what) is not valid Base64")
            }
            bytes = decoded
        case .text:
            bytes = Array(text.utf8)
        case .paddedText(let pad):
            let raw = Array(text.utf8)
            guard raw.count <= size else {
                throw CipherError(
                    .keySize,
                    "\(what) is \(raw.count) bytes, longer than the \(size) the cipher takes"
                )
            }
            bytes = raw + Array(repeating: pad, count: size - raw.count)
        }
        guard bytes.count == size else {
            throw CipherError(.keySize, "\(what) is \(bytes.count) bytes; the cipher needs exactly \(size)")
        }
        return bytes
    }
}

public import PayloadCipher

/// How a profile encrypts (`encryption:`): the suite, where the key and IV come from and how they
/// are written, and how ciphertext is written as text.
public struct EncryptionSpec: Sendable, Hashable {
    public var suite: CipherSuite
    /// The secret holding the key (`profile_secrets` of the uplink), default `key`.
    public var keySecret: String
    public var keyForm: KeyForm
    /// The secret holding the IV (CBC), default `iv`; nil for ECB.
    public var ivSecret: String?
    public var ivForm: KeyForm
    public var output: TextEncoding
}

/// How bytes (ciphertext, signatures) are written as text.
public enum TextEncoding: String, Sendable, Hashable, CaseIterable {
    case base64
    /// Lower-case hex.
    case hex
    /// Upper-case hex.
    case hexUpper = "HEX"

    /// `bytes` as text.
    public func text(_ bytes: [UInt8]) -> String {
        switch self {
        case .base64: BinaryText.base64(bytes)
        case .hex: BinaryText.hex(bytes)
        case .hexUpper: BinaryText.hex(bytes).uppercased()
        }
    }

    /// The bytes of `text`, or nil when it is not this encoding.
    public func bytes(_ text: String) -> [UInt8]? {
        switch self {
        case .base64: BinaryText.bytes(fromBase64: text)
        case .hex, .hexUpper: BinaryText.bytes(fromHex: text)
        }
    }
}

/// A request signature (`signing:`), sent in an HTTP header.
public struct SigningSpec: Sendable, Hashable {
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        case hmacSHA256 = "hmac-sha256"
        case hmacSM3 = "hmac-sm3"
    }

    public var algorithm: Algorithm
    /// The secret holding the signing key, default `sign_key`.
    public var keySecret: String
    public var keyForm: KeyForm
    public var output: TextEncoding
    /// The header that carries the signature.
    public var header: String
}

/// The block ciphers platforms ask for, with their key sizes.
public enum BlockCipher: String, Sendable, Hashable, CaseIterable {
    /// SM4 (GB/T 32907-2016): 128-bit key, 128-bit block.
    case sm4
    case aes128 = "aes-128"
    case aes192 = "aes-192"
    case aes256 = "aes-256"

    /// The key length in bytes.
    public var keySize: Int {
        switch self {
        case .sm4, .aes128: 16
        case .aes192: 24
        case .aes256: 32
        }
    }

    /// Every cipher here has a 16-byte block (and a 16-byte IV in CBC).
    public var blockSize: Int { 16 }
}

/// How blocks are chained.
public enum CipherMode: String, Sendable, Hashable, CaseIterable {
    /// Each block on its own (no IV). Platforms still specify it; it leaks equal blocks.
    case ecb
    /// Cipher block chaining with an IV (platforms often call it the "salt").
    case cbc
}

/// How the plaintext is filled up to whole blocks.
public enum CipherPadding: String, Sendable, Hashable, CaseIterable {
    /// PKCS#7 (for a 16-byte block identical to what Java calls PKCS5Padding).
    case pkcs7
    /// No padding: the plaintext must already be a whole number of blocks.
    case none
}

/// A cipher, a mode and a padding: the whole of what a platform's access document says about
/// how `data` is encrypted.
public struct CipherSuite: Sendable, Hashable, CustomStringConvertible {
    public var cipher: BlockCipher
    public var mode: CipherMode
    public var padding: CipherPadding

    public init(cipher: BlockCipher, mode: CipherMode, padding: CipherPadding = .pkcs7) {
        self.cipher = cipher
        self.mode = mode
        self.padding = padding
    }

    /// The cipher's name in OpenSSL (`SM4-CBC`, `AES-256-ECB`).
    var openSSLName: String {
        let base =
            switch cipher {
            case .sm4: "SM4"
            case .aes128: "AES-128"
            case .aes192: "AES-192"
            case .aes256: "AES-256"
            }
        return "\(base)-\(mode.rawValue.uppercased())"
    }

    /// `sm4-cbc/pkcs7`, as configuration files write it.
    public var description: String { "\(cipher.rawValue)-\(mode.rawValue)/\(padding.rawValue)" }
}

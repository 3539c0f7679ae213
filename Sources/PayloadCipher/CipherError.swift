/// Why a key could not be used or a message could not be encrypted or decrypted.
public struct CipherError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// The key is not the cipher's size.
        case keySize
        /// CBC needs an IV of one block; ECB takes none.
        case ivSize
        /// A key or IV text is not valid hex or Base64.
        case keyText
        /// Decryption found no valid padding or a partial block: wrong key, IV or mode.
        case badCiphertext
        /// The message is larger than the cipher library takes at once (2 GiB).
        case tooLarge
        /// libcrypto refused (its own error text follows).
        case library
    }

    public var code: Code
    public var description: String

    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}

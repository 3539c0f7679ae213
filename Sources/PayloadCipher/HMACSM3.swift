import CLibCrypto

/// HMAC over the SM3 hash (GB/T 32905), which some platforms ask for as their request signature,
/// computed by the system's libcrypto.
public enum HMACSM3 {
    /// SM3 digests are 32 bytes.
    public static let size = 32

    /// The 32-byte HMAC-SM3 of `message` under `key`.
    public static func authenticationCode(for message: [UInt8], key: [UInt8]) throws(CipherError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: size)
        var length = 0
        let result = output.withUnsafeMutableBufferPointer { out in
            key.withUnsafeBufferPointer { keyBytes in
                message.withUnsafeBufferPointer { bytes in
                    EVP_Q_mac(
                        nil,
                        "HMAC",
                        nil,
                        "SM3",
                        nil,
                        keyBytes.baseAddress,
                        keyBytes.count,
                        bytes.baseAddress,
                        bytes.count,
                        out.baseAddress,
                        size,
                        &length
                    )
                }
            }
        }
        guard result != nil, length == size else { throw LibCryptoError.last("HMAC-SM3 failed") }
        return output
    }
}

internal import Crypto
public import GatewayCore

/// The HMAC request signature: lowercase hex HMAC-SHA256, keyed with the secret's UTF-8 bytes, of
/// `"<timestamp>\n"` followed by the body bytes exactly as sent (compressed, if they are).
public enum UplinkSignature {
    /// The `X-Chemgate-Timestamp` header: Unix time in milliseconds.
    public static let timestampHeader = "X-Chemgate-Timestamp"
    /// The `X-Chemgate-Signature` header.
    public static let signatureHeader = "X-Chemgate-Signature"

    /// The signature for `body` sent at `timestamp` (the header's text, Unix milliseconds).
    public static func sign(secret: String, timestamp: String, body: [UInt8]) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: message(timestamp: timestamp, body: body), using: key(secret))
        return hex(Array(code))
    }

    /// Headers for `body` signed now: the timestamp and the signature.
    public static func headers(secret: String, body: [UInt8], at time: Timestamp = .now()) -> [String: String] {
        let timestamp = String(time.milliseconds)
        return [timestampHeader: timestamp, signatureHeader: sign(secret: secret, timestamp: timestamp, body: body)]
    }

    /// Whether `signature` (hex) is the signature of `body` at `timestamp`, compared in constant time.
    public static func isValid(signature: String, secret: String, timestamp: String, body: [UInt8]) -> Bool {
        guard let code = bytes(hex: signature), code.count == SHA256.byteCount else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            code,
            authenticating: message(timestamp: timestamp, body: body),
            using: key(secret)
        )
    }

    static func key(_ secret: String) -> SymmetricKey { SymmetricKey(data: Array(secret.utf8)) }

    static func message(timestamp: String, body: [UInt8]) -> [UInt8] { Array("\(timestamp)\n".utf8) + body }

    /// Lowercase hexadecimal of `bytes`.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    static func bytes(hex: String) -> [UInt8]? {
        let characters = Array(hex.utf8)
        guard characters.count % 2 == 0 else { return nil }
        func nibble(_ character: UInt8) -> UInt8? {
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var result: [UInt8] = []
        result.reserveCapacity(characters.count / 2)
        var index = 0
        while index < characters.count {
            guard let high = nibble(characters[index]), let low = nibble(characters[index + 1]) else { return nil }
            result.append(high << 4 | low)
            index += 2
        }
        return result
    }
}

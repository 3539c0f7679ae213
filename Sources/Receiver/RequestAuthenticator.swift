internal import Crypto
internal import GatewayCore
internal import HTTPTypes
internal import Hummingbird
internal import UplinkPayload

/// Checks a request's bearer token or HMAC signature against the configured credentials.
///
/// A request must present at least one accepted credential, and every credential it presents
/// must be valid: a wrong bearer token is refused even when the signature is right.
struct RequestAuthenticator: Sendable {
    /// SHA-256 of the bearer token, so the comparison is of fixed length and in constant time.
    private let bearerDigest: [UInt8]?
    private let hmacSecret: String?
    private let maxSkew: Int64

    init(options: ReceiverOptions) {
        bearerDigest = options.bearerToken.map { Array(SHA256.hash(data: Array($0.utf8))) }
        hmacSecret = options.hmacSecret
        maxSkew = options.maxClockSkewMilliseconds
    }

    /// nil when the request may proceed; otherwise why it may not (never containing a credential).
    func refusal(headers: HTTPFields, body: [UInt8], now: Timestamp) -> String? {
        guard bearerDigest != nil || hmacSecret != nil else { return nil }
        let authorization = headers[.authorization]
        let timestamp = headers[HTTPField.Name(UplinkSignature.timestampHeader)!]
        let signature = headers[HTTPField.Name(UplinkSignature.signatureHeader)!]
        guard authorization != nil || timestamp != nil || signature != nil else {
            return "no credentials (Authorization: Bearer, or X-Chemgate-Timestamp and X-Chemgate-Signature)"
        }
        if let authorization, let refusal = bearerRefusal(authorization) { return refusal }
        if timestamp != nil || signature != nil {
            if let refusal = signatureRefusal(timestamp: timestamp, signature: signature, body: body, now: now) {
                return refusal
            }
        }
        return nil
    }

    private func bearerRefusal(_ authorization: String) -> String? {
        guard let bearerDigest else { return "bearer authentication is not enabled" }
        let prefix = "Bearer "
        guard authorization.count > prefix.count, authorization.lowercased().hasPrefix(prefix.lowercased()) else {
            return "Authorization is not a Bearer token"
        }
        let token = authorization.dropFirst(prefix.count)
        let digest = Array(SHA256.hash(data: Array(token.utf8)))
        return Self.constantTimeEqual(digest, bearerDigest) ? nil : "wrong bearer token"
    }

    private func signatureRefusal(timestamp: String?, signature: String?, body: [UInt8], now: Timestamp) -> String? {
        guard let hmacSecret else { return "HMAC authentication is not enabled" }
        guard let timestamp, let signature else {
            return "HMAC needs both X-Chemgate-Timestamp and X-Chemgate-Signature"
        }
        guard let milliseconds = Int64(timestamp) else { return "X-Chemgate-Timestamp is not Unix milliseconds" }
        let skew = milliseconds.subtractingReportingOverflow(now.milliseconds)
        guard !skew.overflow, skew.partialValue.magnitude <= maxSkew.magnitude else {
            return "X-Chemgate-Timestamp is more than \(maxSkew / 1000) s from the receiver's clock"
        }
        guard UplinkSignature.isValid(signature: signature, secret: hmacSecret, timestamp: timestamp, body: body) else {
            return "wrong signature"
        }
        return nil
    }

    /// Compares equal-length byte strings without stopping at the first difference.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

/// `mqtt://HOST[:PORT]` (1883 by default) or `mqtts://HOST[:PORT]` (TLS, 8883 by default).
public struct MQTTBrokerURL: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var tls: Bool

    /// Nil when `text` is not such a URL (credentials in it are refused: they belong in the environment).
    public init?(_ text: String) {
        let lower = text.lowercased()
        guard lower.hasPrefix("mqtt://") || lower.hasPrefix("mqtts://") else { return nil }
        tls = lower.hasPrefix("mqtts://")
        var authority = Substring(text.dropFirst(tls ? 8 : 7))
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        guard !authority.contains("@"), !authority.contains("/") else { return nil }
        port = tls ? 8883 : 1883
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else {
                return nil
            }
            port = number
            authority = authority[..<colon]
        }
        if authority.hasPrefix("["), authority.hasSuffix("]") { authority = authority.dropFirst().dropLast() }
        guard !authority.isEmpty, !authority.contains(where: \.isWhitespace) else { return nil }
        host = String(authority)
    }
}

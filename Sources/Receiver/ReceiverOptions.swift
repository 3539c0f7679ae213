public import NIOSSL
public import PlatformProfile

/// How a receiver listens, whom it lets in and what it accepts.
public struct ReceiverOptions: Sendable {
    /// The address to bind; loopback unless the platform stand-in must be reached from elsewhere.
    public var host: String
    /// The TCP port; 0 picks a free one (reported through `ReceiverApp.makeApplication(onListening:)`).
    public var port: Int
    /// The SQLite file that holds what was received (created if missing).
    public var databasePath: String
    /// Accept `Authorization: Bearer <token>` with this token; nil disables bearer authentication.
    public var bearerToken: String?
    /// Accept HMAC-signed requests keyed with this secret's UTF-8 bytes; nil disables HMAC.
    public var hmacSecret: String?
    /// How far `X-Chemgate-Timestamp` may be from the receiver's clock, in milliseconds.
    public var maxClockSkewMilliseconds: Int64
    /// The largest body accepted, as sent and (for gzip) once inflated.
    public var maxBodyBytes: Int
    /// Serve `POST /control/unavailable` and `POST /control/reject` (tests and demos only).
    public var testControls: Bool
    /// Serve HTTPS with this configuration (`TLSSettings.server`); nil serves plain HTTP.
    public var tls: TLSConfiguration?
    /// Receive a platform profile's messages instead of chemgate batches (`chemgate receive --profile`).
    public var profile: ProfileDecoder?

    /// With neither `bearerToken` nor `hmacSecret`, every request is accepted unauthenticated.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        databasePath: String,
        bearerToken: String? = nil,
        hmacSecret: String? = nil,
        maxClockSkewMilliseconds: Int64 = 300_000,
        maxBodyBytes: Int = 16 * 1024 * 1024,
        testControls: Bool = false,
        tls: TLSConfiguration? = nil
    ) {
        self.host = host
        self.port = port
        self.databasePath = databasePath
        self.bearerToken = bearerToken
        self.hmacSecret = hmacSecret
        self.maxClockSkewMilliseconds = maxClockSkewMilliseconds
        self.maxBodyBytes = maxBodyBytes
        self.testControls = testControls
        self.tls = tls
    }

    /// Whether any authentication is configured.
    public var requiresAuthentication: Bool { bearerToken != nil || hmacSecret != nil }
}

extension ReceiverOptions: CustomStringConvertible {
    /// The options with credentials shown only as configured or not, for logs.
    public var description: String {
        "host=\(host) port=\(port) database=\(databasePath) bearer=\(bearerToken == nil ? "off" : "on") "
            + "hmac=\(hmacSecret == nil ? "off" : "on") tls=\(tlsDescription) max_body_bytes=\(maxBodyBytes) "
            + "test_controls=\(testControls)"
    }
}

extension ReceiverOptions {
    var tlsDescription: String {
        guard let tls else { return "off" }
        return tls.certificateVerification == .none ? "on" : "on, client certificates required"
    }
}

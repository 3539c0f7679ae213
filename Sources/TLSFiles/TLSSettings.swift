public import NIOSSL

/// TLS configurations built from PEM files: the uplink's client side and the receiver's server side.
public enum TLSSettings {
    /// An HTTPS client that trusts `caFile` (instead of the system's CAs) when given, and presents a
    /// client certificate when `certificateFile` and `keyFile` are given. `setting` prefixes the
    /// names in errors, e.g. `uplinks[park]`.
    public static func client(
        caFile: String?,
        certificateFile: String?,
        keyFile: String?,
        setting: String
    ) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            configuration.trustRoots = .certificates(
                try PEMFile.certificates(at: caFile, setting: "\(setting).ca_file")
            )
        }
        switch (certificateFile, keyFile) {
        case (let certificateFile?, let keyFile?):
            configuration.certificateChain = try PEMFile.certificates(
                at: certificateFile,
                setting: "\(setting).client_cert"
            ).map { .certificate($0) }
            configuration.privateKey = .privateKey(
                try PEMFile.privateKey(at: keyFile, setting: "\(setting).client_key")
            )
        case (nil, nil):
            break
        case (let file?, nil), (nil, let file?):
            throw TLSFileError(
                setting: "\(setting).client_cert/client_key",
                path: file,
                problem: "a client certificate needs both client_cert and client_key"
            )
        }
        return configuration
    }

    /// An HTTPS server with its certificate chain and key; with `clientCAFile`, every client must
    /// present a certificate issued by that CA (mutual TLS).
    public static func server(
        certificateFile: String,
        keyFile: String,
        clientCAFile: String?
    ) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try PEMFile.certificates(at: certificateFile, setting: "--tls-cert").map {
                .certificate($0)
            },
            privateKey: .privateKey(try PEMFile.privateKey(at: keyFile, setting: "--tls-key"))
        )
        if let clientCAFile {
            configuration.trustRoots = .certificates(
                try PEMFile.certificates(at: clientCAFile, setting: "--client-ca")
            )
            configuration.certificateVerification = .noHostnameVerification
        }
        return configuration
    }
}

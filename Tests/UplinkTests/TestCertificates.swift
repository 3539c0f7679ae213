import Foundation
import TestSupport

/// A throwaway PKI made with the openssl command: a CA, a server certificate for 127.0.0.1 and a
/// client certificate, all issued by that CA, plus a second CA that issued nothing here.
struct TestCertificates {
    let directory: URL

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    var caFile: String { path("ca.pem") }
    var otherCAFile: String { path("other-ca.pem") }
    var serverCertificate: String { path("server.pem") }
    var serverKey: String { path("server.key") }
    var clientCertificate: String { path("client.pem") }
    var clientKey: String { path("client.key") }

    static func make() async throws -> TestCertificates {
        let certificates = TestCertificates(directory: try Tools.temporaryDirectory())
        try await certificates.makeCA("ca", name: "chemgate test CA")
        try await certificates.makeCA("other-ca", name: "some other CA")
        try await certificates.issue("server", name: "127.0.0.1", extensions: "subjectAltName=IP:127.0.0.1")
        try await certificates.issue("client", name: "GW-TLS", extensions: "extendedKeyUsage=clientAuth")
        return certificates
    }

    private func makeCA(_ file: String, name: String) async throws {
        try await openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", path("\(file).key"), "-out", path("\(file).pem"), "-days", "2", "-subj", "/CN=\(name)",
        ])
    }

    private func issue(_ file: String, name: String, extensions: String) async throws {
        try extensions.write(toFile: path("\(file).ext"), atomically: true, encoding: .utf8)
        try await openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", path("\(file).key"), "-out", path("\(file).csr"), "-subj", "/CN=\(name)",
        ])
        try await openssl([
            "x509", "-req", "-in", path("\(file).csr"), "-CA", caFile, "-CAkey", path("ca.key"),
            "-CAcreateserial", "-days", "2", "-out", path("\(file).pem"), "-extfile", path("\(file).ext"),
        ])
    }

    private func openssl(_ arguments: [String]) async throws {
        let (status, output) = try await ChildProcess.run(try Tools.path(of: "openssl"), arguments)
        guard status == 0 else { throw TestFailure("openssl \(arguments.joined(separator: " ")) failed: \(output)") }
    }
}

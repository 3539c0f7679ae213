internal import Foundation
public import NIOSSL

/// Certificates and private keys read from PEM files, with errors that name the setting and the file
/// (NIOSSL's own errors name neither).
public enum PEMFile {
    /// Every certificate in a PEM file (a CA bundle or a chain, leaf first).
    public static func certificates(at path: String, setting: String) throws -> [NIOSSLCertificate] {
        try requireReadable(path, setting: setting)
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw TLSFileError(
                setting: setting,
                path: path,
                problem: "not a PEM certificate file (expected '-----BEGIN CERTIFICATE-----'): \(error)"
            )
        }
        guard !certificates.isEmpty else {
            throw TLSFileError(setting: setting, path: path, problem: "holds no certificate")
        }
        return certificates
    }

    /// The private key in a PEM file (unencrypted: the gateway starts unattended).
    public static func privateKey(at path: String, setting: String) throws -> NIOSSLPrivateKey {
        try requireReadable(path, setting: setting)
        do {
            return try NIOSSLPrivateKey(file: path, format: .pem)
        } catch {
            throw TLSFileError(
                setting: setting,
                path: path,
                problem: "not an unencrypted PEM private key (expected '-----BEGIN PRIVATE KEY-----'): \(error)"
            )
        }
    }

    private static func requireReadable(_ path: String, setting: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TLSFileError(setting: setting, path: path, problem: "no such file")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw TLSFileError(setting: setting, path: path, problem: "not readable by this user")
        }
    }
}

import AsyncHTTPClient
import Foundation
import GatewayCore

/// What an operator reads when an upload fails: the cause and what to check, instead of the TLS
/// library's error dump.
enum SendFailureText {
    /// True when `error` says the connection could not be made at all (nothing reached the platform).
    static func cannotConnect(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError, error == .connectTimeout { return true }
        let text = "\(error)"
        return [
            "connectionRefused", "Connection refused", "connectTimeout", "NIOConnectionError", "Network is unreachable",
            "No route to host", "Host is unreachable",
        ].contains { text.contains($0) }
    }

    static func describe(_ error: any Error, timeout: Duration) -> String {
        let text = "\(error)"
        if let range = text.range(of: #"OPENSSL_internal:[A-Z0-9_]+"#, options: .regularExpression) {
            let reason = String(text[range].dropFirst("OPENSSL_internal:".count))
            switch reason {
            case "CERTIFICATE_VERIFY_FAILED":
                return "TLS: the platform's certificate is not trusted (\(reason)); set ca_file to the CA that "
                    + "issued it, and check the URL's host name and this machine's clock"
            case _ where reason.contains("ALERT"):
                return "TLS: the platform refused the handshake (\(reason)); if it requires a client "
                    + "certificate, set client_cert and client_key to one its CA issued"
            default:
                return "TLS handshake failed (\(reason))"
            }
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded:
                return "no answer within the uplink's timeout (\(timeout.readableDescription))"
            case .connectTimeout:
                return "cannot connect: no answer to the connection request"
            case .remoteConnectionClosed:
                return "the platform closed the connection before answering"
            default:
                break
            }
        }
        if text.contains("connectionRefused") || text.contains("Connection refused") {
            return "cannot connect: connection refused (is the platform's service running, is the port right?)"
        }
        return text
    }
}

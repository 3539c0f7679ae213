import AsyncHTTPClient
import Foundation
import GatewayCore
import NIOCore
import NIOHTTP1
import StatusServer

/// Reads one gateway's `GET /status` within a time limit. A refused connection fails at once (no
/// retry until the deadline); every failure is a sentence an operator can act on.
struct GatewayProbe {
    /// Why a gateway's status could not be read.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let client: HTTPClient
    let timeout: Duration

    /// A client that gives up on the first refused connection.
    static func makeClient(timeout: Duration) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .milliseconds(
            timeout / .milliseconds(1) > 0 ? Int64(timeout / .milliseconds(1)) : 1
        )
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// The snapshot with its verdict (computed here for a gateway that predates verdicts).
    func snapshot(url: String, token: String?) async -> Result<HealthSnapshot, Failure> {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        var request = HTTPClientRequest(url: base + "/status")
        if let token, !token.isEmpty { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let milliseconds = Int64(timeout / .milliseconds(1))
        do {
            let response = try await client.execute(request, timeout: .milliseconds(max(1, milliseconds)))
            let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
            switch response.status.code {
            case 200: break
            case 401:
                return .failure(
                    Failure(description: "\(base) refused the token (401): check --token or the token variable")
                )
            case 403:
                return .failure(Failure(description: "\(base) forbids this request (403)"))
            case 404:
                return .failure(
                    Failure(description: "\(base) has no /status (404): is this a chemgate status endpoint?")
                )
            default:
                let text = String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines)
                return .failure(Failure(description: "\(base) answered \(response.status.code) \(text.prefix(200))"))
            }
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            guard let snapshot = try? decoder.decode(HealthSnapshot.self, from: Data(body.readableBytesView)) else {
                return .failure(Failure(description: "\(base)/status did not answer with chemgate's status JSON"))
            }
            return .success(snapshot.verdict == nil ? snapshot.judged() : snapshot)
        } catch {
            return .failure(Failure(description: "\(base): \(Self.explain(error, timeout: timeout))"))
        }
    }

    /// A network failure in words: what happened and what to check.
    static func explain(_ error: any Error, timeout: Duration) -> String {
        let text = String(describing: error)
        let seconds = Double(timeout / .milliseconds(1)) / 1000
        let limit = seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout:
                return
                    "no answer within \(limit) s: check the address, the network and firewalls, and that the gateway runs"
            case .remoteConnectionClosed:
                return
                    "the gateway closed the connection without answering: is this a chemgate status endpoint (http, not https)?"
            case .invalidURL, .emptyHost, .emptyScheme:
                return "not a valid URL: write it as http://HOST:PORT"
            case .tlsHandshakeTimeout:
                return "the TLS handshake did not finish within \(limit) s"
            default: break
            }
        }
        if text.contains("Connection refused") || text.contains("errno: 111") {
            return
                "connection refused: nothing listens there; is chemgate running, and is status.listen this address and port?"
        }
        if text.contains("No route to host") || text.contains("errno: 113") || text.contains("Network is unreachable") {
            return "no route to the host: check the network, the VPN and the address"
        }
        if text.contains("Connection reset") || text.contains("errno: 104") {
            return
                "the connection was reset: a firewall or proxy may be cutting it, or this is not a chemgate status endpoint"
        }
        if text.contains("DNS") || text.contains("getaddrinfo") || text.contains("NXDOMAIN") || text.contains("resolve")
        {
            return "the host name cannot be resolved: check its spelling and the DNS"
        }
        if text.contains("SSL") || text.contains("TLS") || text.contains("certificate") {
            return "the TLS connection failed: check https versus http and the certificate"
        }
        if text.contains("timeout") || text.contains("Timeout") || text.contains("deadline") {
            return
                "no answer within \(limit) s: check the address, the network and firewalls, and that the gateway runs"
        }
        return "cannot read the status: \(text)"
    }
}

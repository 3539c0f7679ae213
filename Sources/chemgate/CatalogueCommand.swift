import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// `chemgate catalogue`: asks a running gateway to send a profile uplink's point catalogue again.
struct CatalogueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalogue",
        abstract: "Ask a running gateway to send an uplink's point catalogue to its platform again.",
        discussion: """
            Calls POST /uplinks/ID/catalogue on the gateway's status endpoint (which needs its token, \
            status.token_env). The uplink sends its platform profile's catalogue message before its next \
            batch; the gateway's log says 'point catalogue accepted' once the platform took it. \
            The catalogue also goes at every start of the gateway (docs/uplink-profiles.md).
              chemgate catalogue --url http://127.0.0.1:8080 --uplink mem --token "$CHEMGATE_STATUS_TOKEN"
            Exit codes: 0 requested, 1 refused (no such uplink, no catalogue, wrong token), 3 unreachable.
            """
    )

    @Option(help: "The gateway's status endpoint.")
    var url: String = "http://127.0.0.1:8080"

    @Option(help: "The uplink whose catalogue is sent.")
    var uplink: String

    @Option(help: "The status token (or set CHEMGATE_STATUS_TOKEN).")
    var token: String?

    func run() async throws {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        let path = uplink.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? uplink
        var request = HTTPClientRequest(url: "\(base)/uplinks/\(path)/catalogue")
        request.method = .POST
        if let token = token ?? ProcessInfo.processInfo.environment["CHEMGATE_STATUS_TOKEN"], !token.isEmpty {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        let response: HTTPClientResponse
        let text: String
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            text = String(buffer: try await response.body.collect(upTo: 1 << 16))
        } catch {
            Console.error("error: cannot reach \(base): \(error)")
            throw ExitCode(3)
        }
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard response.status == .ok else {
            Console.error("error: \(base) answered \(response.status.code): \(line)")
            throw ExitCode(1)
        }
        Console.out(line)
    }
}

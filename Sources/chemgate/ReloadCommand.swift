import ArgumentParser
import AsyncHTTPClient
import DeviceMap
import Foundation
import GatewayCore
import NIOCore
import NIOHTTP1

/// `chemgate reload`: asks a running gateway to reload its site file, as SIGHUP does, through its
/// status endpoint (`POST /reload`), and prints what changed or why the file was refused.
struct ReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Reload a running gateway's site file (as SIGHUP does) and print what changed.",
        discussion: """
            Posts /reload to the gateway's status endpoint, which needs the status token \
            (status.token_env). The gateway loads its own site file again (the one it was started \
            with), validates it exactly as 'chemgate check' does, and applies it only if it is valid: \
            unchanged devices keep polling, added devices start, removed ones stop; uplink, storage and \
            status changes are reported as needing a restart (docs/operations.md). The endpoint and the \
            token are taken from --config (status.listen, status.token_env) unless --url and --token \
            (or CHEMGATE_STATUS_TOKEN) say otherwise.
              chemgate reload --config /etc/chemgate/chemgate.yaml
              chemgate reload --url http://127.0.0.1:8080 --token "$CHEMGATE_STATUS_TOKEN"

            Exit codes: 0 reloaded, 1 the file has errors (printed; the gateway keeps its running \
            configuration), 3 the gateway cannot be asked (unreachable, refused token, no token \
            configured), 64 usage error.
            """
    )

    @Option(help: "The running gateway's site file: where its status endpoint listens and which token it wants.")
    var config: String = "chemgate.yaml"

    @Option(help: "The status endpoint (default: status.listen of --config).")
    var url: String?

    @Option(help: "The access token (default: CHEMGATE_STATUS_TOKEN, else the variable status.token_env names).")
    var token: String?

    @Option(help: "Give up after this many seconds.")
    var timeout: Double = 10

    @Flag(help: "Print the gateway's answer as JSON.")
    var json = false

    func validate() throws {
        guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be between 0 and 600 seconds") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var site: SiteConfig?
        do throws(ConfigErrors) {
            site = try SiteConfigLoader.load(path: config).0
        } catch {
            guard url != nil else {
                Console.error(error.description)
                Console.error(
                    "error: \(config) has errors: the running gateway was not asked and keeps its configuration (give --url to ask it anyway)"
                )
                throw ExitCode(1)
            }
        }
        guard let base = url.map({ $0.hasSuffix("/") ? String($0.dropLast()) : $0 }) ?? site.map(Self.url(of:)) else {
            throw ExitCode(64)
        }
        let token =
            token ?? environment["CHEMGATE_STATUS_TOKEN"]
            ?? site?.status.tokenEnvironment.flatMap { environment[$0] } ?? site?.status.token
        let duration = Duration.milliseconds(Int64(timeout * 1000))
        let client = GatewayProbe.makeClient(timeout: duration)
        var request = HTTPClientRequest(url: base + "/reload?by=chemgate-reload")
        request.method = .POST
        if let token, !token.isEmpty { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let answer: Result<(UInt, ByteBuffer), any Error>
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            answer = .success((response.status.code, try await response.body.collect(upTo: 4 * 1024 * 1024)))
        } catch {
            answer = .failure(error)
        }
        try? await client.shutdown()
        guard case .success(let (status, body)) = answer else {
            if case .failure(let error) = answer {
                Console.error("error: \(base): \(GatewayProbe.explain(error, timeout: duration))")
            }
            throw ExitCode(3)
        }
        let text = String(buffer: body)
        switch status {
        case 200, 422:
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            guard let outcome = try? decoder.decode(ReloadOutcome.self, from: Data(text.utf8)) else {
                Console.error("error: \(base)/reload answered \(status) without chemgate's reload answer")
                throw ExitCode(3)
            }
            if json {
                Console.out(text)
            } else {
                Console.out(outcome.summary)
                for error in outcome.errors { Console.error(error) }
                for warning in outcome.warnings { Console.error(warning) }
            }
            if !outcome.applied { throw ExitCode(1) }
        case 401:
            Console.error(
                "error: \(base) refused the token (401): check --token, CHEMGATE_STATUS_TOKEN or status.token_env"
            )
            throw ExitCode(3)
        case 403:
            Console.error(
                "error: \(base) forbids reloading (403): \(text.trimmingCharacters(in: .whitespacesAndNewlines))"
            )
            throw ExitCode(3)
        case 404:
            Console.error(
                "error: \(base) has no /reload (404): is this a chemgate status endpoint of version 0.4 or later?"
            )
            throw ExitCode(3)
        default:
            Console.error("error: \(base)/reload answered \(status) \(text.prefix(200))")
            throw ExitCode(3)
        }
    }

    /// The status endpoint of a site, as reached from this machine (a wildcard address as loopback).
    static func url(of site: SiteConfig) -> String {
        var host = site.status.host
        if host == "0.0.0.0" || host.isEmpty { host = "127.0.0.1" }
        if host == "::" { host = "::1" }
        return "http://\(host.contains(":") ? "[\(host)]" : host):\(site.status.port)"
    }
}

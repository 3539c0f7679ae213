import ArgumentParser
import DeviceMap
import Foundation
import Hummingbird
import Logging
import NIOSSL
import PlatformProfile
import Receiver
import ServiceLifecycle
import TLSFiles
import UnixSignals

/// `chemgate receive`: the park platform's stand-in, for commissioning, the demo and tests.
struct ReceiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receive",
        abstract: "Receive chemgate batches and heartbeats over HTTP, as the park platform would (for commissioning).",
        discussion: """
            Accepts POST /batches and POST /heartbeats (docs/uplink-protocol.md), checks the bearer \
            token and/or HMAC-SHA256 signature and the schema, and stores everything in its own \
            SQLite file, recognising a resent batch by its id. GET /counts shows what arrived \
            (batches, records, events, duplicates, heartbeats, rejected, and gaps in the sequence \
            numbers: how the platform tells loss from quiet); GET /latest shows the newest value per \
            point. With --tls-cert and --tls-key it serves HTTPS, and with --client-ca it also \
            requires a client certificate issued by that CA (mutual TLS), to commission an uplink's \
            ca_file, client_cert and client_key. With --mqtt it also subscribes to --topic on that \
            broker (QoS 1, persistent session) and stores the batches that arrive there the same way \
            (docs/mqtt.md). Prints 'listening on http://HOST:PORT' (or https) when ready, and \
            'subscribed to TOPIC on URL' once the broker accepted it; stops on SIGINT or SIGTERM.

            With --profile FILE it is a platform's stand-in for that profile instead (docs/uplink-profiles.md): \
            every POST, on any path, is one of the profile's messages, decrypted with the keys given by \
            --secret NAME=env:VARIABLE (or file:PATH) and decoded back into readings, events and catalogue \
            points; it answers as the profile's reply rule expects. With --tcp PORT it also accepts the \
            profile's frames on that port (framed TCP profiles), answering each frame when the profile says \
            the platform replies. GET /counts and GET /items?after=N show what arrived.
            """
    )

    @Option(help: "Listen on HOST:PORT (port 0 picks a free one).")
    var listen: String = "127.0.0.1:8090"

    @Option(help: "The receiver's SQLite file.")
    var database: String = "chemgate-receiver.sqlite"

    @Option(help: "The environment variable holding the bearer token to require.")
    var tokenEnv: String?

    @Option(help: "The environment variable holding the HMAC-SHA256 secret to require.")
    var hmacSecretEnv: String?

    @Option(help: "Serve HTTPS with this certificate (PEM; the chain, server certificate first).")
    var tlsCert: String?

    @Option(help: "The private key of --tls-cert (PEM, unencrypted).")
    var tlsKey: String?

    @Option(help: "Require client certificates issued by this CA (PEM); needs --tls-cert.")
    var clientCa: String?

    @Flag(help: "Serve POST /control/unavailable and /control/reject (tests and demos only).")
    var testControls = false

    @Option(help: "Receive this platform profile's messages (a profile file) instead of chemgate batches.")
    var profile: String?

    @Option(help: "A secret of --profile: NAME=env:VARIABLE or NAME=file:PATH (repeatable).")
    var secret: [String] = []

    @Option(help: "With --profile: also accept the profile's framed TCP messages on this port (0 picks one).")
    var tcp: Int?

    @OptionGroup var mqtt: MQTTReceiveOptions

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap(label: "chemgate.receive")
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw ValidationError("--listen is HOST:PORT, such as 127.0.0.1:8090")
        }
        let host = String(listen[..<colon])
        var options = ReceiverOptions(
            host: host,
            port: port,
            databasePath: database,
            bearerToken: try secret(tokenEnv, option: "--token-env"),
            hmacSecret: try secret(hmacSecretEnv, option: "--hmac-secret-env"),
            testControls: testControls,
            tls: try tlsConfiguration()
        )
        options.profile = try profileDecoder()
        let receiver = try ReceiverApp(options: options, logger: logger)
        let scheme = options.tls == nil ? "http" : "https"
        let application = try receiver.makeApplication { bound in
            Console.out("listening on \(scheme)://\(host):\(bound)")
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: application)]
        if let tcp, let decoder = options.profile {
            guard case .tcp(let framing) = decoder.profile.transport else {
                throw ValidationError(
                    "--tcp needs a profile whose transport is tcp, not \(decoder.profile.transport.name)"
                )
            }
            let server = ProfileTCPServer(
                intake: ProfileIntake(decoder: decoder, store: receiver.store),
                framing: framing,
                host: host,
                port: tcp
            )
            services.append(.init(service: ProfileTCPService(server: server, host: host)))
        } else if tcp != nil {
            throw ValidationError("--tcp needs --profile")
        }
        if let subscriber = try mqtt.service(store: receiver.store, logger: logger) {
            services.append(.init(service: subscriber))
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }

    /// The decoder of --profile with the keys of --secret; nil without --profile.
    private func profileDecoder() throws -> ProfileDecoder? {
        guard let profile else {
            if !secret.isEmpty { throw ValidationError("--secret needs --profile") }
            return nil
        }
        let loaded: PlatformProfile
        do throws(ConfigErrors) {
            loaded = try ProfileLoader.load(path: profile).0
        } catch {
            throw ValidationError("--profile \(profile) is not valid:\n\(error.description)")
        }
        var sources: [String: String] = [:]
        for item in secret {
            guard let equals = item.firstIndex(of: "="), equals > item.startIndex else {
                throw ValidationError("--secret is NAME=env:VARIABLE or NAME=file:PATH, not '\(item.prefix(40))'")
            }
            sources[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        do throws(ProfileError) {
            let secrets = try ProfileSecrets.read(sources, what: "chemgate receive --profile")
            return try ProfileDecoder(profile: loaded, secrets: secrets)
        } catch {
            throw ValidationError(error.description)
        }
    }

    private func tlsConfiguration() throws -> TLSConfiguration? {
        switch (tlsCert, tlsKey) {
        case (let certificate?, let key?):
            return try TLSSettings.server(certificateFile: certificate, keyFile: key, clientCAFile: clientCa)
        case (nil, nil):
            if clientCa != nil { throw ValidationError("--client-ca needs --tls-cert and --tls-key") }
            return nil
        default:
            throw ValidationError("--tls-cert and --tls-key go together")
        }
    }

    private func secret(_ variable: String?, option: String) throws -> String? {
        guard let variable else { return nil }
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
            throw ValidationError("\(option) names \(variable), but that environment variable is not set")
        }
        return value
    }
}

/// The framed-TCP side of `chemgate receive --profile … --tcp PORT`, as a service of the receiver's group.
struct ProfileTCPService: Service, CustomStringConvertible {
    let server: ProfileTCPServer
    let host: String

    var description: String { "framed TCP receiver" }

    func run() async throws {
        let host = host
        do {
            try await cancelWhenGracefulShutdown {
                try await server.run { port in Console.out("listening on tcp://\(host):\(port)") }
            }
        } catch is CancellationError {
            // Shut down.
        }
    }
}

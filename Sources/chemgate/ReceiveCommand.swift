import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOSSL
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

    @OptionGroup var mqtt: MQTTReceiveOptions

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap(label: "chemgate.receive")
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw ValidationError("--listen is HOST:PORT, such as 127.0.0.1:8090")
        }
        let host = String(listen[..<colon])
        let options = ReceiverOptions(
            host: host,
            port: port,
            databasePath: database,
            bearerToken: try secret(tokenEnv, option: "--token-env"),
            hmacSecret: try secret(hmacSecretEnv, option: "--hmac-secret-env"),
            testControls: testControls,
            tls: try tlsConfiguration()
        )
        let receiver = try ReceiverApp(options: options, logger: logger)
        let scheme = options.tls == nil ? "http" : "https"
        let application = try receiver.makeApplication { bound in
            Console.out("listening on \(scheme)://\(host):\(bound)")
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: application)]
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

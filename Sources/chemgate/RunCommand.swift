import ArgumentParser
import CMallocTuning
import DeviceMap
import Foundation
import GatewayCore
import Logging
import Metrics
import NIOCore
import Outbox
import Polling
import Prometheus
import ServiceLifecycle
import StatusServer
import UnixSignals
import Uplink

/// `chemgate run`: the gateway's main job.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Poll every device of a site, evaluate alarms at the edge and deliver readings and events.",
        discussion: """
            The configuration is validated first, exactly as 'chemgate check' does; nothing is polled \
            when it has errors. Each link is polled in its own task on a fixed schedule per scan class; \
            SIGINT or SIGTERM stops polling cleanly.

            --output jsonl writes every reading and event to standard output as one JSON object per \
            line (readings report by exception, plus a full snapshot every polling.snapshot_interval); \
            logs go to standard error.

            Exit codes: 0 stopped by a signal, 1 configuration errors, 64 usage error.
            """
    )

    enum Output: String, ExpressibleByArgument, CaseIterable {
        /// The durable log at storage.path (SQLite): history and outbox.
        case log
        /// JSON lines on standard output, for debugging.
        case jsonl
    }

    @Option(help: "The site configuration.")
    var config: String = "chemgate.yaml"

    @Option(help: "Where readings and events go: log (the durable log at storage.path) or jsonl (standard output).")
    var output: Output = .log

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        // Two malloc arenas instead of glibc's 8 per core: a third less memory at 10,000 points
        // (BENCHMARKS.md), no measurable CPU. MALLOC_ARENA_MAX in the environment overrides it.
        _ = chemgate_cap_malloc_arenas(2)
        let logger = logging.bootstrap(label: "chemgate.run")
        let site: SiteConfig
        let plan: SitePlan
        do throws(ConfigErrors) {
            let warnings: [ConfigIssue]
            (site, warnings) = try SiteConfigLoader.load(path: config)
            plan = try SitePlan.make(site)
            for warning in warnings { Console.error(warning.description) }
        } catch {
            Console.error(error.description)
            throw ExitCode(1)
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let sink: any ReadingSink
        var durableLog: DurableLog?
        switch output {
        case .jsonl:
            sink = JSONLinesSink()
        case .log:
            do {
                let log = try DurableLog(
                    path: site.storage.path,
                    options: LogOptions(
                        retention: site.storage.retention,
                        maxBytes: site.storage.maxBytes,
                        destinations: site.uplinks.map(\.id),
                        gateway: site.gateway.id,
                        replaceCorrupt: true
                    )
                )
                if case .replacedCorrupt(let text) = log.start { logger.error("\(text)") }
                durableLog = log
                sink = log
            } catch {
                Console.error("error: cannot open the log \(site.storage.path) (storage.path): \(error)")
                throw ExitCode(1)
            }
        }
        let poller = PollingService(site: site, plan: plan, sink: sink, logger: logger)
        let health = PollingHealth(
            site: site,
            service: poller,
            configHash: ConfigHash.of(site: site),
            version: Chemgate.version
        )
        var forwarders: [UplinkForwarder] = []
        if let durableLog {
            do {
                forwarders = try RunServices.uplinks(site: site, log: durableLog, health: health, logger: logger)
            } catch {
                Console.error("error: \(error)")
                throw ExitCode(1)
            }
        }
        let status: StatusServer
        do {
            status = try StatusServer(
                host: site.status.host,
                port: site.status.port,
                token: try statusToken(site.status),
                reporter: GatewayHealth(polling: health, log: durableLog, forwarders: forwarders),
                registry: registry,
                logger: logger
            )
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(1)
        }
        // Shutdown runs in reverse: the status endpoint first, the poller (which writes out what it
        // read), then the uplinks and the log's housekeeping.
        var services: [any Service] = []
        if let durableLog { services.append(LogLimitsService(log: durableLog, logger: logger)) }
        services += forwarders as [any Service]
        services += [poller, status]
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            // The status endpoint is the only listener of `run`.
            Console.error(
                "error: the status endpoint cannot listen on \(site.status.host):\(site.status.port) (status.listen): "
                    + "the address is in use; is another chemgate running? (ss -ltnp 'sport = :\(site.status.port)')"
            )
            throw ExitCode(1)
        }
    }

    /// The status token from the environment variable the site names (or the file), never logged.
    private func statusToken(_ status: StatusConfig) throws -> String? {
        if let variable = status.tokenEnvironment {
            guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
                throw StatusServer.ConfigurationError(
                    description: "status.token_env names \(variable), but that environment variable is not set"
                )
            }
            return value
        }
        return status.token
    }
}

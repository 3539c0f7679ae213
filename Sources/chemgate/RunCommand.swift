import ArgumentParser
import CMallocTuning
import DeviceMap
import Foundation
import GatewayCore
import Logging
import MQTT
import Metrics
import Modbus
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
            when it has errors. Everything that can fail at start (the log, TLS files, tokens, the \
            status port) is opened before the first poll. Each link is polled in its own task on a fixed \
            schedule per scan class.

            Signals: SIGTERM, SIGINT and SIGQUIT stop the gateway cleanly; SIGHUP reloads the site \
            file (as 'chemgate reload' does: validated first, only what changed restarts, an invalid \
            file leaves the running configuration in force; docs/operations.md); SIGUSR1 logs a \
            one-line status summary.

            --output jsonl writes every reading and event to standard output as one JSON object per \
            line (readings report by exception, plus a full snapshot every polling.snapshot_interval); \
            logs go to standard error.

            Exit codes: 0 stopped by a signal, 1 configuration errors or a failed start (the reason is \
            printed), 64 usage error.
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
        // First: from here on SIGHUP and SIGUSR1 no longer end the process (their default action).
        let signals = await SignalResponder.trap()
        // Two malloc arenas instead of glibc's 8 per core (a third less memory at 10,000 points,
        // BENCHMARKS.md) are set before the first task runs: ChemgateMain.main().
        // Large blocks (an upload's batch buffers) mapped on their own and unmapped on free, instead
        // of glibc raising its threshold to each one freed and keeping them in the heap after: with
        // MemoryTrimmer below, what the gateway holds is what it uses (docs/operations.md).
        _ = chemgate_fix_malloc_thresholds(256 * 1024, 512 * 1024)
        let logger = logging.bootstrap(label: "chemgate.run")
        let openFiles = OpenFileLimit.raise()
        if openFiles.failure != nil {
            logger.warning("\(openFiles)")
        } else if openFiles.after != openFiles.before {
            logger.notice("\(openFiles)")
        } else {
            logger.info("\(openFiles)")
        }
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
        MetricsSystem.bootstrap(HelpfulMetricsFactory(registry: registry))
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
                        replaceCorrupt: true,
                        minFree: site.storage.minFree
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
        // DTUs connect in: the listener is bound before anything polls, and a port in use ends the start.
        var dtuListener: DTUListener?
        if let settings = site.dtuListener {
            do throws(ModbusError) {
                let listener = try DTUListener(
                    settings: settings,
                    links: site.links.compactMap(\.dtu),
                    logger: logger
                )
                logger.notice("DTU listener on \(listener.address)")
                dtuListener = listener
            } catch {
                Console.error(
                    "error: the DTU listener cannot listen on \(settings.host):\(settings.port) (dtu_listen): \(error.reason)"
                )
                throw ExitCode(1)
            }
        }
        defer { dtuListener?.stop() }
        let poller = PollingService(
            site: site,
            plan: plan,
            sink: EventLogSink(base: sink, logger: logger),
            dtuListener: dtuListener,
            logger: logger
        )
        if let durableLog {
            await RunServices.restoreAlarmState(log: durableLog, processor: poller.processor, logger: logger)
        }
        let configHash = ConfigHash.of(site: site)
        logger.notice(
            "chemgate starting",
            metadata: [
                "version": "\(Chemgate.version)", "config": "\(config)", "config_hash": "\(configHash)",
                "gateway": "\(site.gateway.id)", "devices": "\(site.devices.count)", "links": "\(site.links.count)",
                "uplinks": "\(site.uplinks.count)",
            ]
        )
        let health = PollingHealth(
            site: site,
            service: poller,
            configHash: configHash,
            version: Chemgate.version
        )
        var forwarders: [UplinkForwarder] = []
        var mqttForwarders: [MQTTForwarder] = []
        if let durableLog {
            do {
                forwarders = try RunServices.uplinks(site: site, log: durableLog, health: health, logger: logger)
                mqttForwarders = try RunServices.mqttUplinks(
                    site: site,
                    log: durableLog,
                    health: health,
                    logger: logger
                )
            } catch {
                Console.error("error: \(error)")
                throw ExitCode(1)
            }
        }
        for forwarder in forwarders {
            LogSecrets.shared.add([forwarder.settings.bearerToken, forwarder.settings.hmacSecret])
        }
        for forwarder in mqttForwarders { LogSecrets.shared.add([forwarder.settings.client.password]) }
        let reporting = forwarders.map { $0 as any UplinkReporting } + mqttForwarders.map { $0 as any UplinkReporting }
        for uplink in reporting { uplink.statistics.logTransitions(uplink: uplink.uplinkID, logger: logger) }
        // A reload gives the profile uplinks the new site: added points render, a changed catalogue goes again.
        var profiles: [String: ProfileChannel] = [:]
        for forwarder in forwarders { profiles[forwarder.settings.id] = forwarder.settings.profile }
        for forwarder in mqttForwarders { profiles[forwarder.settings.id] = forwarder.settings.profile }
        let reloader = ConfigReloader(
            path: config,
            poller: poller,
            configuration: health.configuration,
            profiles: profiles,
            logger: logger
        )
        let reporter = GatewayHealth(polling: health, log: durableLog, forwarders: reporting, reloader: reloader)
        let metrics = HealthMetrics(uplinks: reporting.map { .init(id: $0.uplinkID, statistics: $0.statistics) })
        // The services that read devices and send readings start only once the status port is
        // bound: a start that fails has read nothing, so it has lost nothing.
        let started = StartGate()
        let systemd = SystemdNotifier(environment: ProcessInfo.processInfo.environment)
        let status: StatusServer
        do {
            let host = site.status.host
            let token = try statusToken(site.status)
            LogSecrets.shared.add([token])
            status = try StatusServer(
                host: host,
                port: site.status.port,
                token: token,
                reporter: MetricsReporter(base: reporter, metrics: metrics),
                registry: registry,
                limits: statusLimits(openFiles: openFiles.after),
                timeZone: TimeZone(identifier: site.status.timeZone) ?? StatusRoutes.defaultTimeZone,
                logger: logger,
                onListening: { port in
                    logger.notice(
                        "status endpoint listening on http://\(host.contains(":" as Character) ? "[\(host)]" : host):\(port)"
                    )
                    started.open()
                    systemd?.send("READY=1\nSTATUS=polling \(site.devices.count) devices on \(site.links.count) links")
                }
            )
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(1)
        }
        let responder = SignalResponder(
            signals: signals,
            logger: logger,
            summary: { await StatusSummary.line(from: reporter) },
            reload: { _ = await reloader.reload(trigger: "SIGHUP") }
        )
        // Shutdown runs in reverse: the status endpoint first, the poller (which writes out what it
        // read), then the uplinks and the log's housekeeping.
        var gated: [any Service] = []
        if let durableLog { gated.append(LogLimitsService(log: durableLog, logger: logger)) }
        gated += forwarders as [any Service]
        gated += mqttForwarders as [any Service]
        gated.append(poller)
        gated.append(MemoryTrimmer())
        var services: [any Service] = gated.map { AfterStart(gate: started, service: $0) } + [responder, status]
        if let systemd {
            // Last, so that a stop tells systemd first (STOPPING=1).
            let slowest = site.scanClasses.values.max() ?? .seconds(1)
            services.append(
                SystemdWatchdog(
                    notifier: systemd,
                    progress: ScanProgress(statistics: poller.statistics, slowestScan: slowest)
                )
            )
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint, .sigquit],
                logger: logger
            )
        )
        let runningSince = ContinuousClock.now
        do {
            try await group.run()
            logger.notice(
                "chemgate stopped",
                metadata: [
                    "version": "\(Chemgate.version)",
                    "uptime": "\((ContinuousClock.now - runningSince).readableDescription)",
                ]
            )
        } catch let failure as StatusServer.Failure {
            started.abandon()
            Console.error("error: \(failure)")
            throw ExitCode(1)
        } catch {
            started.abandon()
            Console.error("error: chemgate run stopped: \(error)")
            throw ExitCode(1)
        }
    }

    /// The status endpoint's limits: at most a quarter of the open-file limit for its connections
    /// (128 above 512 files), so that a flood leaves descriptors for the links, the log and the uplinks.
    private func statusLimits(openFiles: UInt64) -> StatusServerLimits {
        var limits = StatusServerLimits.standard
        if openFiles > 0 {
            limits.maxConnections = max(8, min(limits.maxConnections, Int(clamping: openFiles / 4)))
        }
        return limits
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

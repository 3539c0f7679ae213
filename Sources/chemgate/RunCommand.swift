import ArgumentParser
import DeviceMap
import Logging
import Polling
import ServiceLifecycle
import UnixSignals

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
        case jsonl
    }

    @Option(help: "The site configuration.")
    var config: String = "chemgate.yaml"

    @Option(help: "Where readings and events go: jsonl (standard output).")
    var output: Output = .jsonl

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
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
        let poller = PollingService(site: site, plan: plan, sink: JSONLinesSink(), logger: logger)
        logger.notice(
            "chemgate run",
            metadata: ["gateway": "\(site.gateway.id)", "devices": "\(site.devices.count)", "config": "\(config)"]
        )
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: poller)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}

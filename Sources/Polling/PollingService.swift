public import DeviceMap
public import GatewayCore
public import Logging
public import Modbus
public import ServiceLifecycle

/// `chemgate run`'s poller: one task per link, plus the freshness and snapshot ticker.
/// Stops cleanly on graceful shutdown (SIGINT, SIGTERM through the service group).
public struct PollingService: Service {
    public let statistics = PollingStatistics()
    public let processor: PointProcessor
    /// The links, by id (the status endpoint reads their statistics).
    public let links: [String: ModbusLink]
    private let pollers: [LinkPoller]
    private let sink: any ReadingSink
    private let backlog: StorageBacklog
    private let origin: ContinuousClock.Instant
    private let logger: Logger

    /// - Parameters:
    ///   - site: the validated site configuration.
    ///   - plan: its request plans.
    ///   - sink: where readings and events go.
    ///   - storageBacklogLimit: readings and events read but not yet stored beyond which the links wait
    ///     before their next cycle (memory stays bounded when storing falls behind).
    ///   - dtuListener: the listener (bound already) the site's `dtu://` links take their connections from.
    public init(
        site: SiteConfig,
        plan: SitePlan,
        sink: any ReadingSink,
        storageBacklogLimit: Int = 50_000,
        dtuListener: DTUListener? = nil,
        logger: Logger
    ) {
        let origin = ContinuousClock.now
        self.origin = origin
        self.logger = logger
        let processor = PointProcessor(site: site, origin: origin)
        self.processor = processor
        self.sink = sink
        let backlog = StorageBacklog(limit: storageBacklogLimit)
        self.backlog = backlog
        var links: [String: ModbusLink] = [:]
        var pollers: [LinkPoller] = []
        let statistics = self.statistics
        let metrics = PollingMetrics()
        for config in site.links {
            let entries = plan.entries(onLink: config.id)
            guard !entries.isEmpty else { continue }
            var options = config.options
            options.pauseAfterConnect = entries.map(\.device.map.defaults.connectPause).max() ?? .zero
            let link = ModbusLink(
                endpoint: config.endpoint,
                options: options,
                logger: logger,
                dtuListener: dtuListener
            )
            links[config.id] = link
            pollers.append(
                LinkPoller(
                    config: config,
                    link: link,
                    entries: entries,
                    settings: site.polling,
                    processor: processor,
                    statistics: statistics,
                    metrics: metrics,
                    backlog: backlog,
                    logger: logger
                )
            )
        }
        self.links = links
        self.pollers = pollers
    }

    public func run() async throws {
        let pollers = self.pollers
        let origin = self.origin
        let processor = self.processor
        let writer = DeliveryWriter(sink: sink, statistics: statistics, backlog: backlog, logger: logger) { reason in
            await processor.record(.storageRecovered, reason: reason)
        }
        let logger = self.logger
        logger.info("polling", metadata: ["links": "\(pollers.count)"])
        await withDiscardingTaskGroup { group in
            // One writer, in sequence order. On graceful shutdown it stores everything queued
            // before it ends.
            group.addTask { await writer.run(processor.deliveries) }
            await cancelWhenGracefulShutdown {
                await withDiscardingTaskGroup { group in
                    for poller in pollers {
                        // The poller runs on its link's own thread: a transaction then costs no thread
                        // switch (BENCHMARKS.md, link scenario).
                        group.addTask(executorPreference: poller.link.taskExecutor) {
                            await poller.run(origin: origin)
                        }
                    }
                    group.addTask {
                        while !Task.isCancelled {
                            do { try await Task.sleep(for: .seconds(1)) } catch { return }
                            await processor.tick()
                        }
                    }
                }
            }
            writer.stop()
            await processor.finish()
        }
        logger.info("polling stopped")
    }
}

extension PollingService: CustomStringConvertible {
    /// Short, for the service group's logs and errors (the default would print every device).
    public var description: String { "polling (\(links.count) links)" }
}

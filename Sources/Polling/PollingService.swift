public import DeviceMap
public import GatewayCore
public import Logging
public import Modbus
public import ServiceLifecycle
import Synchronization

/// `chemgate run`'s poller: one task per link, plus the freshness and snapshot ticker.
/// Stops cleanly on graceful shutdown (SIGINT, SIGTERM through the service group).
///
/// A reload hands it a new site (``apply(site:plan:)``): links whose endpoint and options are
/// unchanged keep their connection and poller (which takes its new device plans between cycles),
/// other links are started or stopped; the delivery writer, and so everything queued for the sink,
/// is never restarted.
public struct PollingService: Service {
    public let statistics = PollingStatistics()
    public let processor: PointProcessor
    private let roster: PollingRoster
    private let sink: any ReadingSink
    private let backlog: StorageBacklog
    private let metrics = PollingMetrics()
    private let dtuListener: DTUListener?
    private let origin: ContinuousClock.Instant
    private let logger: Logger

    /// The links, by id (the status endpoint reads their statistics).
    public var links: [String: ModbusLink] { roster.links }

    /// The site being polled (the latest one applied).
    public var site: SiteConfig { roster.site }

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
        self.processor = PointProcessor(site: site, origin: origin)
        self.sink = sink
        self.backlog = StorageBacklog(limit: storageBacklogLimit)
        self.dtuListener = dtuListener
        self.roster = PollingRoster(site: site, plan: plan)
        _ = apply(site: site, plan: plan)
    }

    /// Polls `site` from now on: unchanged links go on, changed ones restart, new ones start and
    /// removed ones stop. The point processor's state is not touched here
    /// (``PointProcessor/apply(site:)``).
    @discardableResult
    public func apply(site: SiteConfig, plan: SitePlan) -> PollingChanges {
        var changes = PollingChanges()
        roster.state.withLock { state in
            var links: [String: PollingRoster.Entry] = [:]
            for config in site.links {
                let entries = plan.entries(onLink: config.id)
                guard !entries.isEmpty else { continue }
                var options = config.options
                options.pauseAfterConnect = entries.map(\.device.map.defaults.connectPause).max() ?? .zero
                if let running = state.links[config.id], running.poller.config == config,
                    running.link.options == options
                {
                    let before = running.poller.updates.current
                    let same =
                        before.settings == site.polling && before.entries.count == entries.count
                        && zip(before.entries, entries).allSatisfy { $0.isPlanned(like: $1) }
                    if same {
                        changes.linksUnchanged.append(config.id)
                    } else {
                        running.poller.updates.replace(entries: entries, settings: site.polling)
                        changes.linksReplanned.append(config.id)
                    }
                    links[config.id] = running
                    continue
                }
                let link = ModbusLink(
                    endpoint: config.endpoint,
                    options: options,
                    logger: logger,
                    dtuListener: dtuListener,
                    name: config.id
                )
                let poller = LinkPoller(
                    config: config,
                    link: link,
                    entries: entries,
                    settings: site.polling,
                    updates: LinkPlanUpdates(entries: entries, settings: site.polling),
                    processor: processor,
                    statistics: statistics,
                    metrics: metrics,
                    backlog: backlog,
                    logger: logger
                )
                links[config.id] = PollingRoster.Entry(generation: state.nextGeneration, link: link, poller: poller)
                state.nextGeneration += 1
                changes.linksStarted.append(config.id)
            }
            changes.linksStopped = state.links.keys.filter { links[$0] == nil }.sorted()
            state.links = links
            state.site = site
            state.plan = plan
        }
        statistics.keep(
            scanClasses: Dictionary(
                plan.entries.map { ("\($0.device.link)/\($0.scanClass)", $0.period) },
                uniquingKeysWith: { first, _ in first }
            ),
            devices: Set(plan.entries.map(\.device.id)),
            // A restarted link starts afresh (up until it fails to connect), as a new one does.
            links: Set(changes.linksReplanned + changes.linksUnchanged)
        )
        roster.notifyChanged()
        return changes
    }

    public func run() async throws {
        let origin = self.origin
        let processor = self.processor
        let roster = self.roster
        let writer = DeliveryWriter(sink: sink, statistics: statistics, backlog: backlog, logger: logger) { reason in
            await processor.record(.storageRecovered, reason: reason)
        }
        let logger = self.logger
        logger.info("polling", metadata: ["links": "\(roster.entries.count)"])
        await withDiscardingTaskGroup { group in
            // One writer, in sequence order. On graceful shutdown it stores everything queued
            // before it ends.
            group.addTask { await writer.run(processor.deliveries) }
            await cancelWhenGracefulShutdown {
                await withDiscardingTaskGroup { group in
                    group.addTask {
                        while !Task.isCancelled {
                            do { try await Task.sleep(for: .seconds(1)) } catch { return }
                            await processor.tick()
                        }
                    }
                    // The running pollers by link, with their generation and the switch that stops them.
                    // A restarted link starts once its predecessor has closed the port.
                    var running: [String: (generation: Int, stop: PollerStop, stopped: PollerStop)] = [:]
                    for await _ in roster.changes {
                        let wanted = roster.entries
                        var predecessors: [String: PollerStop] = [:]
                        for (id, poller) in running where wanted[id]?.generation != poller.generation {
                            poller.stop.fire()
                            predecessors[id] = poller.stopped
                            running[id] = nil
                        }
                        for (id, entry) in wanted where running[id] == nil {
                            let (stop, stopped) = (PollerStop(), PollerStop())
                            running[id] = (entry.generation, stop, stopped)
                            let predecessor = predecessors[id]
                            group.addTask {
                                await predecessor?.wait()
                                await Self.poll(entry, until: stop, origin: origin)
                                stopped.fire()
                            }
                        }
                    }
                }
            }
            roster.finish()
            writer.stop()
            await processor.finish()
        }
        logger.info("polling stopped")
    }

    /// Runs one link's poller until the service stops or a reload stops it, then closes the link.
    private static func poll(_ entry: PollingRoster.Entry, until stop: PollerStop, origin: ContinuousClock.Instant)
        async
    {
        await withTaskGroup(of: Void.self) { group in
            // The poller runs on its link's own thread: a transaction then costs no thread switch
            // (BENCHMARKS.md, link scenario).
            group.addTask(executorPreference: entry.link.taskExecutor) {
                var poller = entry.poller
                await poller.run(origin: origin)
            }
            group.addTask { await stop.wait() }
            await group.next()
            group.cancelAll()
        }
        await entry.link.close()
    }
}

extension PollingService: CustomStringConvertible {
    /// Short, for the service group's logs and errors (the default would print every device).
    public var description: String { "polling (\(links.count) links)" }
}

import DeviceMap
import GatewayCore
import Logging
import PlatformProfile
import Polling
import Uplink

/// Reloads the site file of a running gateway (SIGHUP, `POST /reload`), one reload at a time.
///
/// The file is loaded and validated exactly as `chemgate check` and `chemgate run` do. When it has
/// errors, nothing changes: the errors are logged and shown in `/status` until a reload succeeds. When it
/// is valid, only what changed restarts (``PollingService/apply(site:plan:)``,
/// ``PointProcessor/apply(site:replacing:)``), a `config_reloaded` event names the devices added,
/// removed and changed, and what only a restart applies (``ReloadScope``) is logged and kept as it was.
actor ConfigReloader: ConfigurationReloading {
    let path: String
    let poller: PollingService
    let configuration: RunningConfiguration
    /// The platform-profile uplinks' channels by uplink id: they render from the site reloaded.
    let profiles: [String: ProfileChannel]
    let logger: Logger
    init(
        path: String,
        poller: PollingService,
        configuration: RunningConfiguration,
        profiles: [String: ProfileChannel] = [:],
        logger: Logger
    ) {
        self.path = path
        self.poller = poller
        self.configuration = configuration
        self.profiles = profiles
        self.logger = logger
    }

    func reload(trigger: String) async -> ReloadOutcome {
        logger.notice("reloading the configuration", metadata: ["config": "\(path)", "trigger": "\(trigger)"])
        let site: SiteConfig
        let warnings: [ConfigIssue]
        let running = poller.site
        do throws(ConfigErrors) {
            (site, warnings) = try SiteConfigLoader.load(path: path)
            _ = try SitePlan.make(site)
        } catch {
            var outcome = ReloadOutcome(applied: false, configHash: configuration.current.hash)
            outcome.errors = error.errors.map(\.description)
            let first = error.errors.first.map { "\($0.location): \($0.message)" } ?? "\(error)"
            let more = error.errors.count > 1 ? " (and \(error.errors.count - 1) more)" : ""
            configuration.rejected(
                "the configuration reload was refused, the previous configuration keeps running: \(first)\(more)"
            )
            logger.error(
                "configuration not reloaded: the running configuration stays\n\(error.description)",
                metadata: ["config": "\(path)", "trigger": "\(trigger)"]
            )
            return outcome
        }
        let scope = ReloadScope(running: running, new: site)
        let live = scope.live
        let plan: SitePlan
        do throws(ConfigErrors) {
            plan = try SitePlan.make(live)
        } catch {
            // Cannot happen: the file's own plan was made above and `live` plans the same devices.
            var outcome = ReloadOutcome(applied: false, configHash: configuration.current.hash)
            outcome.errors = error.errors.map(\.description)
            return outcome
        }
        let hash = ConfigHash.of(site: site)
        var outcome = ReloadOutcome(applied: true, configHash: hash)
        outcome.warnings = warnings.map(\.description)
        outcome.devicesAdded = scope.devicesAdded
        outcome.devicesRemoved = scope.devicesRemoved
        outcome.devicesChanged = scope.devicesChanged
        outcome.restartNeeded = scope.restartNeeded
        // The points first: a link that starts polling now finds its points' state ready.
        let points = await poller.processor.apply(site: live, replacing: running)
        let links = poller.apply(site: live, plan: plan)
        outcome.linksRestarted = links.linksStarted
        outcome.linksStopped = links.linksStopped
        updateProfiles(site: live)
        configuration.reloaded(hash: hash, restartNeeded: scope.restartNeeded)
        await poller.processor.recordReload(reason: outcome.summary)
        logger.notice(
            "\(outcome.summary)",
            metadata: [
                "config": "\(path)", "config_hash": "\(hash)", "trigger": "\(trigger)",
                "points_kept": "\(points.kept)", "points_reset": "\(points.reset.count)",
                "links_replanned": "\(links.linksReplanned.joined(separator: ","))",
            ]
        )
        for warning in warnings { logger.warning("\(warning.description)") }
        for item in scope.restartNeeded { logger.warning("\(item)") }
        return outcome
    }

    /// Gives every profile uplink the reloaded site: records of added points render with their
    /// indicator and fields, and a changed point catalogue goes to the platform before the next batch.
    private func updateProfiles(site: SiteConfig) {
        for (id, channel) in profiles.sorted(by: { $0.key < $1.key }) {
            guard let uplink = site.uplinks.first(where: { $0.id == id }) else { continue }
            do throws(ProfileError) {
                if try channel.replaceSite(ProfileSite(site: site, uplink: uplink)) {
                    logger.notice(
                        "the point catalogue changed: it goes to the platform before the next batch",
                        metadata: ["uplink": "\(id)"]
                    )
                }
            } catch {
                logger.error(
                    "uplink '\(id)' keeps rendering the previous site: \(error)",
                    metadata: ["uplink": "\(id)"]
                )
            }
        }
    }
}

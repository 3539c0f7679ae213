import ArgumentParser
import DeviceMap
import Foundation
import Outbox

/// The durable log of a site, for the commands that read it on site (`history`, `dead-letters`).
enum LocalLog {
    /// Loads the site file and opens its existing log at `storage.path`; prints why and exits 1 if either fails.
    static func open(config: String) throws -> (site: SiteConfig, log: DurableLog) {
        let site: SiteConfig
        do throws(ConfigErrors) {
            site = try SiteConfigLoader.load(path: config).0
        } catch {
            Console.error(error.description)
            throw ExitCode(1)
        }
        guard FileManager.default.fileExists(atPath: site.storage.path) else {
            Console.error("error: no log at \(site.storage.path) (storage.path of \(config))")
            throw ExitCode(1)
        }
        do {
            return (site, try DurableLog(path: site.storage.path))
        } catch {
            // A corrupted log or a file that is not a log: refused unchanged, with what to do.
            Console.error("error: cannot open the log \(site.storage.path) (storage.path of \(config)): \(error)")
            throw ExitCode(1)
        }
    }
}

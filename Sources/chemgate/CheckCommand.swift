import ArgumentParser
import DeviceMap

/// `chemgate check`: validates a site configuration and every device map it uses.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a site configuration and its device maps; print links, devices, reads and RS-485 bus time.",
        discussion: """
            Every problem is reported at once, as FILE:LINE:COLUMN with the offending line and a caret. \
            For each RS-485 link and scan class, the bus time of one cycle is estimated from the baud \
            rate, character format, frame sizes and the devices' pauses, with a warning when a scan \
            class cannot meet its period.

            Exit codes: 0 valid (warnings allowed), 1 errors found, 64 usage error.
            """
    )

    @Argument(help: "The site configuration.")
    var config: String = "chemgate.yaml"

    @Flag(help: "Also print the request plan of every device.")
    var plan = false

    func run() throws {
        let site: SiteConfig
        let warnings: [ConfigIssue]
        let sitePlan: SitePlan
        do throws(ConfigErrors) {
            (site, warnings) = try SiteConfigLoader.load(path: config)
            sitePlan = try SitePlan.make(site)
        } catch {
            Console.error(error.description)
            throw ExitCode(1)
        }
        for warning in warnings { Console.error(warning.description) }
        // The TLS files exist (the loader checked); here they must also parse as certificates and keys.
        var tlsFailed = false
        for uplink in site.uplinks {
            do {
                _ = try RunServices.tlsConfiguration(for: uplink)
            } catch {
                Console.error("\(config): error: \(error)")
                tlsFailed = true
            }
        }
        if tlsFailed { throw ExitCode(1) }
        let report = CheckReport(site: site, plan: sitePlan)
        Console.out(report.summary)
        if plan { Console.out(report.requestPlans) }
    }
}

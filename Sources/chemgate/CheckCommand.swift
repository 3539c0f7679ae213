import ArgumentParser
import DeviceMap
import PlatformProfile

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

            The platform profiles the site's uplinks name (`profile:`) are checked too; \
            `--profile FILE` checks a profile file on its own (docs/uplink-profiles.md).

            Exit codes: 0 valid (warnings allowed), 1 errors found, 64 usage error.
            """
    )

    @Argument(help: "The site configuration (default chemgate.yaml, unless only --profile is given).")
    var config: String?

    @Option(name: .customLong("profile"), help: "Check this platform profile file (repeatable).")
    var profiles: [String] = []

    @Flag(help: "Also print the request plan of every device.")
    var plan = false

    @Flag(
        help:
            "Also print every point as the site polls it, with where each setting comes from (the device map's line or the site file's)."
    )
    var explain = false

    func run() throws {
        var profilesFailed = false
        for file in profiles {
            do throws(ConfigErrors) {
                let (profile, warnings) = try ProfileLoader.load(path: file)
                for warning in warnings { Console.error(warning.description) }
                Console.out(
                    "\(file): valid — profile \(profile.name), \(profile.transport.name), messages \(Self.kinds(profile))"
                )
            } catch {
                Console.error(error.description)
                profilesFailed = true
            }
        }
        if !profiles.isEmpty, config == nil {
            if profilesFailed { throw ExitCode(1) }
            return
        }
        let config = self.config ?? "chemgate.yaml"
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
        if tlsFailed || profilesFailed || !Self.checkProfiles(of: site) { throw ExitCode(1) }
        let report = CheckReport(site: site, plan: sitePlan)
        Console.out(report.summary)
        if plan { Console.out(report.requestPlans) }
        if explain { Console.out(CheckExplain.render(site)) }
    }
}

extension CheckCommand {
    /// The message kinds a profile renders, in a fixed order: `data, events, catalogue`.
    static func kinds(_ profile: PlatformProfile) -> String {
        MessageKind.allCases.filter { profile.messages[$0] != nil }.map(\.rawValue).joined(separator: ", ")
    }

    /// Loads the profile of every uplink that names one and checks the uplink gives what it uses.
    /// - Returns: false after printing the problems.
    static func checkProfiles(of site: SiteConfig) -> Bool {
        var valid = true
        for uplink in site.uplinks {
            guard let path = ProfileLoader.path(of: uplink, siteFile: site.path) else { continue }
            let profile: PlatformProfile
            do throws(ConfigErrors) {
                let warnings: [ConfigIssue]
                (profile, warnings) = try ProfileLoader.load(path: path)
                for warning in warnings { Console.error(warning.description) }
            } catch {
                Console.error("\(site.path): error: the profile of uplink '\(uplink.id)' (\(path)) is not valid:")
                Console.error(error.description)
                valid = false
                continue
            }
            let isTCP = uplink.url.lowercased().hasPrefix("tcp://")
            if (uplink.mqtt != nil) != (profile.transport == .mqtt) {
                Console.error(
                    "\(site.path): error: uplink '\(uplink.id)': profile '\(profile.name)' sends over "
                        + "\(profile.transport.name): "
                        + (profile.transport == .mqtt ? "its url is mqtt:// or mqtts://" : "its url is not mqtt://")
                )
                valid = false
            } else if case .tcp = profile.transport, !isTCP {
                Console.error(
                    "\(site.path): error: uplink '\(uplink.id)': profile '\(profile.name)' sends framed TCP: "
                        + "its url is tcp://HOST:PORT, not \(uplink.url.prefix(8))…"
                )
                valid = false
            } else if isTCP, profile.transport.name != "tcp" {
                Console.error(
                    "\(site.path): error: uplink '\(uplink.id)': profile '\(profile.name)' sends over "
                        + "\(profile.transport.name): its url is http:// or https://, not tcp://"
                )
                valid = false
            }
            for name in profile.siteValues.sorted() where uplink.profileValues[name] == nil {
                Console.error(
                    "\(site.path): error: uplink '\(uplink.id)': profile '\(profile.name)' uses ${site.\(name)}; "
                        + "give '\(name)' in the uplink's profile_values"
                )
                valid = false
            }
            for name in profile.secrets.sorted() where uplink.profileSecrets[name] == nil {
                Console.error(
                    "\(site.path): error: uplink '\(uplink.id)': profile '\(profile.name)' needs the secret '\(name)'; "
                        + "give it in profile_secrets as 'env:VARIABLE' or 'file:PATH'"
                )
                valid = false
            }
        }
        return valid
    }
}

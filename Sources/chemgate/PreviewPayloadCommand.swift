import ArgumentParser
import DeviceMap
import Foundation
import GatewayCore
import Outbox
import PlatformProfile

/// `chemgate preview-payload`: renders the messages of an uplink's platform profile from sample
/// readings, exactly as they would be sent, with the plaintext of every encrypted part beside them.
struct PreviewPayloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview-payload",
        abstract: "Render one message of an uplink's platform profile from sample readings, with its plaintext.",
        discussion: """
            The sample has one good reading per catalogue point (the middle of its measuring range, or 0) \\
            and, for 'events', a first-level alarm on the first point. Secrets are read from where the \\
            uplink's profile_secrets say (environment or file), so set them as the gateway would have them. \\
            Header values are shown as ****. Compare the output with the platform's access document line by line.

            Exit codes: 0 rendered, 1 configuration or secret problem, 64 usage error.
            """
    )

    @Option(help: "The site configuration.")
    var config: String = "chemgate.yaml"

    @Option(help: "The id of the uplink whose profile is rendered.")
    var uplink: String

    @Option(help: "Which message: data, events, heartbeat or catalogue.")
    var kind: String = "data"

    @Flag(help: "Also print the plaintext of every encrypted part.")
    var decrypt = false

    func run() throws {
        let site: SiteConfig
        do throws(ConfigErrors) {
            site = try SiteConfigLoader.load(path: config).0
        } catch {
            Console.error(error.description)
            throw ExitCode(1)
        }
        guard let uplinkConfig = site.uplinks.first(where: { $0.id == uplink }) else {
            Console.error(
                "\(config): error: no uplink '\(uplink)'; uplinks: \(site.uplinks.map(\.id).joined(separator: ", "))"
            )
            throw ExitCode(1)
        }
        guard let path = ProfileLoader.path(of: uplinkConfig, siteFile: config) else {
            Console.error(
                "\(config): error: uplink '\(uplink)' has no profile: it sends chemgate's own format (docs/uplink-protocol.md)"
            )
            throw ExitCode(1)
        }
        guard let messageKind = MessageKind(rawValue: kind) else {
            throw ValidationError("--kind is data, events, heartbeat or catalogue")
        }
        do {
            let profile = try ProfileLoader.load(path: path).0
            let secrets = try ProfileSecrets.read(
                uplinkConfig.profileSecrets,
                what: "uplink '\(uplink)'",
                directory: URL(fileURLWithPath: config).deletingLastPathComponent().path
            )
            var renderer = try ProfileRenderer(
                profile: profile,
                site: ProfileSite(site: site, uplink: uplinkConfig),
                secrets: secrets
            )
            let now = Timestamp.now()
            let messages: [RenderedMessage]
            switch messageKind {
            case .data, .events:
                let records = Self.sample(
                    renderer.site,
                    gateway: site.gateway.id,
                    at: now,
                    events: messageKind == .events
                )
                messages = try renderer.render(records, sentAt: now).messages.filter { $0.kind == messageKind }
            case .heartbeat:
                messages = try renderer.renderHeartbeat(sentAt: now).map { [$0] } ?? []
            case .catalogue:
                messages = try renderer.renderCatalogue(sentAt: now)
            }
            guard !messages.isEmpty else {
                Console.error("profile '\(profile.name)' has no '\(kind)' message (or the site has no points for it)")
                throw ExitCode(1)
            }
            Console.out(Self.describe(messages, profile: profile, decrypt: decrypt))
        } catch let error as ConfigErrors {
            Console.error(error.description)
            throw ExitCode(1)
        } catch let error as ProfileError {
            Console.error("\(config): error: \(error)")
            throw ExitCode(1)
        }
    }

    /// One good reading per catalogue point (and an alarm on the first, for events).
    static func sample(_ site: ProfileSite, gateway: String, at time: Timestamp, events: Bool) -> [Record] {
        var records: [Record] = []
        for (index, point) in site.points.enumerated() {
            let value = point.range.map { ($0.lowerBound + $0.upperBound) / 2 } ?? 0
            records.append(
                Record(
                    sequence: Int64(index + 1),
                    payload: .reading(
                        Reading(
                            gateway: gateway,
                            device: point.device,
                            point: point.id,
                            indicator: point.indicator,
                            value: .number(value),
                            unit: point.unit,
                            quality: .good,
                            timestamp: time,
                            sequence: UInt64(index + 1)
                        )
                    )
                )
            )
        }
        if events, let point = site.points.first {
            let limit = point.limits?.high ?? point.range?.upperBound ?? 1
            records.append(
                Record(
                    sequence: Int64(records.count + 1),
                    payload: .event(
                        GatewayEvent(
                            kind: .alarmRaised,
                            gateway: gateway,
                            device: point.device,
                            point: point.id,
                            indicator: point.indicator,
                            level: point.limits?.gasLevels == true ? .level1 : .high,
                            value: .number(limit),
                            limit: limit,
                            unit: point.unit,
                            timestamp: time,
                            reason: "sample alarm at the limit \(limit)",
                            sequence: UInt64(records.count + 1)
                        )
                    )
                )
            )
        }
        return records
    }

    static func describe(_ messages: [RenderedMessage], profile: PlatformProfile, decrypt: Bool) -> String {
        var lines: [String] = []
        for (index, message) in messages.enumerated() {
            var body = message.body
            if case .tcp(let framing) = profile.transport { body = framing.frame(body) }
            let count = message.points.isEmpty ? "\(message.sequences.count) records" : "\(message.points.count) points"
            lines.append(
                "message \(index + 1) of \(messages.count): \(message.kind.rawValue), \(count), \(body.count) bytes, "
                    + "profile \(profile.name) over \(profile.transport.name)"
            )
            for header in message.headers { lines.append("header \(header.name): ****") }
            lines.append(String(decoding: body, as: UTF8.self))
            if decrypt {
                for (part, plaintext) in message.plaintexts.enumerated() {
                    lines.append("plaintext \(part + 1):")
                    lines.append(String(decoding: plaintext, as: UTF8.self))
                }
            }
        }
        return lines.joined(separator: "\n")
    }
}

import DeviceMap
import Foundation
import PlatformProfile
import Uplink

extension RunServices {
    /// The platform profile's channel of an uplink with `profile:` (HTTP or framed TCP); nil for chemgate's
    /// own format (no profile, or `profile: chemgate-json`, which the batch writer sends byte for byte).
    /// - Throws: when the profile file is not valid, a secret cannot be read, or the transport does not
    ///   match the url; the text names the uplink, the file and what to check.
    static func profileChannel(for uplink: UplinkConfig, site: SiteConfig) throws -> ProfileChannel? {
        guard uplink.profile != nil, uplink.profile != "chemgate-json",
            let path = ProfileLoader.path(of: uplink, siteFile: site.path)
        else { return nil }
        let profile: PlatformProfile
        do throws(ConfigErrors) {
            profile = try ProfileLoader.load(path: path).0
        } catch {
            throw ValidationFailure(
                description: "the profile of uplink '\(uplink.id)' (\(path)) is not valid "
                    + "(chemgate check \(site.path)):\n\(error.description)"
            )
        }
        let tcpAddress = UplinkURL.tcpAddress(uplink.url)
        switch (profile.transport, tcpAddress) {
        case (.tcp, nil):
            throw ValidationFailure(
                description:
                    "uplink '\(uplink.id)': profile '\(profile.name)' sends framed TCP: its url is tcp://HOST:PORT"
            )
        case (.http, .some), (.mqtt, .some):
            throw ValidationFailure(
                description: "uplink '\(uplink.id)': profile '\(profile.name)' sends over \(profile.transport.name), "
                    + "not framed TCP: its url is http:// or https://"
            )
        case (.mqtt, nil):
            throw ValidationFailure(
                description:
                    "uplink '\(uplink.id)': profile '\(profile.name)' sends over MQTT: its url is mqtt:// or mqtts://"
            )
        default:
            break
        }
        do throws(ProfileError) {
            let secrets = try ProfileSecrets.read(
                uplink.profileSecrets,
                what: "uplink '\(uplink.id)'",
                directory: URL(fileURLWithPath: site.path).deletingLastPathComponent().path
            )
            LogSecrets.shared.add(Array(secrets.values))
            let renderer = try ProfileRenderer(
                profile: profile,
                site: ProfileSite(site: site, uplink: uplink),
                secrets: secrets
            )
            return ProfileChannel(
                renderer: renderer,
                tcpAddress: tcpAddress,
                connectTimeout: uplink.connectTimeout,
                replyTimeout: uplink.timeout
            )
        } catch {
            throw ValidationFailure(description: "\(site.path): uplink '\(uplink.id)': \(error)")
        }
    }
}

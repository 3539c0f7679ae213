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
        let urlTransport = uplink.mqtt != nil ? "mqtt" : tcpAddress != nil ? "tcp" : "http"
        guard profile.transport.name == urlTransport else {
            let expected =
                switch profile.transport {
                case .http: "http:// or https://"
                case .mqtt: "mqtt:// or mqtts://"
                case .tcp: "tcp://HOST:PORT"
                }
            throw ValidationFailure(
                description: "uplink '\(uplink.id)': profile '\(profile.name)' sends over \(profile.transport.name): "
                    + "its url is \(expected), not \(urlTransport)"
            )
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

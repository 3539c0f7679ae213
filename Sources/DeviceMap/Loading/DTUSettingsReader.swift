import Modbus
import Yams

/// Reads the settings of links that reach their RS-485 line over a network: `rtu+tcp://` links
/// (`connect_timeout`, `round_trip`) and `dtu://` links (`registration`, `heartbeat`, `allow`,
/// `round_trip`), and the site's DTU listener (`dtu_listen`, and the `dtu:` defaults).
struct DTUSettingsReader {
    /// The `dtu:` section's defaults for every DTU link.
    struct Defaults {
        var registration = DTURegistration.ascii
        var heartbeat: DTUBytes?
        var allow: DTUAllowList?
    }

    static let sectionKeys = ["registration", "heartbeat", "allow"]
    /// Keys a link may only carry for some endpoint kinds.
    static let networkLinkKeys = ["connect_timeout", "round_trip", "registration", "heartbeat", "allow"]

    /// `dtu_listen: HOST:PORT`, with the listener-wide allow list of the `dtu:` section.
    static func listener(_ top: MappingReader, defaults: Defaults) -> DTUListenerSettings? {
        guard let text = top.string("dtu_listen") else { return nil }
        let parsed = try? ModbusEndpoint(url: "tcp://" + text)
        guard case .tcp(let address)? = parsed, text.contains(":"), !text.hasSuffix("]") else {
            top.log.error(
                "dtu_listen is the address and port DTUs connect to, such as 0.0.0.0:9502, not "
                    + MappingReader.quoted(text),
                at: top.position(of: "dtu_listen")
            )
            return nil
        }
        return DTUListenerSettings(host: address.host, port: address.port, allow: defaults.allow)
    }

    /// The `dtu:` section.
    static func defaults(_ top: MappingReader) -> Defaults {
        var defaults = Defaults()
        guard let reader = top.mapping("dtu", context: "dtu", allowed: sectionKeys) else { return defaults }
        if let value = registration(reader) { defaults.registration = value }
        defaults.heartbeat = heartbeat(reader)
        defaults.allow = allow(reader)
        return defaults
    }

    /// The network settings of one link; reports keys that do not fit its endpoint.
    static func apply(
        _ reader: MappingReader,
        name: String,
        endpoint: ModbusEndpoint,
        defaults: Defaults,
        to config: inout LinkConfig
    ) {
        let allowedKeys: [String]
        switch endpoint {
        case .tcp, .rtu: allowedKeys = []
        case .rtuOverTCP: allowedKeys = ["connect_timeout", "round_trip"]
        case .dtu: allowedKeys = ["round_trip", "registration", "heartbeat", "allow"]
        }
        for key in networkLinkKeys where reader.has(key) && !allowedKeys.contains(key) {
            reader.log.error(
                "'\(key)' in \(name) applies only to "
                    + (key == "connect_timeout"
                        ? "rtu+tcp:// links" : key == "round_trip" ? "rtu+tcp:// and dtu:// links" : "dtu:// links")
                    + ", not to \(endpoint)",
                at: reader.keyPosition(of: key)
            )
        }
        if let timeout = reader.duration("connect_timeout", in: ConfigLimits.linkTimeout) {
            config.options.connectTimeout = timeout
        }
        config.networkRoundTrip = reader.duration("round_trip", in: ConfigLimits.networkRoundTrip)
        guard case .dtu(let dtu) = endpoint else { return }
        let form = registration(reader) ?? defaults.registration
        if case .hex = form, DTUBytes.hexBytes(dtu.registrationID)?.isEmpty ?? true {
            reader.log.error(
                "endpoint of \(name): with registration: hex the id is the registration packet's bytes in hex "
                    + "digits (e.g. dtu://0860123456789012), not '\(dtu.registrationID)'",
                at: reader.position(of: "endpoint")
            )
        }
        config.dtu = DTULinkSettings(
            linkID: config.id,
            registrationID: dtu.registrationID,
            registration: form,
            heartbeat: reader.has("heartbeat") ? heartbeat(reader) : defaults.heartbeat,
            allow: reader.has("allow") ? allow(reader) : nil
        )
    }

    /// Checks the DTU links against the listener: one exists, and no two links share a registration id.
    static func check(_ links: [SiteConfigLoader.ReadLink], listener: DTUListenerSettings?, top: MappingReader) {
        var seen: [String: SiteConfigLoader.ReadLink] = [:]
        for link in links {
            guard let dtu = link.config.dtu else { continue }
            let position = link.position
            if listener == nil, !top.has("dtu_listen") {
                top.log.error(
                    "link '\(link.config.id)' is a DTU link (\(link.config.endpoint)) but the site has no dtu_listen: "
                        + "add 'dtu_listen: 0.0.0.0:PORT', the port the DTUs are configured to connect to",
                    at: position
                )
            }
            let key = dtu.registrationID.uppercased()
            if let other = seen[key] {
                top.log.error(
                    "link '\(link.config.id)' registers as '\(dtu.registrationID)' like link '\(other.config.id)' "
                        + "(line \(other.line)): each DTU needs its own registration id",
                    at: position
                )
            }
            seen[key] = link
        }
        if top.has("dtu_listen"), seen.isEmpty {
            top.log.warning(
                "dtu_listen is set but no link is a DTU link (endpoint: dtu://REGISTRATION-ID): every DTU "
                    + "connecting will be refused",
                at: top.position(of: "dtu_listen")
            )
        }
    }

    private static func registration(_ reader: MappingReader) -> DTURegistration? {
        guard let text = reader.string("registration") else { return nil }
        do throws(ModbusError) {
            return try DTURegistration(parsing: text)
        } catch {
            reader.log.error(
                "'registration' in \(reader.context): \(error.reason)",
                at: reader.position(of: "registration")
            )
            return nil
        }
    }

    private static func heartbeat(_ reader: MappingReader) -> DTUBytes? {
        guard let text = reader.string("heartbeat") else { return nil }
        do throws(ModbusError) {
            return try DTUBytes(parsing: text)
        } catch {
            reader.log.error("'heartbeat' in \(reader.context): \(error.reason)", at: reader.position(of: "heartbeat"))
            return nil
        }
    }

    private static func allow(_ reader: MappingReader) -> DTUAllowList? {
        guard let items = reader.sequence("allow") else { return nil }
        let entries = items.compactMap { $0.scalar?.string }
        guard entries.count == items.count, !entries.isEmpty else {
            reader.log.error(
                "'allow' in \(reader.context) is a list of IP addresses and networks, such as [10.0.0.0/8, 192.168.1.20]",
                at: reader.position(of: "allow")
            )
            return nil
        }
        do throws(ModbusError) {
            return try DTUAllowList(entries)
        } catch {
            reader.log.error("'allow' in \(reader.context): \(error.reason)", at: reader.position(of: "allow"))
            return nil
        }
    }
}

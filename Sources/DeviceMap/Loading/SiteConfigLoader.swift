import Foundation
import Modbus
import Yams

/// Loads a site configuration and every device map it uses, and validates them together.
public enum SiteConfigLoader {
    static let topKeys = [
        "gateway", "devices_path", "links", "scan_classes", "default_scan", "devices", "uplinks", "storage", "status",
        "polling", "profiles_path", "dtu_listen", "dtu",
    ]
    static let gatewayKeys = ["id", "enterprise", "name"]
    static let linkKeys =
        ["id", "endpoint", "timeout", "byte_timeout", "reconnect_after_timeouts", "description"]
        + DTUSettingsReader.networkLinkKeys
    static let deviceKeys = [
        "id", "name", "location", "link", "unit", "map", "scan", "enabled", "maintenance", "points",
    ]
    static let overrideKeys =
        [
            "indicator", "tag", "name", "hazard_code", "alarms", "scan", "enabled", "report_deadband", "frozen_after",
            "report",
        ] + ConversionOverrideReader.keys
    static let defaultScanClasses: [String: Duration] = [
        "fast": .seconds(1), "normal": .seconds(5), "slow": .seconds(60),
    ]

    /// Loads `path` and the maps under its `devices_path` (default `Devices` next to the file).
    /// - Throws: ``ConfigErrors`` with every problem in the file and the maps it uses.
    public static func load(path: String) throws(ConfigErrors) -> (SiteConfig, warnings: [ConfigIssue]) {
        let log = IssueLog()
        let config = YAMLDocument.load(path: path, log: log).flatMap {
            read($0, directory: directory(of: path), log: log)
        }
        guard let config, !log.hasErrors else { throw ConfigErrors(log.issues) }
        return (config, log.issues)
    }

    static func directory(of path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().path
    }

    static func read(_ document: YAMLDocument, directory: String, log: IssueLog) -> SiteConfig? {
        guard
            let top = MappingReader(
                document.root,
                context: "the site configuration",
                allowed: topKeys,
                document: document,
                log: log
            )
        else { return nil }
        let gateway = readGateway(top)
        let dtuDefaults = DTUSettingsReader.defaults(top)
        let links = readLinks(top, dtuDefaults: dtuDefaults)
        let dtuListener = DTUSettingsReader.listener(top, defaults: dtuDefaults)
        DTUSettingsReader.check(links, listener: dtuListener, top: top)
        let scanClasses = readScanClasses(top)
        let defaultScan =
            top.string("default_scan")
            ?? (scanClasses["normal"] != nil ? "normal" : scanClasses.keys.sorted().first ?? "normal")
        if top.has("default_scan"), scanClasses[defaultScan] == nil {
            log.error(
                "default_scan '\(defaultScan)' is not a scan class; defined: \(scanClasses.keys.sorted().joined(separator: ", "))",
                at: top.position(of: "default_scan")
            )
        }
        let devicesPath = top.string("devices_path") ?? "Devices"
        let mapsDirectory = devicesPath.hasPrefix("/") ? devicesPath : directory + "/" + devicesPath
        var maps = MapCache(directory: mapsDirectory, displayDirectory: devicesPath, log: log)
        let devices = DeviceReader(
            top: top,
            links: links,
            scanClasses: scanClasses,
            defaultScan: defaultScan
        ).read(maps: &maps)
        let profilesPath = top.string("profiles_path") ?? "profiles"
        let profilesDirectory = profilesPath.hasPrefix("/") ? profilesPath : directory + "/" + profilesPath
        let uplinks = ServiceSectionReader.uplinks(top, directory: directory, profilesDirectory: profilesDirectory)
        let storage = ServiceSectionReader.storage(top, directory: directory)
        let status = ServiceSectionReader.status(top)
        let polling = ServiceSectionReader.polling(top)
        guard let gateway else { return nil }
        var site = SiteConfig(
            path: document.source.name,
            gateway: gateway,
            links: links.map(\.config),
            scanClasses: scanClasses,
            defaultScanClass: defaultScan,
            devices: devices,
            uplinks: uplinks,
            storage: storage,
            status: status,
            polling: polling,
            dtuListener: dtuListener
        )
        site.scanClassReports = readScanClassReports(top)
        return site
    }

    /// The report modes of the scan classes written as a mapping (`fast: { period: 100ms, report: every_poll }`).
    private static func readScanClassReports(_ top: MappingReader) -> [String: ReportMode] {
        var reports: [String: ReportMode] = [:]
        // Not a mapping at all: readScanClasses(_:) has said so already.
        guard case .mapping? = top.node("scan_classes") else { return reports }
        for (key, value) in top.entries("scan_classes") ?? [] {
            guard let name = key.scalar?.string, value.mapping != nil,
                let reader = MappingReader(
                    value,
                    context: "scan class '\(name)'",
                    allowed: ["period", "report"],
                    document: top.document,
                    log: top.log
                ),
                let mode = ReportModeReader.read(reader)
            else { continue }
            reports[name] = mode
        }
        return reports
    }

    private static func readGateway(_ top: MappingReader) -> GatewayIdentity? {
        guard let reader = top.mapping("gateway", context: "gateway", allowed: gatewayKeys, required: true),
            let id = reader.id(),
            let enterprise = reader.string("enterprise", required: true)
        else { return nil }
        if enterprise.utf8.count > 64 || enterprise.contains(where: \.isWhitespace) {
            reader.log.error(
                "'enterprise' in gateway is the platform's enterprise code: at most 64 characters without spaces",
                at: reader.position(of: "enterprise")
            )
            return nil
        }
        return GatewayIdentity(id: id, enterprise: enterprise, name: reader.string("name"))
    }

    struct ReadLink {
        var config: LinkConfig
        var line: Int
        /// Where its endpoint is written, for messages about it.
        var position: SourcePosition
    }

    private static func readLinks(_ top: MappingReader, dtuDefaults: DTUSettingsReader.Defaults) -> [ReadLink] {
        var links: [ReadLink] = []
        for node in top.sequence("links", required: true) ?? [] {
            let name = (node.mapping?["id"]?.scalar?.string).map { "link \(MappingReader.quoted($0))" } ?? "a link"
            guard
                let reader = MappingReader(
                    node,
                    context: name,
                    allowed: linkKeys,
                    document: top.document,
                    log: top.log
                ),
                let id = reader.id()
            else { continue }
            if let existing = links.first(where: { $0.config.id == id }) {
                top.log.error(
                    "duplicate link id '\(id)': already used on line \(existing.line)",
                    at: reader.position(of: "id")
                )
                continue
            }
            guard let url = reader.string("endpoint", required: true) else { continue }
            if UplinkURL.secret(in: url) != nil {
                top.log.error(
                    "endpoint of \(name): a Modbus endpoint has no user name or password ('…@'); write tcp://HOST:PORT",
                    at: reader.position(of: "endpoint")
                )
                continue
            }
            let endpoint: ModbusEndpoint
            do throws(ModbusError) {
                endpoint = try ModbusEndpoint(url: url)
            } catch {
                top.log.error("endpoint of \(name): \(error.reason)", at: reader.position(of: "endpoint"))
                continue
            }
            if case .rtu(let port) = endpoint,
                let other = links.first(where: { Self.sameSerialDevice($0.config.endpoint, port.path) })
            {
                top.log.error(
                    "endpoint of \(name): \(port.path) is already the serial device of link '\(other.config.id)' "
                        + "(line \(other.line)); one RS-485 line is one link: put every device of that line on it",
                    at: reader.position(of: "endpoint")
                )
                continue
            }
            if case .rtuOverTCP(let server) = endpoint,
                let other = links.first(where: {
                    guard case .rtuOverTCP(let existing) = $0.config.endpoint else { return false }
                    return existing.host == server.host && existing.port == server.port
                })
            {
                top.log.error(
                    "endpoint of \(name): \(server.host):\(server.port) is already the serial device server port "
                        + "of link '\(other.config.id)' (line \(other.line)); one server port is one RS-485 line: "
                        + "put every device of that line on one link",
                    at: reader.position(of: "endpoint")
                )
                continue
            }
            var options = ModbusLinkOptions()
            options.responseTimeout =
                reader.duration("timeout", in: ConfigLimits.linkTimeout) ?? options.responseTimeout
            options.byteTimeout = reader.duration("byte_timeout", in: ConfigLimits.byteTimeout) ?? options.byteTimeout
            options.reconnectAfterTimeouts =
                reader.int("reconnect_after_timeouts", in: 0...1000) ?? options.reconnectAfterTimeouts
            var config = LinkConfig(
                id: id,
                endpoint: endpoint,
                options: options,
                description: reader.string("description")
            )
            DTUSettingsReader.apply(reader, name: name, endpoint: endpoint, defaults: dtuDefaults, to: &config)
            links.append(
                ReadLink(config: config, line: reader.position.line, position: reader.position(of: "endpoint"))
            )
        }
        return links
    }

    /// Whether `endpoint` opens the serial device at `path`: the same path, or two names of one
    /// device (`/dev/serial/by-id/…` and `/dev/ttyUSB0` resolve to the same file).
    private static func sameSerialDevice(_ endpoint: ModbusEndpoint, _ path: String) -> Bool {
        guard case .rtu(let port) = endpoint else { return false }
        if port.path == path { return true }
        let resolved = URL(fileURLWithPath: port.path).resolvingSymlinksInPath().path
        return FileManager.default.fileExists(atPath: resolved)
            && resolved == URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    private static func readScanClasses(_ top: MappingReader) -> [String: Duration] {
        guard let entries = top.entries("scan_classes") else { return defaultScanClasses }
        var classes: [String: Duration] = [:]
        for (key, value) in entries {
            guard let name = key.scalar?.string, ConfigLimits.isSafeID(name) else {
                top.log.error(
                    "a scan class name must be 1 to 64 of the letters A–Z and a–z, the digits 0–9, '-', '_' and '.', not \(key.kindName)",
                    at: top.document.position(of: key)
                )
                continue
            }
            let range = ConfigLimits.scanPeriod
            // `name: 1s`, or `name: { period: 1s, report: every_poll }` (``readScanClassReports(_:)``).
            let periodNode = value.mapping?["period"] ?? value
            guard let text = periodNode.scalar?.string, let period = DurationText.parse(text) else {
                top.log.error(
                    "scan class '\(name)': the period is a duration with its unit, such as 'fast: 1s', from "
                        + "\(DurationText.format(range.lowerBound)) to \(DurationText.format(range.upperBound)), not \(value.kindName)",
                    at: top.document.position(of: value)
                )
                continue
            }
            guard range.contains(period) else {
                top.log.error(
                    "scan class '\(name)': the period must be from \(DurationText.format(range.lowerBound)) to \(DurationText.format(range.upperBound)), not \(MappingReader.quoted(text.trimmingSpaces))",
                    at: top.document.position(of: value)
                )
                continue
            }
            classes[name] = period
        }
        return classes
    }
}

/// Loads each referenced map once, and remembers failures so they are reported once.
struct MapCache {
    let directory: String
    let displayDirectory: String
    let log: IssueLog
    private var loaded: [String: DeviceMap?] = [:]

    init(directory: String, displayDirectory: String, log: IssueLog) {
        self.directory = directory
        self.displayDirectory = displayDirectory
        self.log = log
    }

    /// The map `reference` (`vendor/model`, with or without `.yaml`).
    mutating func map(_ reference: String, at position: SourcePosition) -> DeviceMap? {
        if let cached = loaded[reference] { return cached }
        let relative = reference.hasSuffix(".yaml") ? reference : reference + ".yaml"
        let path = directory + "/" + relative
        guard FileManager.default.fileExists(atPath: path) else {
            var message = "no device map '\(reference)' (looked for \(displayDirectory)/\(relative))"
            if let suggestion = nearest(to: relative, in: availableMaps()) {
                message += "; did you mean '\(suggestion.dropLast(5))'?"
            }
            log.error(message, at: position)
            loaded[reference] = .some(nil)
            return nil
        }
        let map = DeviceMapLoader.load(path: path, displayName: displayDirectory + "/" + relative, log: log)
        loaded[reference] = map
        return map
    }

    private func availableMaps() -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") }
    }
}

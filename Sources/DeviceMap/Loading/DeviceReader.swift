import Formula
import Modbus
import Yams

/// Reads the `devices:` list of a site configuration and checks it against links, maps and itself.
struct DeviceReader {
    let top: MappingReader
    let links: [SiteConfigLoader.ReadLink]
    let scanClasses: [String: Duration]
    let defaultScan: String

    private var log: IssueLog { top.log }

    func read(maps: inout MapCache) -> [DeviceConfig] {
        var devices: [DeviceConfig] = []
        var seenIDs: [String: Int] = [:]
        var unitsOnLink: [String: [UInt8: (id: String, line: Int)]] = [:]
        var indicators: [String: (device: String, point: String, line: Int)] = [:]
        for node in top.sequence("devices", required: true) ?? [] {
            let name = (node.mapping?["id"]?.scalar?.string).map { "device \(MappingReader.quoted($0))" } ?? "a device"
            guard
                let reader = MappingReader(
                    node,
                    context: name,
                    allowed: SiteConfigLoader.deviceKeys,
                    document: top.document,
                    log: log
                ),
                let device = read(reader, maps: &maps)
            else { continue }
            if let line = seenIDs[device.id] {
                log.error(
                    "duplicate device id '\(device.id)': already used on line \(line)",
                    at: reader.position(of: "id")
                )
                continue
            }
            seenIDs[device.id] = device.line
            if device.enabled {
                if let other = unitsOnLink[device.link]?[device.unit] {
                    log.error(
                        "devices '\(other.id)' (line \(other.line)) and '\(device.id)' both use unit \(device.unit) on link '\(device.link)': every device on a link needs its own unit id",
                        at: reader.position(of: "unit")
                    )
                }
                unitsOnLink[device.link, default: [:]][device.unit] = (device.id, device.line)
            }
            for point in device.points {
                guard let code = point.indicator else { continue }
                let line = reader.position.line
                if let other = indicators[code] {
                    log.error(
                        "indicator code '\(code)' of \(device.id).\(point.id) is already used by \(other.device).\(other.point) (line \(other.line)): codes must be unique at the platform",
                        at: reader.keyPosition(of: "points")
                    )
                }
                indicators[code] = (device.id, point.id, line)
            }
            devices.append(device)
        }
        return devices
    }

    private func read(_ reader: MappingReader, maps: inout MapCache) -> DeviceConfig? {
        let id = reader.id()
        let linkID = reader.string("link", required: true)
        let link = linkID.flatMap { id in links.first { $0.config.id == id } }
        if let linkID, link == nil {
            var message = "unknown link '\(linkID)'"
            if let suggestion = nearest(to: linkID, in: links.map(\.config.id)) {
                message += "; did you mean '\(suggestion)'?"
            }
            log.error(
                message + " Links: \(links.map(\.config.id).joined(separator: ", "))",
                at: reader.position(of: "link")
            )
        }
        // RTU frames (a serial line, a serial device server, a DTU) address units 1–247.
        let isRTUFramed = link?.config.endpoint.isRTUFramed ?? false
        let unit = reader.int("unit", required: true, in: isRTUFramed ? 1...247 : 0...255)
        let reference = reader.string("map", required: true)
        let map = reference.flatMap { maps.map($0, at: reader.position(of: "map")) }
        let scan = readScanClass(reader, key: "scan") ?? defaultScan
        let overrides = map.map { readOverrides(reader, map: $0) } ?? [:]
        guard let id, let linkID, link != nil, let unit, let reference, let map else { return nil }
        let device = DeviceConfig(
            id: id,
            name: reader.string("name"),
            location: reader.string("location"),
            link: linkID,
            unit: UInt8(unit),
            mapReference: reference,
            map: map,
            scanClass: scan,
            enabled: reader.bool("enabled") ?? true,
            maintenance: reader.bool("maintenance") ?? false,
            overrides: overrides,
            line: reader.position.line
        )
        checkMergedAlarms(device, reader: reader)
        checkFormulaInputs(device, reader: reader)
        return device
    }

    private func readScanClass(_ reader: MappingReader, key: String) -> String? {
        guard let name = reader.string(key) else { return nil }
        guard scanClasses[name] != nil else {
            log.error(
                "unknown scan class \(MappingReader.quoted(name)); defined: \(scanClasses.keys.sorted().joined(separator: ", "))",
                at: reader.position(of: key)
            )
            return nil
        }
        return name
    }

    private func readOverrides(_ reader: MappingReader, map: DeviceMap) -> [String: PointOverride] {
        var overrides: [String: PointOverride] = [:]
        for (key, value) in reader.entries("points") ?? [] {
            guard let pointID = key.scalar?.string else { continue }
            guard let definition = map.point(pointID) else {
                var message = "the map \(map.path) has no point \(MappingReader.quoted(pointID))"
                if let suggestion = nearest(to: pointID, in: map.points.map(\.id)) {
                    message += "; did you mean '\(suggestion)'?"
                }
                log.error(message, at: top.document.position(of: key))
                continue
            }
            guard
                let point = MappingReader(
                    value,
                    context: "point '\(pointID)' of \(reader.context)",
                    allowed: SiteConfigLoader.overrideKeys,
                    document: top.document,
                    log: log
                )
            else { continue }
            overrides[pointID] = PointOverride(
                indicator: point.string("indicator"),
                tag: point.string("tag"),
                name: point.string("name"),
                hazardCode: point.string("hazard_code"),
                alarms: AlarmReader.read(point, key: "alarms"),
                scanClass: readScanClass(point, key: "scan"),
                enabled: point.bool("enabled"),
                reportDeadband: point.double("report_deadband"),
                frozenAfter: point.duration("frozen_after", in: ConfigLimits.frozenAfter),
                report: ReportModeReader.read(point),
                conversion: ConversionOverrideReader(reader: point, point: definition).read()
            )
        }
        return overrides
    }

    /// A computed point is evaluated from inputs read in the same poll: each must be enabled and in its scan class.
    private func checkFormulaInputs(_ device: DeviceConfig, reader: MappingReader) {
        guard device.map.points.contains(where: \.isComputed) else { return }
        let points = Dictionary(device.points.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for point in points.values.sorted(by: { $0.definition.line < $1.definition.line }) {
            for reference in point.definition.formula?.references ?? [] {
                guard let input = points[reference.name] else {
                    log.error(
                        "\(device.id).\(point.id) is computed from '\(reference.name)', which this site disables: enable it (it may be hidden) or disable \(point.id) too",
                        at: reader.keyPosition(of: "points")
                    )
                    continue
                }
                if input.scanClass != point.scanClass {
                    log.error(
                        "\(device.id).\(point.id) (scan \(point.scanClass)) is computed from '\(reference.name)' (scan \(input.scanClass)): a formula uses values of the same poll, so give both the same scan class",
                        at: reader.keyPosition(of: "points")
                    )
                }
            }
        }
    }

    /// Site limits merged onto the map's must still rise ll < l < h < hh.
    private func checkMergedAlarms(_ device: DeviceConfig, reader: MappingReader) {
        for point in device.points {
            guard let limits = point.alarms, device.overrides[point.id]?.alarms != nil else { continue }
            let values = [limits.lowLow, limits.low, limits.high, limits.highHigh].compactMap { $0 }
            if zip(values, values.dropFirst()).contains(where: { $0 >= $1 }) {
                log.error(
                    "alarm limits of \(device.id).\(point.id) after the site override do not rise (\(limits.summary)); the map's own limits are \(point.definition.alarms?.summary ?? "none")",
                    at: reader.keyPosition(of: "points")
                )
            }
        }
    }
}

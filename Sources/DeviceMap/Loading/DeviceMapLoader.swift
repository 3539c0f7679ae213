import Decoding
import Modbus
import Yams

/// Loads and validates device maps, reporting every problem with its file, line and column.
public enum DeviceMapLoader {
    static let topKeys = ["vendor", "model", "description", "source", "defaults", "forbidden", "channels", "points"]
    static let sourceKeys = ["document", "section", "page", "url", "notes"]
    static let defaultKeys = [
        "byte_order", "max_registers", "max_bits", "max_gap", "request_pause", "connect_pause", "single_register",
        "turnaround",
    ]

    /// Loads one map file.
    /// - Parameters:
    ///   - path: the file to read.
    ///   - displayName: how messages name the file (defaults to `path`).
    /// - Throws: ``ConfigErrors`` with every problem found.
    public static func load(path: String, displayName: String? = nil) throws(ConfigErrors) -> DeviceMap {
        let log = IssueLog()
        let map = load(path: path, displayName: displayName, log: log)
        guard let map, !log.hasErrors else { throw ConfigErrors(log.issues) }
        return map
    }

    /// Parses map text (for tests and tools).
    public static func parse(_ text: String, name: String) throws(ConfigErrors) -> DeviceMap {
        let log = IssueLog()
        let map = YAMLDocument.parse(text, name: name, log: log).flatMap { read($0, log: log) }
        guard let map, !log.hasErrors else { throw ConfigErrors(log.issues) }
        return map
    }

    static func load(path: String, displayName: String?, log: IssueLog) -> DeviceMap? {
        guard let document = YAMLDocument.load(path: path, displayName: displayName, log: log) else { return nil }
        return read(document, log: log)
    }

    static func read(_ document: YAMLDocument, log: IssueLog) -> DeviceMap? {
        guard
            let top = MappingReader(
                document.root,
                context: "the device map",
                allowed: topKeys,
                document: document,
                log: log
            )
        else { return nil }
        let vendor = top.string("vendor", required: true)
        let model = top.string("model", required: true)
        let source = readSource(top)
        let defaults = readDefaults(top)
        let forbidden = readForbidden(top)
        let channels = top.int("channels", in: 1...256)
        var points: [PointDefinition] = []
        var firstLine: [String: Int] = [:]
        let pointNodes = top.sequence("points", required: true) ?? []
        if top.has("points") && pointNodes.isEmpty {
            log.error("the device map has no points", at: top.position(of: "points"))
        }
        let formulas = FormulaSites()
        for node in pointNodes {
            let reader = PointReader(
                node: node,
                defaults: defaults,
                channels: channels,
                document: document,
                log: log,
                formulas: formulas
            )
            for point in reader.read() {
                if let line = firstLine[point.id] {
                    log.error(
                        "duplicate point id '\(point.id)': already used on line \(line)",
                        at: document.position(of: node)
                    )
                    continue
                }
                firstLine[point.id] = point.line
                points.append(point)
            }
        }
        PointChecks(points: points, forbidden: forbidden, defaults: defaults, file: document.source, log: log).run()
        FormulaChecks(points: points, sites: formulas, file: document.source, log: log).run()
        guard let vendor, let model, let source else { return nil }
        return DeviceMap(
            path: document.source.name,
            vendor: vendor,
            model: model,
            description: top.string("description"),
            source: source,
            defaults: defaults,
            forbidden: forbidden,
            channels: channels,
            points: points
        )
    }

    private static func readSource(_ top: MappingReader) -> MapSource? {
        guard let reader = top.mapping("source", context: "source", allowed: sourceKeys, required: true) else {
            return nil
        }
        guard let document = reader.string("document", required: true) else { return nil }
        return MapSource(
            document: document,
            section: reader.string("section"),
            page: reader.node("page")?.scalar?.string,
            url: reader.string("url"),
            notes: reader.string("notes")
        )
    }

    private static func readDefaults(_ top: MappingReader) -> MapDefaults {
        var defaults = MapDefaults()
        guard let reader = top.mapping("defaults", context: "defaults", allowed: defaultKeys) else { return defaults }
        if let name = reader.string("byte_order") {
            if let order = ByteOrder(name: name), ByteOrder.width(ofName: name) != 16 {
                defaults.byteOrder = order
            } else {
                reader.log.error(
                    "byte_order \(MappingReader.quoted(name)) is not a byte order for multi-register values; allowed: ABCD, BADC, CDAB, DCBA (or the 64-bit ABCDEFGH, BADCFEHG, GHEFCDAB, HGFEDCBA)",
                    at: reader.position(of: "byte_order")
                )
            }
        }
        defaults.maxRegisters = reader.int("max_registers", in: 1...125) ?? defaults.maxRegisters
        defaults.limitLines.defaults = top.keyPosition(of: "defaults").line
        if reader.has("max_registers") {
            defaults.limitLines.maxRegisters = reader.keyPosition(of: "max_registers").line
        }
        if reader.has("max_bits") { defaults.limitLines.maxBits = reader.keyPosition(of: "max_bits").line }
        defaults.maxBits = reader.int("max_bits", in: 1...2000) ?? defaults.maxBits
        defaults.maxGap = reader.int("max_gap", in: 0...124) ?? defaults.maxGap
        defaults.requestPause = reader.duration("request_pause", in: ConfigLimits.devicePause) ?? defaults.requestPause
        defaults.connectPause = reader.duration("connect_pause", in: ConfigLimits.devicePause) ?? defaults.connectPause
        defaults.singleRegister = reader.bool("single_register") ?? defaults.singleRegister
        defaults.turnaround = reader.duration("turnaround", in: ConfigLimits.devicePause) ?? defaults.turnaround
        return defaults
    }

    private static func readForbidden(_ top: MappingReader) -> [ModbusTable: [ClosedRange<Int>]] {
        var forbidden: [ModbusTable: [ClosedRange<Int>]] = [:]
        for node in top.sequence("forbidden") ?? [] {
            guard
                let reader = MappingReader(
                    node,
                    context: "a forbidden range",
                    allowed: ["table", "from", "to", "reason"],
                    document: top.document,
                    log: top.log
                )
            else { continue }
            guard let table = TableName.read(reader, key: "table", required: true),
                let from = reader.int("from", required: true, in: 0...65535)
            else { continue }
            let to = reader.int("to", in: 0...65535) ?? from
            guard from <= to else {
                reader.log.error(
                    "forbidden range \(from)..\(to) runs backwards: 'from' must not exceed 'to'",
                    at: reader.position(of: "to")
                )
                continue
            }
            forbidden[table, default: []].append(from...to)
        }
        return forbidden
    }
}

/// The table names device maps and site configs accept.
enum TableName {
    static let allowed = "holding, input, coil, discrete"

    static func read(_ reader: MappingReader, key: String, required: Bool = false) -> ModbusTable? {
        guard let name = reader.string(key, required: required) else { return nil }
        guard let table = ModbusTable(name: name) else {
            reader.log.error(
                "unknown table \(MappingReader.quoted(name)); allowed: \(allowed)",
                at: reader.position(of: key)
            )
            return nil
        }
        return table
    }
}

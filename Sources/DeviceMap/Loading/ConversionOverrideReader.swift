import Decoding
import Yams

/// Reads a site's conversion settings for one point of a device instance: `range`, `scale`/`offset`,
/// `unit`, `measuring_range`, `decimals` (the same forms as in a device map).
struct ConversionOverrideReader {
    static let keys = ["range", "scale", "offset", "unit", "measuring_range", "decimals"]

    let reader: MappingReader
    let point: PointDefinition

    private var log: IssueLog { reader.log }

    func read() -> ConversionOverride? {
        guard Self.keys.contains(where: reader.has) else { return nil }
        var override = ConversionOverride()
        for key in Self.keys where reader.has(key) { override.lines[key] = reader.keyPosition(of: key).line }
        let scales = reader.has("range") || reader.has("scale") || reader.has("offset")
        if scales {
            switch point.type {
            case .bool, .bit, .string:
                log.error(
                    "\(point.type) values are not scaled: remove scale, offset and range from \(reader.context)",
                    at: reader.keyPosition(of: reader.has("range") ? "range" : reader.has("scale") ? "scale" : "offset")
                )
            default:
                override.scaling = readScaling()
            }
        }
        if point.conversion.ne43, let scaling = override.scaling, case .factor = scaling {
            log.error(
                "point '\(point.id)' applies NAMUR NE43 (map line \(point.line)), which needs a 'range' whose raw ends are the 4 mA and 20 mA readings, not scale/offset",
                at: reader.keyPosition(of: reader.has("scale") ? "scale" : "offset")
            )
        }
        if let unit = reader.engineeringUnit() { override.unit = unit }
        if reader.has("measuring_range") {
            if let range = pair(reader, "measuring_range"), range.0 < range.1 {
                override.measuringRange = range.0...range.1
            } else {
                log.error(
                    "measuring_range is [low, high] in engineering units, low below high",
                    at: reader.position(of: "measuring_range")
                )
            }
        }
        override.decimals = reader.int("decimals", in: 0...9)
        return override
    }

    private func readScaling() -> Scaling? {
        let scale = reader.double("scale")
        let offset = reader.double("offset")
        if let scale, abs(scale) < ConfigLimits.smallestScale {
            log.error(
                "'scale' in \(reader.context) must not be 0 (nor smaller than 1e-12): every reading would be \(offset ?? 0)",
                at: reader.position(of: "scale")
            )
            return nil
        }
        guard let range = reader.mapping("range", context: "range", allowed: ["raw", "engineering", "eng"]) else {
            guard scale != nil || offset != nil else { return nil }
            return .factor(scale: scale ?? 1, offset: offset ?? 0)
        }
        if scale != nil || offset != nil {
            log.error("write either 'scale'/'offset' or 'range', not both", at: reader.keyPosition(of: "range"))
            return nil
        }
        return Self.linear(range)
    }

    /// `{ raw: [low, high], engineering: [low, high] }` (or `eng:`), checked; nil after reporting.
    static func linear(_ range: MappingReader) -> Scaling? {
        if range.has("engineering"), range.has("eng") {
            range.log.error(
                "write either 'engineering' or its short form 'eng', not both",
                at: range.keyPosition(of: "eng")
            )
            return nil
        }
        let engineeringKey = range.has("eng") ? "eng" : "engineering"
        guard let raw = required(range, "raw"), let engineering = required(range, engineeringKey) else { return nil }
        if raw.0 == raw.1 {
            range.log.error("the raw range needs two different ends", at: range.position(of: "raw"))
            return nil
        }
        if engineering.0 == engineering.1 {
            range.log.error(
                "the engineering range needs two different ends: with equal ends every reading would be \(engineering.0)",
                at: range.position(of: engineeringKey)
            )
            return nil
        }
        if raw.0 > raw.1 || engineering.0 > engineering.1 {
            // Checked before building the ranges: a ClosedRange with its ends swapped traps.
            range.log.error("write both ranges low end first, as [low, high]", at: range.position)
            return nil
        }
        return .linear(raw: raw.0...raw.1, engineering: engineering.0...engineering.1)
    }

    private static func required(_ reader: MappingReader, _ key: String) -> (Double, Double)? {
        guard let value = pair(reader, key) else {
            if reader.has(key) {
                reader.log.error(
                    "'\(key)' is [low, high], two finite numbers from -1e15 to 1e15",
                    at: reader.position(of: key)
                )
            } else {
                reader.log.error("range needs '\(key)': [low, high]", at: reader.position)
            }
            return nil
        }
        return value
    }

    static func pair(_ reader: MappingReader, _ key: String) -> (Double, Double)? {
        guard case .sequence(let items)? = reader.node(key), items.count == 2 else { return nil }
        let numbers = items.compactMap(YAMLNumber.double).filter {
            $0.isFinite && abs($0) <= ConfigLimits.largestNumber
        }
        guard numbers.count == 2 else { return nil }
        return (numbers[0], numbers[1])
    }

    private func pair(_ reader: MappingReader, _ key: String) -> (Double, Double)? { Self.pair(reader, key) }
}

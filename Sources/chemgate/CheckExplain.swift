import Decoding
import DeviceMap

/// `chemgate check --explain`: every point of every device as the site polls it, each setting with
/// where it comes from — the device map (`map:LINE`, the point's line in the map) or the site file
/// (`site:LINE`, or `site` for settings whose line is not kept).
enum CheckExplain {
    static func render(_ site: SiteConfig) -> String {
        var lines = [
            "", "points (where each setting comes from: map:LINE in the device map, site:LINE in \(site.path)):",
        ]
        for device in site.devices {
            lines.append(
                "  \(device.id) (\(device.mapReference), \(device.map.path))\(device.enabled ? "" : " — disabled")"
            )
            let rows = device.points.map { row(for: $0, device: device) }
            lines += TextTable.render(rows).map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    private static func row(for point: SitePoint, device: DeviceConfig) -> [String] {
        let definition = point.definition
        let override = device.overrides[point.id]
        let conversion = override?.conversion
        let map = "map:\(device.map.point(point.id)?.line ?? definition.line)"
        func origin(_ key: String) -> String {
            conversion?.lines[key].map { "site:\($0)" } ?? map
        }
        var cells = [point.id]
        if let formula = definition.formulaText {
            cells.append("= \(formula)")
        } else {
            cells.append(
                "\(definition.table) \(definition.address) \(definition.type)" + (definition.hidden ? " hidden" : "")
            )
        }
        let scalingKey = ["range", "scale", "offset"].first { conversion?.lines[$0] != nil } ?? "range"
        cells.append("\(text(definition.conversion.scaling)) (\(origin(scalingKey)))")
        cells.append(definition.unit.map { "unit \($0) (\(origin("unit")))" } ?? "no unit")
        if let decimals = definition.conversion.decimals {
            cells.append("\(decimals) decimals (\(origin("decimals")))")
        }
        if let range = definition.conversion.measuringRange {
            cells.append(
                "measuring \(range.lowerBound.compactText)..\(range.upperBound.compactText) (\(origin("measuring_range")))"
            )
        }
        if let alarms = point.alarms, !alarms.isEmpty {
            cells.append("alarms \(alarms.summary) (\(override?.alarms != nil ? "site" : map))")
        }
        cells.append("scan \(point.scanClass)\(override?.scanClass != nil ? " (site)" : "")")
        if let indicator = point.indicator { cells.append("indicator \(indicator)") }
        return cells
    }

    private static func text(_ scaling: Scaling) -> String {
        switch scaling {
        case .factor(let scale, let offset):
            if scale == 1 && offset == 0 { return "unscaled" }
            return "× \(scale.compactText)"
                + (offset == 0 ? "" : " \(offset < 0 ? "−" : "+") \(abs(offset).compactText)")
        case .linear(let raw, let engineering):
            return
                "raw \(raw.lowerBound.compactText)..\(raw.upperBound.compactText) → \(engineering.lowerBound.compactText)..\(engineering.upperBound.compactText)"
        }
    }
}

extension Double {
    /// `25` rather than `25.0`.
    fileprivate var compactText: String {
        self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }
}

import DeviceMap
import Modbus
import Planner

/// What `chemgate check` prints about a valid site.
struct CheckReport {
    let site: SiteConfig
    let plan: SitePlan

    var summary: String {
        let points = site.devices.filter(\.enabled).reduce(0) { $0 + $1.points.count }
        var lines = [
            "\(site.path): valid — gateway \(site.gateway.id) (enterprise \(site.gateway.enterprise)), "
                + "\(site.links.count) link\(site.links.count == 1 ? "" : "s"), \(site.devices.count) device\(site.devices.count == 1 ? "" : "s"), \(points) points",
            "",
            "links:",
        ]
        let linkRows = site.links.map { link -> [String] in
            let devices = site.devices.filter { $0.link == link.id }
            return [
                link.id, link.endpoint.description, "\(devices.count) device\(devices.count == 1 ? "" : "s")",
                "timeout \(link.options.responseTimeout.chemgateText)",
            ]
        }
        lines += TextTable.render(linkRows)
        lines += ["", "scan classes:"]
        let classRows = site.orderedScanClasses.compactMap { scanClass -> [String]? in
            let entries = plan.entries.filter { $0.scanClass == scanClass.name }
            guard !entries.isEmpty else { return nil }
            let reads = entries.reduce(0) { $0 + $1.plan.reads.count }
            let points = entries.reduce(0) { $0 + $1.points.count }
            return [
                scanClass.name, scanClass.period.chemgateText, "\(points) points", "\(reads) reads per cycle",
                "\(Set(entries.map(\.device.id)).count) devices",
            ]
        }
        lines += TextTable.render(classRows)
        let estimates = BusTimeEstimate.estimates(for: site, plan: plan)
        if !estimates.isEmpty {
            lines += [
                "", "RS-485 bus time per cycle (estimated, every device answering; + network round trip per read):",
            ]
            var warnings: [String] = []
            let rows = estimates.map { estimate -> [String] in
                var format =
                    "\(estimate.port.baud) \(estimate.port.dataBits)\(estimate.port.parity.rawValue)\(estimate.port.stopBits)"
                if estimate.networkRoundTrip > .zero { format += " + \(estimate.networkRoundTrip.chemgateText) RTT" }
                if estimate.cycle > estimate.period, estimate.networkRoundTrip > .zero {
                    warnings.append(
                        "warning: link '\(estimate.link)', scan class '\(estimate.scanClass)': one cycle needs \(estimate.cycle.chemgateText) (\(estimate.reads) reads, each paying the \(estimate.networkRoundTrip.chemgateText) network round trip) but the period is \(estimate.period.chemgateText); slow the scan class, read fewer registers, or measure the real round trip and set it as round_trip"
                    )
                } else if estimate.cycle > estimate.period {
                    warnings.append(
                        "warning: link '\(estimate.link)', scan class '\(estimate.scanClass)': one cycle needs \(estimate.cycle.chemgateText) of bus time but the period is \(estimate.period.chemgateText); slow the scan class, raise the baud rate or move devices to another line"
                    )
                } else if estimate.worstCycle > estimate.period {
                    warnings.append(
                        "warning: link '\(estimate.link)', scan class '\(estimate.scanClass)': with one device not answering (\(estimate.largestDeviceReads) reads × \(estimate.timeoutCost.chemgateText) timeout) a cycle takes \(estimate.worstCycle.chemgateText), over the \(estimate.period.chemgateText) period until that device is demoted"
                    )
                }
                return [
                    estimate.link, format, estimate.scanClass, "\(estimate.reads) reads", estimate.cycle.chemgateText,
                    "\(Int((estimate.utilisation * 100).rounded()))% of \(estimate.period.chemgateText)",
                    "dead device: \(estimate.worstCycle.chemgateText)",
                ]
            }
            lines += TextTable.render(rows)
            if !warnings.isEmpty { lines += [""] + warnings }
        }
        return lines.joined(separator: "\n")
    }

    var requestPlans: String {
        var lines = ["", "request plans:"]
        for entry in plan.entries {
            let device = entry.device
            lines.append(
                "  \(device.id) (unit \(device.unit) on \(device.link), \(device.mapReference)), scan \(entry.scanClass):"
            )
            for read in entry.plan.reads { lines.append("    \(read)") }
        }
        return lines.joined(separator: "\n")
    }
}

/// Left-aligned columns, two spaces apart, indented by two.
enum TextTable {
    static func render(_ rows: [[String]]) -> [String] {
        guard let columns = rows.map(\.count).max() else { return [] }
        let widths = (0..<columns).map { column in
            rows.map { column < $0.count ? displayWidth($0[column]) : 0 }.max() ?? 0
        }
        return rows.map { row in
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - displayWidth(cell))
            }
            return "  " + cells.joined(separator: "  ")
        }
    }
}

/// Terminal columns a text takes: Chinese, Japanese and Korean characters and full-width forms take two.
func displayWidth(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { width, scalar in
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6:
            width + 2
        default:
            width + 1
        }
    }
}

extension Duration {
    /// `250 ms`, `1.2 s`, `60 s`.
    var chemgateText: String {
        let milliseconds = self / .milliseconds(1)
        if milliseconds < 1000 { return "\(Int(milliseconds.rounded())) ms" }
        let seconds = milliseconds / 1000
        let tenths = (seconds * 10).rounded() / 10
        return tenths == tenths.rounded() ? "\(Int(tenths)) s" : "\(tenths) s"
    }
}

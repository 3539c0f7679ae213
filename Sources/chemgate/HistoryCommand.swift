import ArgumentParser
import DeviceMap
import Foundation
import GatewayCore
import Outbox

/// `chemgate history`: a point's readings and events from the local log, for inspectors on site.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Print a point's history from the local log (storage.path of the site), as a table or CSV.",
        discussion: """
            Examples:
              chemgate history --config chemgate.yaml --device gd-101 --point concentration --hours 24
              chemgate history --config chemgate.yaml --device gd-101 --point concentration \\
                --from 2026-11-01T00:00:00.000Z --to 2026-11-02T00:00:00.000Z --csv > gd-101.csv
            """
    )

    @Option(help: "The site configuration (its storage.path is the log).")
    var config: String = "chemgate.yaml"

    @Option(help: "The device id.")
    var device: String

    @Option(help: "The point id.")
    var point: String

    @Option(help: "Start, ISO 8601 UTC (default: --hours before now).")
    var from: String?

    @Option(help: "End, ISO 8601 UTC (default: now).")
    var to: String?

    @Option(help: "How far back when --from is not given.")
    var hours: Int = 24

    @Option(help: "At most this many rows.")
    var limit: Int = 100_000

    @Flag(help: "Write CSV instead of a table.")
    var csv = false

    func run() async throws {
        let end = try to.map(Self.parse) ?? .now()
        let start = try from.map(Self.parse) ?? Timestamp(milliseconds: end.milliseconds - Int64(hours) * 3_600_000)
        let log = try LocalLog.open(config: config).log
        let records = try await log.history(device: device, point: point, from: start, to: end, limit: limit)
        var rows: [[String]] = [["time", "kind", "value", "unit", "quality", "detail"]]
        for record in records {
            switch record.payload {
            case .reading(let reading):
                rows.append([
                    reading.timestamp.description, "reading", Self.text(reading.value), reading.unit ?? "",
                    reading.quality.description, Self.detail(reading),
                ])
            case .event(let event):
                rows.append([
                    event.timestamp.description, event.kind.rawValue, Self.text(event.value), event.unit ?? "",
                    event.level?.rawValue ?? "", event.reason,
                ])
            }
        }
        if csv {
            for row in rows { Console.out(row.map(Self.csvField).joined(separator: ",")) }
        } else {
            Console.out("\(device).\(point) from \(start) to \(end): \(records.count) records")
            for line in TextTable.render(rows) { Console.out(line) }
        }
    }

    static func parse(_ text: String) throws -> Timestamp {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text) else {
            throw ValidationError("'\(text)' is not an ISO 8601 time such as 2026-11-01T00:00:00Z")
        }
        return Timestamp(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded()))
    }

    /// The report, then the raw registers of a bad reading and when a stale one was found stale.
    static func detail(_ reading: Reading) -> String {
        ([reading.report.rawValue]
            + [reading.raw.map { "raw \($0)" }, reading.staleSince.map { "stale since \($0)" }]
            .compactMap { $0 }).joined(separator: "; ")
    }

    static func text(_ value: Value?) -> String {
        switch value {
        case .number(let number)?:
            number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .integer(let integer)?: String(integer)
        case .bool(let flag)?: flag ? "1" : "0"
        case .text(let text)?: text
        case nil: ""
        }
    }

    static func csvField(_ field: String) -> String {
        field.contains(",") || field.contains("\"") || field.contains("\n")
            ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }
}

import ArgumentParser
import DeviceMap
import Foundation
import GatewayCore
import Outbox

/// `chemgate dead-letters`: the batches a platform refused for good, and sending them again.
struct DeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead-letters",
        abstract: "List the batches a platform refused (HTTP 4xx other than 401, 403, 429), or send them again.",
        discussion: """
            A refused batch is set aside in the log's dead-letter table with the platform's answer; \
            its records stay in the log (retention keeps them) but that uplink no longer sends them. \
            Fix the cause (usually the platform's configuration, or an indicator code it does not \
            know), then send them again with --retry. This works while chemgate run is running.

            Examples:
              chemgate dead-letters --config chemgate.yaml
              chemgate dead-letters --config chemgate.yaml --uplink park --retry 3,4
              chemgate dead-letters --config chemgate.yaml --uplink park --retry all
            """
    )

    @Option(help: "The site configuration (its storage.path is the log).")
    var config: String = "chemgate.yaml"

    @Option(help: "Only this uplink's dead letters (required with --retry).")
    var uplink: String?

    @Option(help: "Send these dead letters again: ids from the list (e.g. 3,4) or 'all'.")
    var retry: String?

    func validate() throws {
        if retry != nil, uplink == nil { throw ValidationError("--retry needs --uplink: which platform to send to") }
        if let retry, retry != "all", retryIDs == nil {
            throw ValidationError("--retry takes ids from the list, such as 3 or 3,4, or 'all'; not '\(retry)'")
        }
    }

    private var retryIDs: [Int64]? {
        guard let retry, retry != "all" else { return nil }
        let ids = retry.split(separator: ",").compactMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        return ids.count == retry.split(separator: ",").count && !ids.isEmpty ? ids : nil
    }

    func run() async throws {
        let (site, log) = try LocalLog.open(config: config)
        let uplinks = site.uplinks.map(\.id)
        if let uplink, !uplinks.contains(uplink) {
            Console.error("error: no uplink '\(uplink)' in \(config); uplinks: \(uplinks.joined(separator: ", "))")
            throw ExitCode(1)
        }
        if let uplink, retry != nil {
            let known = try await log.deadLetters(destination: uplink).map(\.id)
            if let ids = retryIDs, let unknown = ids.first(where: { !known.contains($0) }) {
                Console.error(
                    "error: uplink '\(uplink)' has no dead letter \(unknown); run without --retry to list them"
                )
                throw ExitCode(1)
            }
            let records = try await log.retryDeadLetters(destination: uplink, ids: retryIDs)
            Console.out(
                "requeued \(records) records for uplink '\(uplink)'; chemgate run sends them with its next batches"
            )
            return
        }
        var rows: [[String]] = [["id", "uplink", "set aside", "batch", "records", "sequences", "reason"]]
        for destination in uplink.map({ [$0] }) ?? uplinks {
            for letter in try await log.deadLetters(destination: destination) {
                rows.append([
                    String(letter.id), destination, letter.time.description, letter.batchID,
                    String(letter.sequences.count), Self.ranges(letter.sequences), letter.reason,
                ])
            }
        }
        guard rows.count > 1 else {
            Console.out("no dead letters")
            return
        }
        for line in TextTable.render(rows) { Console.out(line) }
    }

    /// Sequence numbers as ranges: `1-3,7`.
    static func ranges(_ sequences: [Int64]) -> String {
        var parts: [String] = []
        var index = sequences.startIndex
        while index < sequences.endIndex {
            var end = index
            while end + 1 < sequences.endIndex, sequences[end + 1] == sequences[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sequences[index])" : "\(sequences[index])-\(sequences[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }
}

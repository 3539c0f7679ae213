import Foundation
import GatewayCore
import StatusServer

/// `chemgate status --fleet`: every gateway checked in parallel, one line each, totals last.
enum FleetCheck {
    struct Result: Sendable {
        var entry: FleetFile.Entry
        var outcome: Swift.Result<HealthSnapshot, GatewayProbe.Failure>

        var verdict: SiteVerdict? {
            guard case .success(let snapshot) = outcome else { return nil }
            return snapshot.verdict ?? SiteVerdict(snapshot: snapshot)
        }

        var exit: StatusExit { verdict.map { StatusExit($0) } ?? .unknown }
    }

    static func run(_ entries: [FleetFile.Entry], probe: GatewayProbe) async -> [Result] {
        await withTaskGroup(of: (Int, Result).self) { group in
            for (index, entry) in entries.enumerated() {
                group.addTask {
                    let token = entry.tokenEnv.flatMap { ProcessInfo.processInfo.environment[$0] }
                    return (index, Result(entry: entry, outcome: await probe.snapshot(url: entry.url, token: token)))
                }
            }
            var results: [(Int, Result)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// CRITICAL if any gateway is, else UNKNOWN if any cannot be read, else the worst.
    static func exit(_ results: [Result]) -> StatusExit {
        let exits = results.map(\.exit)
        if exits.contains(.critical) { return .critical }
        return exits.max() ?? .unknown
    }

    static func table(_ results: [Result]) -> String {
        var rows = [["gateway", "state", "monitoring", "alarms L2/L1", "not protecting", "backlog", "last ack"]]
        var errors: [String] = []
        for result in results {
            switch result.outcome {
            case .success(let snapshot):
                let verdict = result.verdict ?? SiteVerdict(snapshot: snapshot)
                let lastAck = snapshot.uplinks.compactMap(\.lastAcknowledgement).min()
                rows.append([
                    result.entry.name,
                    "\(StatusExit(verdict).word) \(StatusText.text("badge.\(verdict.badge.rawValue)", .english))",
                    verdict.monitoring.rawValue,
                    "\(verdict.alarmsLevel2)/\(verdict.alarmsLevel1)",
                    String(verdict.notProtecting.count),
                    snapshot.outbox.map { String($0.depth) } ?? "-",
                    lastAck ?? "-",
                ])
            case .failure(let failure):
                rows.append([result.entry.name, "UNKNOWN unreachable", "-", "-", "-", "-", "-"])
                errors.append("\(result.entry.name): \(failure.description)")
            }
        }
        let verdicts = results.compactMap(\.verdict)
        let counts = Dictionary(grouping: results.map(\.exit), by: { $0 }).mapValues(\.count)
        rows.append([
            "total \(results.count)",
            StatusExit.allWords.compactMap { exit in counts[exit].map { "\($0) \(exit.word)" } }.joined(
                separator: ", "
            ),
            "\(verdicts.filter { $0.monitoring == .intact }.count) intact",
            "\(verdicts.reduce(0) { $0 + $1.alarmsLevel2 })/\(verdicts.reduce(0) { $0 + $1.alarmsLevel1 })",
            String(verdicts.reduce(0) { $0 + $1.notProtecting.count }),
            String(
                results.reduce(0) { total, result in
                    guard case .success(let snapshot) = result.outcome else { return total }
                    return total + (snapshot.outbox?.depth ?? 0)
                }
            ),
            "",
        ])
        return (TextTable.render(rows).map { String($0.dropFirst(2)) } + errors.map { "error: \($0)" }).joined(
            separator: "\n"
        )
    }

    static func json(_ results: [Result]) -> String {
        let lines = results.map { result -> String in
            switch result.outcome {
            case .success(let snapshot):
                let body = StatusJSON.text(snapshot.redactingCredentials())
                return "{\"name\":\(StatusJSON.text([result.entry.name]).dropFirst().dropLast()),\"status\":\(body)}"
            case .failure(let failure):
                return StatusJSON.text([
                    "name": result.entry.name, "url": result.entry.url, "error": failure.description,
                ])
            }
        }
        return "[" + lines.joined(separator: ",\n") + "]"
    }

    static func nagios(_ results: [Result]) -> String {
        let overall = Self.exit(results)
        let worst = results.filter { $0.exit == overall }.map(\.entry.name)
        let summary = "\(results.count) gateways, \(overall.word): \(worst.joined(separator: ", "))"
        let performance = results.compactMap { result -> String? in
            guard case .success(let snapshot) = result.outcome, let verdict = result.verdict else { return nil }
            return NagiosLine.performance(snapshot, verdict, prefix: result.entry.name + "_")
        }.joined(separator: " ")
        return "CHEMGATE \(overall.word) - \(summary) | \(performance)"
    }
}

extension StatusExit {
    static let allWords: [StatusExit] = [.critical, .unknown, .warning, .ok]
}

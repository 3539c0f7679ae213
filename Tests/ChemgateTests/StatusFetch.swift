import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport

/// GETs from a running gateway's status endpoint, for the metrics, log and secret tests.
enum StatusFetch {
    /// The status and body of `GET http://127.0.0.1:PORT{path}`, with the bearer token when given.
    static func get(port: Int, _ path: String, token: String? = nil) async throws -> (status: UInt, body: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 24)
        return (response.status.code, String(buffer: body))
    }

    /// `/status` as JSON.
    static func status(port: Int, token: String? = nil) async throws -> [String: Any] {
        let (code, body) = try await get(port: port, "/status", token: token)
        guard code == 200 else { throw TestFailure("/status answered \(code): \(body)") }
        return try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
    }

    /// One parsed sample of `/metrics`.
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double?
    }

    /// One metric family as Python's `prometheus_client` parser reads it.
    struct Family {
        var name: String
        var type: String
        var help: String
        var samples: [Sample]
    }

    /// Parses Prometheus text with `prometheus_client` (Tests/Interop/parse_metrics.py).
    /// - Throws: `TestFailure` with the parser's error when the text does not parse.
    static func parse(metrics text: String) async throws -> [Family] {
        let file = try Tools.temporaryDirectory().appendingPathComponent("metrics.txt")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let script = Tools.repositoryRoot.appendingPathComponent("Tests/Interop/parse_metrics.py").path
        let (status, output) = try await ChildProcess.run("python3", [script, file.path])
        guard status == 0, let line = output.split(separator: "\n").last(where: { $0.hasPrefix("{") }) else {
            throw TestFailure("prometheus_client could not parse /metrics (\(status)): \(output)\n\(text)")
        }
        let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
        return (json["families"] as? [[String: Any]] ?? []).map { family in
            Family(
                name: family["name"] as? String ?? "",
                type: family["type"] as? String ?? "",
                help: family["help"] as? String ?? "",
                samples: (family["samples"] as? [[String: Any]] ?? []).map { sample in
                    Sample(
                        name: sample["name"] as? String ?? "",
                        labels: sample["labels"] as? [String: String] ?? [:],
                        value: (sample["value"] as? NSNumber)?.doubleValue
                    )
                }
            )
        }
    }
}

extension [StatusFetch.Family] {
    /// The value of the sample `name` whose labels include `labels`; nil when there is none.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        for family in self {
            for sample in family.samples where sample.name == name {
                if labels.allSatisfy({ sample.labels[$0.key] == $0.value }) { return sample.value }
            }
        }
        return nil
    }
}

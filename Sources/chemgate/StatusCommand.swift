import ArgumentParser
import AsyncHTTPClient
import Foundation
import GatewayCore
import NIOCore
import NIOHTTP1
import StatusServer

/// `chemgate status`: a running gateway's health as terminal tables.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a running gateway's health: links, devices, alarms, problems.",
        discussion: """
            Reads GET /status of the gateway's status endpoint. Exit codes: 0 healthy, 1 unhealthy \
            (a link down, a device demoted or failing, readings not stored), 2 the endpoint cannot \
            be reached or refused the token, 64 usage error. Works in scripts and remote checks:
              chemgate status --url http://10.0.0.8:8080 --token "$CHEMGATE_STATUS_TOKEN" || alert
            """
    )

    @Option(help: "The status endpoint.")
    var url: String = "http://127.0.0.1:8080"

    @Option(help: "The access token (or set CHEMGATE_STATUS_TOKEN).")
    var token: String?

    func run() async throws {
        var request = HTTPClientRequest(url: url.hasSuffix("/") ? url + "status" : url + "/status")
        if let token = token ?? ProcessInfo.processInfo.environment["CHEMGATE_STATUS_TOKEN"] {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        let snapshot: HealthSnapshot
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
            guard response.status == .ok else {
                Console.error(
                    "error: \(url) answered \(response.status.code) \(String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines))"
                )
                throw ExitCode(2)
            }
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            snapshot = try decoder.decode(HealthSnapshot.self, from: Data(body.readableBytesView))
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Console.error("error: cannot read \(url)/status: \(error)")
            throw ExitCode(2)
        }
        Console.out(StatusReport(snapshot: snapshot).text)
        if !snapshot.healthy { throw ExitCode(1) }
    }
}

/// What `chemgate status` prints: without credentials, whatever the gateway sent.
struct StatusReport {
    let snapshot: HealthSnapshot

    init(snapshot: HealthSnapshot) { self.snapshot = snapshot.redactingCredentials() }

    var text: String {
        let gateway = snapshot.gateway
        var lines = [
            "\(gateway.id) (\(gateway.name ?? gateway.enterprise)): \(snapshot.healthy ? "healthy" : "UNHEALTHY"), up \(gateway.uptimeSeconds) s, chemgate \(gateway.version), config \(gateway.configHash)"
        ]
        lines += snapshot.problems.map { "problem: \($0)" }
        lines += snapshot.warnings.map { "warning: \($0)" }
        lines += ["", "links:"]
        lines += TextTable.render(
            [["link", "state", "requests", "failures", "rtt p50", "rtt p99", "errors"]]
                + snapshot.links.map { link in
                    [
                        link.id, link.state, String(link.transactions), String(link.failures),
                        milliseconds(link.rttP50Ms),
                        milliseconds(link.rttP99Ms),
                        link.errors.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "),
                    ]
                }
        )
        let dtuLinks = snapshot.links.compactMap { link in link.dtu.map { (link, $0) } }
        if !dtuLinks.isEmpty {
            lines += ["", "DTU links:"]
            lines += TextTable.render(
                [["link", "registration", "connected", "from", "since", "last heartbeat", "heartbeats"]]
                    + dtuLinks.map { link, dtu in
                        [
                            link.id, dtu.registration, dtu.connected ? "yes" : "no", dtu.remoteAddress ?? "-",
                            dtu.connectedSince ?? "-", dtu.lastHeartbeat ?? "-", String(dtu.heartbeats),
                        ]
                    }
            )
        }
        lines += ["", "devices:"]
        lines += TextTable.render(
            [["device", "link", "unit", "state", "answered", "last good read"]]
                + snapshot.devices.map { device in
                    [
                        device.id, device.link, String(device.unit), device.state, "\(device.answered)/\(device.polls)",
                        device.lastGoodRead ?? "-",
                    ]
                }
        )
        lines += ["", "alarms:"]
        if snapshot.alarms.isEmpty {
            lines.append("  none")
        } else {
            lines += TextTable.render(
                [["device", "point", "level", "value", "limit", "since"]]
                    + snapshot.alarms.map { alarm in
                        [
                            alarm.device, alarm.point, alarm.level,
                            (alarm.value.map { "\($0)" } ?? "-") + " " + (alarm.unit ?? ""),
                            alarm.limit.map { "\($0)" } ?? "-", alarm.since,
                        ]
                    }
            )
        }
        lines += ["", "uplinks:"]
        if let outbox = snapshot.outbox {
            lines.append(
                "  log: \(outbox.depth) waiting, \(outbox.bytes / 1024) KiB, oldest unacknowledged \(outbox.oldestUnacknowledgedAgeSeconds.map { String(format: "%.0f s", $0) } ?? "-"), dead letters \(outbox.deadLetters), dropped \(outbox.drops.values.reduce(0, +))"
            )
            lines += TextTable.render(
                [["uplink", "state", "waiting", "acknowledged", "last acknowledgement", "last error"]]
                    + snapshot.uplinks.map { uplink in
                        [
                            uplink.id, uplink.state, String(uplink.lag), String(uplink.acknowledged),
                            uplink.lastAcknowledgement ?? "-", uplink.lastError ?? "",
                        ]
                    }
            )
        } else {
            lines.append("  none (readings go to standard output)")
        }
        return lines.joined(separator: "\n")
    }

    private func milliseconds(_ value: Double?) -> String {
        value.map { String(format: "%.1f ms", $0) } ?? "-"
    }
}

import ArgumentParser
import AsyncHTTPClient
import Foundation
import GatewayCore
import StatusServer

/// `chemgate status`: one gateway's or a fleet's three truths, for people, scripts and Nagios.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show running gateways' health: monitoring, alarms, detectors not protecting.",
        discussion: """
            Reads GET /status of each gateway's status endpoint. Exit codes (Nagios, Icinga, Zabbix): \
            0 OK (monitoring intact, no alarm, every detector protecting), 1 WARNING (a level-1 alarm, \
            monitoring degraded, detectors in calibration or maintenance, starting), 2 CRITICAL (a level-2 \
            alarm, monitoring lost, a detector in fault or not answering), 3 UNKNOWN (the status cannot be \
            read: unreachable, refused token, timeout), 64 usage error. With --fleet, the worst gateway's.
              chemgate status --url http://10.0.0.8:8080 --token "$CHEMGATE_STATUS_TOKEN"
              chemgate status --fleet /etc/chemgate/fleet.txt
              chemgate status --url http://10.0.0.8:8080 --nagios
            """
    )

    @Option(help: "The status endpoint.")
    var url: String = "http://127.0.0.1:8080"

    @Option(help: "The access token (or set CHEMGATE_STATUS_TOKEN).")
    var token: String?

    @Option(help: "Give up on a gateway after this many seconds (a refused connection fails at once).")
    var timeout: Double = 3

    @Option(help: "A file of gateways, one a line: NAME URL [TOKEN_ENV]. Checked in parallel, one line each.")
    var fleet: String?

    @Flag(help: "Print JSON: the gateway's /status with its verdict (with --fleet, one object per gateway).")
    var json = false

    @Flag(help: "Print one Nagios plugin line with performance data.")
    var nagios = false

    func validate() throws {
        guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be between 0 and 600 seconds") }
        if json && nagios { throw ValidationError("--json and --nagios exclude each other") }
    }

    func run() async throws {
        let duration = Duration.milliseconds(Int64(timeout * 1000))
        let client = GatewayProbe.makeClient(timeout: duration)
        let probe = GatewayProbe(client: client, timeout: duration)
        let exit: StatusExit
        if let fleet {
            let file: FleetFile
            do {
                file = try FleetFile(path: fleet)
            } catch {
                try? await client.shutdown()
                Console.error("error: \(error)")
                throw ExitCode(64)
            }
            let results = await FleetCheck.run(file.entries, probe: probe)
            exit = FleetCheck.exit(results)
            if json {
                Console.out(FleetCheck.json(results))
            } else if nagios {
                Console.out(FleetCheck.nagios(results))
            } else {
                Console.out(FleetCheck.table(results))
            }
        } else {
            let token = token ?? ProcessInfo.processInfo.environment["CHEMGATE_STATUS_TOKEN"]
            let result = await probe.snapshot(url: url, token: token)
            switch result {
            case .success(let snapshot):
                let verdict = snapshot.verdict ?? SiteVerdict(snapshot: snapshot)
                exit = StatusExit(verdict)
                if json {
                    Console.out(StatusJSON.text(snapshot.redactingCredentials()))
                } else if nagios {
                    Console.out(NagiosLine.line(name: snapshot.gateway.id, snapshot: snapshot))
                } else {
                    Console.out(StatusReport(snapshot: snapshot).text)
                }
            case .failure(let failure):
                exit = .unknown
                if nagios {
                    Console.out("CHEMGATE UNKNOWN - \(failure.description)")
                } else if json {
                    Console.out(StatusJSON.error(url: url, failure.description))
                } else {
                    Console.error("error: \(failure.description)")
                }
            }
        }
        try? await client.shutdown()
        if exit != .ok { throw ExitCode(exit.rawValue) }
    }
}

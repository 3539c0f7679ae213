import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Outbox
import TestSupport

/// `chemgate receive` and `chemgate run` as real processes sharing one directory, for the delivery
/// tests: the site file names a simulator endpoint, the log and the receiver as the uplink `park`.
struct GatewayRig {
    let directory: URL
    let receive: ChildProcess
    let receiverURL: String
    let statusPort: Int

    var config: String { directory.appendingPathComponent("site.yaml").path }
    var logPath: String { directory.appendingPathComponent("log.sqlite").path }

    /// What `GET /counts` of the receiver says.
    struct Counts {
        var records: Int
        var events: Int
        var duplicates: Int
        var gaps: Int
        var outOfOrder: Int
    }

    /// Starts the receiver (with its test controls) and writes the site file; `devices` is the YAML
    /// list of devices on link `plc` at `endpoint`, `uplink` extra keys of the uplink; the maps come
    /// from `devicesPath` (default: the repository's `Devices/`).
    static func start(endpoint: String, devices: String, uplink: String = "", devicesPath: String? = nil)
        async throws -> GatewayRig
    {
        let directory = try Tools.temporaryDirectory()
        let receive = try ChildProcess(
            try Tools.chemgate(),
            [
                "receive", "--listen", "127.0.0.1:0", "--test-controls", "--database",
                directory.appendingPathComponent("receiver.sqlite").path,
            ]
        )
        let listening = try await receive.waitForLine(containing: "listening on http://")
        let rig = GatewayRig(
            directory: directory,
            receive: receive,
            receiverURL: String(listening.split(separator: " ").last!),
            statusPort: try Tools.freePort()
        )
        try """
        gateway: { id: GW-RIG, enterprise: E-RIG }
        devices_path: \(devicesPath ?? Tools.repositoryRoot.appendingPathComponent("Devices").path)
        links: [ { id: plc, endpoint: "\(endpoint)" } ]
        scan_classes: { fast: 100ms }
        default_scan: fast
        storage: { path: "\(rig.logPath)" }
        status: { listen: "127.0.0.1:\(rig.statusPort)" }
        uplinks: [ { id: park, url: "\(rig.receiverURL)", batch_delay: 50ms, heartbeat: 1s\(uplink) } ]
        devices: \(devices)
        """.write(toFile: rig.config, atomically: true, encoding: .utf8)
        return rig
    }

    /// Starts `chemgate run` on the site, with `environment` added to its environment.
    func run(environment: [String: String] = [:]) throws -> ChildProcess {
        try ChildProcess(try Tools.chemgate(), ["run", "--config", config], environment: environment)
    }

    /// Runs a chemgate command to completion.
    func chemgate(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await ChildProcess.run(try Tools.chemgate(), arguments)
    }

    func counts() async throws -> Counts {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: receiverURL + "/counts"),
            timeout: .seconds(5)
        )
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] ?? [:]
        return Counts(
            records: json["records"] as? Int ?? -1,
            events: json["events"] as? Int ?? -1,
            duplicates: json["duplicates"] as? Int ?? -1,
            gaps: (json["gaps"] as? [Any])?.count ?? -1,
            outOfOrder: json["out_of_order"] as? Int ?? -1
        )
    }

    /// The receiver's newest value per point, keyed `device.point`.
    func latest() async throws -> Set<String> {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: receiverURL + "/latest"),
            timeout: .seconds(5)
        )
        let body = try await response.body.collect(upTo: 1 << 24)
        let json = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [[String: Any]] ?? []
        return Set(
            json.compactMap { entry in
                guard let device = entry["device"] as? String, let point = entry["point"] as? String else { return nil }
                return "\(device).\(point)"
            }
        )
    }

    func control(_ path: String) async throws {
        var request = HTTPClientRequest(url: receiverURL + path)
        request.method = .POST
        _ = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
    }

    /// The highest sequence number in the gateway's log.
    func loggedMaximum() async throws -> Int {
        let log = try DurableLog(path: logPath)
        return Int(try await log.records(in: 1...Int64.max).last?.sequence ?? 0)
    }

    /// Waits until the receiver holds every sequence number from 1 through `maximum`, with no gap.
    func waitUntilReceived(through maximum: Int, timeout: Duration = .seconds(30)) async throws -> Counts {
        let deadline = ContinuousClock.now + timeout
        var counts = try await counts()
        while ContinuousClock.now < deadline {
            counts = try await self.counts()
            if counts.gaps == 0, counts.records + counts.events >= maximum { return counts }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("the receiver holds \(counts) after \(timeout); the log reached \(maximum)")
    }
}

extension Data {
    init(buffer: ByteBuffer) { self.init(buffer.readableBytesView) }
}

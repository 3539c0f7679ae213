import AsyncHTTPClient
import Foundation
import GatewayCore
import Modbus
import NIOCore
import Outbox
import Simulator
import TestSupport
import Testing

/// Every shipped platform profile end to end, with real processes: `chemgate run` sends a simulator's
/// readings through the profile (HTTP or framed TCP) to `chemgate receive --profile`, which decrypts
/// and decodes them; the values, times and order that arrive are those of the gateway's log.
@Suite("Profile uplinks: chemgate run → chemgate receive --profile")
struct ProfileDeliveryTests {
    struct Platform: Sendable, CustomStringConvertible {
        var profile: String
        var tcp: Bool
        /// `profile_values` of the uplink, as YAML flow mapping content.
        var values: String
        /// Secret name → its text (written to files).
        var secrets: [String: String]
        var hasCatalogue: Bool
        var description: String { profile }
    }

    static let platforms: [Platform] = [
        Platform(
            profile: "mem-iot-sm4",
            tcp: false,
            values: "app_id: a1b2c3d4e5f60718293a4b5c6d7e8f90",
            secrets: [
                "key": "0123456789abcdeffedcba9876543210", "iv": "00112233445566778899aabbccddeeff",
                "app_secret": "s3cret-app",
            ],
            hasCatalogue: true
        ),
        Platform(
            profile: "jiangsu-five-in-one-tcp",
            tcp: true,
            values:
                "app_id: JS-APP, data_service_id: WC_ENT_SSSJ, alarm_service_id: WC_ENT_BJXX, district_code: '320500'",
            secrets: ["secret": "JsWiyt2023Secret"],
            hasCatalogue: true
        ),
        Platform(
            profile: "park-json-strings",
            tcp: false,
            values: "enterprise_name: 测试化工",
            secrets: [:],
            hasCatalogue: true
        ),
    ]

    @Test(arguments: platforms)
    func readingsRoundTripThroughTheProfile(_ platform: Platform) async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            simulator.set(.holding, unit: 1, address: 1, to: 100)  // level, mm
            let directory = try Tools.temporaryDirectory()
            var secretArguments: [String] = []
            var secretLines: [String] = []
            for (name, value) in platform.secrets {
                let file = directory.appendingPathComponent("\(name).txt")
                try value.write(to: file, atomically: true, encoding: .utf8)
                secretArguments += ["--secret", "\(name)=file:\(file.path)"]
                secretLines.append("\(name): \"file:\(file.path)\"")
            }
            let root = Tools.repositoryRoot.path
            var receiveArguments = [
                "receive", "--listen", "127.0.0.1:0", "--database", directory.appendingPathComponent("r.sqlite").path,
                "--profile", "\(root)/profiles/\(platform.profile).yaml",
            ]
            if platform.tcp { receiveArguments += ["--tcp", "0"] }
            let receive = try ChildProcess(try Tools.chemgate(), receiveArguments + secretArguments)
            defer { receive.signal(SIGKILL) }
            let http = try await receive.waitForLine(containing: "listening on http://")
            let httpURL = String(http.split(separator: " ").last!)
            var url = httpURL + "/api/v1/data"
            if platform.tcp {
                let line = try await receive.waitForLine(containing: "listening on tcp://")
                url = String(line.split(separator: " ").last!)
            }
            let logPath = directory.appendingPathComponent("log.sqlite").path
            let site = directory.appendingPathComponent("site.yaml").path
            let statusPort = try Tools.freePort()
            try """
            gateway: { id: GW-PROF, enterprise: E-PROF }
            devices_path: \(root)/Devices
            profiles_path: \(root)/profiles
            links: [ { id: plc, endpoint: "\(endpoint)" } ]
            scan_classes: { fast: 200ms }
            default_scan: fast
            storage: { path: "\(logPath)" }
            status: { listen: "127.0.0.1:\(statusPort)", token_env: CHEMGATE_TEST_PROFILE_STATUS }
            uplinks:
              - id: plat
                url: "\(url)"
                profile: \(platform.profile)
                batch_delay: 50ms
                heartbeat: 1s
                profile_values: { \(platform.values) }
                profile_secrets: { \(secretLines.joined(separator: ", ")) }
            devices:
              - id: u1
                link: plc
                unit: 1
                map: chemgate/simulator
                points:
                  level: { indicator: "IND-LEVEL", tag: LT-101 }
                  pressure: { indicator: "IND-PRES", tag: PT-101 }

            """.write(toFile: site, atomically: true, encoding: .utf8)
            let run = try ChildProcess(
                try Tools.chemgate(),
                ["run", "--config", site],
                environment: ["CHEMGATE_TEST_PROFILE_STATUS": "profile-status-token"]
            )
            defer { run.signal(SIGKILL) }
            // Distinct values a second and more apart (the profiles write times to the second).
            for value in [300, 500, 700] {
                try await Task.sleep(for: .milliseconds(1100))
                simulator.set(.holding, unit: 1, address: 1, to: UInt16(value))
            }
            var items: [[String: Any]] = []
            let deadline = ContinuousClock.now + .seconds(15)
            while ContinuousClock.now < deadline {
                items = try await Self.items(httpURL)
                let levels = items.filter {
                    $0["indicator"] as? String == "IND-LEVEL" && $0["kind"] as? String == "reading"
                }
                if levels.compactMap({ ($0["value"] as? String).flatMap(Double.init) }).contains(700) { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            if platform.hasCatalogue {
                // On request: chemgate catalogue → POST /uplinks/plat/catalogue → the catalogue goes again.
                let asked = try await ChildProcess.run(
                    try Tools.chemgate(),
                    [
                        "catalogue", "--url", "http://127.0.0.1:\(statusPort)", "--uplink", "plat", "--token",
                        "profile-status-token",
                    ]
                )
                #expect(asked.status == 0, "\(asked.output)")
                var catalogues = 0
                let until = ContinuousClock.now + .seconds(5)
                while catalogues < 2, ContinuousClock.now < until {
                    catalogues = try await Self.counts(httpURL)["catalogues"] as? Int ?? 0
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(catalogues == 2, "the catalogue went at start and again on request")
            }
            run.signal(SIGTERM)
            #expect(try await run.waitForExit() == 0, "\(run.text)")

            let received = items.filter {
                $0["indicator"] as? String == "IND-LEVEL" && $0["kind"] as? String == "reading"
            }
            let receivedPairs = received.compactMap { item -> Pair? in
                guard let value = (item["value"] as? String).flatMap(Double.init) else { return nil }
                return Pair(value: value, second: ((item["ts"] as? Int) ?? 0) / 1000)
            }
            // What the gateway logged for that point: the same values, at the same times (to the second), in order.
            let log = try DurableLog(path: logPath)
            let logged = try await log.records(in: 1...Int64.max).compactMap { record -> Pair? in
                guard case .reading(let reading) = record.payload, reading.device == "u1", reading.point == "level",
                    let value = reading.value?.numeric
                else { return nil }
                return Pair(value: value, second: Int(reading.timestamp.milliseconds.floorDivided1000))
            }
            #expect(logged.count >= 4, "the gateway logged the level: \(logged)")
            #expect(receivedPairs.map(\.value).contains(700), "\(platform): \(receivedPairs) \(run.text)")
            #expect(
                Array(receivedPairs.prefix(logged.count)) == Array(logged.prefix(receivedPairs.count)),
                "\(platform)"
            )
            #expect(receivedPairs.map(\.value).filter { [100, 300, 500, 700].contains($0) } == [100, 300, 500, 700])
            // Only indicated points travel (indicated_points_only): the temperature and gas never arrive.
            let indicators = Set(
                items.filter { $0["kind"] as? String == "reading" }.compactMap { $0["indicator"] as? String }
            )
            #expect(indicators == ["IND-LEVEL", "IND-PRES"], "\(indicators)")
            if platform.hasCatalogue {
                let firstPoint = items.firstIndex { $0["kind"] as? String == "point" }
                let firstReading = items.firstIndex { $0["kind"] as? String == "reading" }
                #expect(firstPoint != nil && firstReading != nil && firstPoint! < firstReading!, "catalogue first")
                #expect(
                    Set(items.filter { $0["kind"] as? String == "point" }.compactMap { $0["indicator"] as? String })
                        == ["IND-LEVEL", "IND-PRES"]
                )
            }
        }
    }

    /// One uplink per transport at once — mem-iot-sm4 over HTTP, jiangsu-five-in-one-tcp over framed TCP,
    /// chemgate's format over MQTT through mosquitto — with the TCP platform down for a while: the other
    /// two keep receiving during the outage, and the TCP one gets every reading, in order, once back.
    @Test func oneTransportDownTheOthersKeepPaceAndItCatchesUpInOrder() async throws {
        let broker = try await MosquittoBroker()
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            let directory = try Tools.temporaryDirectory()
            let root = Tools.repositoryRoot.path
            let mem = Self.platforms[0]
            let jiangsu = Self.platforms[1]
            func secrets(_ platform: Platform) throws -> (arguments: [String], yaml: String) {
                var arguments: [String] = []
                var lines: [String] = []
                for (name, value) in platform.secrets {
                    let file = directory.appendingPathComponent("\(platform.profile)-\(name).txt")
                    try value.write(to: file, atomically: true, encoding: .utf8)
                    arguments += ["--secret", "\(name)=file:\(file.path)"]
                    lines.append("\(name): \"file:\(file.path)\"")
                }
                return (arguments, lines.joined(separator: ", "))
            }
            // Jiangsu's platform does not answer frames, so a frame written just before it dies is lost to TCP
            // (docs/uplink-profiles.md); this stand-in answers every frame, so that nothing may be lost.
            let answering = directory.appendingPathComponent("jiangsu-answering.yaml").path
            try String(contentsOfFile: "\(root)/profiles/jiangsu-five-in-one-tcp.yaml", encoding: .utf8)
                .replacingOccurrences(of: "  reply: false", with: "  reply: true")
                .write(toFile: answering, atomically: true, encoding: .utf8)
            let memSecrets = try secrets(mem)
            let jiangsuSecrets = try secrets(jiangsu)
            let memReceiver = try ChildProcess(
                try Tools.chemgate(),
                [
                    "receive", "--listen", "127.0.0.1:0", "--database",
                    directory.appendingPathComponent("mem.sqlite").path,
                    "--profile", "\(root)/profiles/mem-iot-sm4.yaml",
                ] + memSecrets.arguments
            )
            defer { memReceiver.signal(SIGKILL) }
            let memURL = String(
                try await memReceiver.waitForLine(containing: "listening on http://").split(separator: " ").last!
            )
            let tcpPort = try Tools.freePort()
            func startJiangsu() async throws -> (ChildProcess, String) {
                let process = try ChildProcess(
                    try Tools.chemgate(),
                    [
                        "receive", "--listen", "127.0.0.1:0", "--database",
                        directory.appendingPathComponent("js.sqlite").path, "--profile", answering, "--tcp",
                        "\(tcpPort)",
                    ] + jiangsuSecrets.arguments
                )
                let line = try await process.waitForLine(containing: "listening on http://")
                try await process.waitForLine(containing: "listening on tcp://")
                return (process, String(line.split(separator: " ").last!))
            }
            var (jiangsuReceiver, jiangsuURL) = try await startJiangsu()
            let mqttReceiver = try ChildProcess(
                try Tools.chemgate(),
                [
                    "receive", "--listen", "127.0.0.1:0", "--mqtt", broker.url(), "--topic", "chemgate/#",
                    "--database", directory.appendingPathComponent("mq.sqlite").path,
                ]
            )
            defer { mqttReceiver.signal(SIGKILL) }
            let mqttURL = String(
                try await mqttReceiver.waitForLine(containing: "listening on http://").split(separator: " ").last!
            )
            try await mqttReceiver.waitForLine(containing: "subscribed to chemgate/# on")

            let logPath = directory.appendingPathComponent("log.sqlite").path
            let site = directory.appendingPathComponent("site.yaml").path
            try """
            gateway: { id: GW-MIX, enterprise: E-MIX }
            devices_path: \(root)/Devices
            profiles_path: \(root)/profiles
            links: [ { id: plc, endpoint: "\(endpoint)" } ]
            scan_classes: { fast: 100ms }
            default_scan: fast
            storage: { path: "\(logPath)" }
            status: { listen: "127.0.0.1:\(try Tools.freePort())" }
            uplinks:
              - { id: mem, url: "\(memURL)/api", profile: mem-iot-sm4, batch_delay: 50ms, heartbeat: 1s,
                  profile_values: { \(mem.values) }, profile_secrets: { \(memSecrets.yaml) } }
              - { id: js, url: "tcp://127.0.0.1:\(tcpPort)", profile: "\(answering)", batch_delay: 50ms,
                  heartbeat: 1s, profile_values: { \(jiangsu.values) }, profile_secrets: { \(jiangsuSecrets.yaml) } }
              - { id: mq, url: "\(broker.url())", batch_delay: 50ms, heartbeat: 1s }
            devices:
              - id: u1
                link: plc
                unit: 1
                map: chemgate/simulator
                points:
                  level: { indicator: "IND-LEVEL" }

            """.write(toFile: site, atomically: true, encoding: .utf8)
            let run = try ChildProcess(try Tools.chemgate(), ["run", "--config", site])
            defer { run.signal(SIGKILL) }
            // A new level value every 250 ms, all along.
            let writer = Task {
                var value: UInt16 = 100
                while !Task.isCancelled {
                    simulator.set(.holding, unit: 1, address: 1, to: value)
                    value += 60
                    try? await Task.sleep(for: .milliseconds(250))
                }
            }
            defer { writer.cancel() }
            func levels(_ url: String) async throws -> [Double] {
                try await Self.items(url).filter {
                    $0["indicator"] as? String == "IND-LEVEL" && $0["kind"] as? String == "reading"
                }
                .compactMap { ($0["value"] as? String).flatMap(Double.init) }
            }
            func mqttRecords() async throws -> Int {
                let response = try await HTTPClient.shared.execute(
                    HTTPClientRequest(url: mqttURL + "/counts"),
                    timeout: .seconds(5)
                )
                let body = try await response.body.collect(upTo: 1 << 20)
                let json = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] ?? [:]
                return json["records"] as? Int ?? 0
            }
            try await Task.sleep(for: .seconds(2))
            #expect(try await levels(jiangsuURL).count >= 3, "the TCP platform receives before its outage")

            // The framed-TCP platform goes down for 3 s.
            jiangsuReceiver.signal(SIGKILL)
            _ = try await jiangsuReceiver.waitForExit()
            let memBefore = try await levels(memURL).count
            let mqttBefore = try await mqttRecords()
            try await Task.sleep(for: .seconds(3))
            let memDuring = try await levels(memURL).count
            let mqttDuring = try await mqttRecords()
            #expect(memDuring >= memBefore + 8, "HTTP keeps pace while TCP is down: \(memBefore) → \(memDuring)")
            #expect(mqttDuring >= mqttBefore + 8, "MQTT keeps pace while TCP is down: \(mqttBefore) → \(mqttDuring)")

            (jiangsuReceiver, jiangsuURL) = try await startJiangsu()
            defer { jiangsuReceiver.signal(SIGKILL) }
            try await Task.sleep(for: .seconds(2))
            writer.cancel()
            try await Task.sleep(for: .seconds(1))
            run.signal(SIGTERM)
            #expect(try await run.waitForExit() == 0, "\(run.text)")

            let log = try DurableLog(path: logPath)
            let logged = try await log.records(in: 1...Int64.max).compactMap { record -> Double? in
                guard case .reading(let reading) = record.payload, reading.point == "level",
                    let value = reading.value?.numeric
                else { return nil }
                return value
            }
            let deadline = ContinuousClock.now + .seconds(5)
            var tcpLevels = try await levels(jiangsuURL)
            while tcpLevels.count < logged.count, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                tcpLevels = try await levels(jiangsuURL)
            }
            #expect(logged.count >= 20)
            #expect(tcpLevels == logged, "the TCP platform got every reading, in the log's order, after its outage")
            #expect(try await levels(memURL) == logged, "so did the HTTP platform")
        }
    }

    /// A profile with `transport: mqtt` publishes its rendered messages on the uplink's topic, `{lane}`
    /// naming the kind: the catalogue first, then data carrying the readings as the profile writes them.
    @Test func anMQTTProfilePublishesTheCatalogueThenItsMessages() async throws {
        let broker = try await MosquittoBroker()
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            simulator.set(.holding, unit: 1, address: 1, to: 250)
            let directory = try Tools.temporaryDirectory()
            let root = Tools.repositoryRoot.path
            let profile = directory.appendingPathComponent("park-mqtt.yaml").path
            try String(contentsOfFile: "\(root)/profiles/park-json-strings.yaml", encoding: .utf8)
                .replacingOccurrences(of: "profile: park-json-strings", with: "profile: park-mqtt")
                .replacingOccurrences(of: "transport: http", with: "transport: mqtt")
                .write(toFile: profile, atomically: true, encoding: .utf8)
            let watcher = try ChildProcess(
                "mosquitto_sub",
                ["-h", "127.0.0.1", "-p", "\(broker.port)", "-t", "plat/#", "-v", "-q", "1"]
            )
            defer { watcher.signal(SIGKILL) }
            try await Task.sleep(for: .milliseconds(300))
            let site = directory.appendingPathComponent("site.yaml").path
            try """
            gateway: { id: GW-MQP, enterprise: E-MQP }
            devices_path: \(root)/Devices
            links: [ { id: plc, endpoint: "\(endpoint)" } ]
            scan_classes: { fast: 200ms }
            default_scan: fast
            storage: { path: "\(directory.appendingPathComponent("log.sqlite").path)" }
            status: { listen: "127.0.0.1:\(try Tools.freePort())" }
            uplinks:
              - { id: plat, url: "\(broker.url())", topic: "plat/{gateway}/{lane}", profile: "\(profile)",
                  batch_delay: 50ms, heartbeat: 1s, profile_values: { enterprise_name: 测试化工 } }
            devices:
              - { id: u1, link: plc, unit: 1, map: chemgate/simulator, points: { level: { indicator: "IND-LEVEL" } } }

            """.write(toFile: site, atomically: true, encoding: .utf8)
            let check = try await ChildProcess.run(try Tools.chemgate(), ["check", site])
            #expect(check.status == 0, "\(check.output)")
            let run = try ChildProcess(try Tools.chemgate(), ["run", "--config", site])
            defer { run.signal(SIGKILL) }
            try await watcher.waitForLine(containing: "plat/GW-MQP/data", timeout: .seconds(15))
            run.signal(SIGTERM)
            #expect(try await run.waitForExit() == 0, "\(run.text)")
            let lines = watcher.text.split(separator: "\n").map(String.init)
            let catalogue = lines.firstIndex { $0.hasPrefix("plat/GW-MQP/catalogue ") }
            let data = lines.firstIndex { $0.hasPrefix("plat/GW-MQP/data ") }
            #expect(catalogue != nil && data != nil && catalogue! < data!, "the catalogue goes first: \(lines)")
            let message = data.map { lines[$0] } ?? ""
            #expect(message.contains(#""indicatorCode":"IND-LEVEL""#), "\(message)")
            #expect(message.contains(#""value":"250""#), "values as strings, as the profile says: \(message)")
        }
    }

    struct Pair: Equatable, CustomStringConvertible {
        var value: Double
        var second: Int
        var description: String { "\(value)@\(second)" }
    }

    static func counts(_ url: String) async throws -> [String: Any] {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: url + "/counts"),
            timeout: .seconds(5)
        )
        let body = try await response.body.collect(upTo: 1 << 20)
        return try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] ?? [:]
    }

    static func items(_ url: String) async throws -> [[String: Any]] {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url + "/items"), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 24)
        return try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [[String: Any]] ?? []
    }
}

extension Int64 {
    fileprivate var floorDivided1000: Int64 {
        let (quotient, remainder) = quotientAndRemainder(dividingBy: 1000)
        return remainder < 0 ? quotient - 1 : quotient
    }
}

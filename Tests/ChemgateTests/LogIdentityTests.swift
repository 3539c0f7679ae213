import AsyncHTTPClient
import Foundation
import GatewayCore
import NIOCore
import Outbox
import TestSupport
import Testing

/// The log's identity (issue #12, item 3): a log deleted under a running gateway is noticed, and the
/// new log of the next start is told apart from a replay of the old one by the platform.
@Suite("The log's identity: a deleted log is detected and its successor accepted")
struct LogIdentityTests {
    static let simulatorDevice = "[ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]"

    /// What `GET /status` of the running gateway says.
    static func status(port: Int) async throws -> [String: Any] {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)/status"),
            timeout: .seconds(5)
        )
        let body = try await response.body.collect(upTo: 1 << 22)
        return try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] ?? [:]
    }

    @Test func aLogDeletedWhileRunningIsDetectedAndTheNextLogIsAccepted() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let rig = try await GatewayRig.start(endpoint: "\(endpoint)", devices: Self.simulatorDevice)
            let first = try rig.run()
            var deadline = ContinuousClock.now + .seconds(15)
            while try await rig.counts().records < 30, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            let before = try await rig.counts()
            #expect(before.records >= 30)
            let firstID = try DurableLog(path: rig.logPath).logID
            #expect(!firstID.isEmpty)

            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: rig.logPath + suffix) }
            // Detected while running: an error line, the status unhealthy and naming the file.
            _ = try await first.waitForLine(containing: "was deleted while the gateway runs", timeout: .seconds(5))
            var status: [String: Any] = [:]
            deadline = ContinuousClock.now + .seconds(5)
            repeat {
                status = try await Self.status(port: rig.statusPort)
                if status["healthy"] as? Bool == false { break }
                try await Task.sleep(for: .milliseconds(100))
            } while ContinuousClock.now < deadline
            #expect(status["healthy"] as? Bool == false)
            let problems = (status["problems"] as? [String] ?? []).joined(separator: "\n")
            #expect(problems.contains("\(rig.logPath) was deleted"), "\(problems)")
            first.signal(SIGTERM)
            #expect(try await first.waitForExit(timeout: .seconds(20)) == 0, "\(first.text)")

            // The next start makes a new log with a new id; its sequence starts again at 1.
            let second = try rig.run()
            defer { second.signal(SIGKILL) }
            deadline = ContinuousClock.now + .seconds(15)
            while try await rig.counts().records < before.records + 30, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            let after = try await rig.counts()
            second.signal(SIGTERM)
            #expect(try await second.waitForExit(timeout: .seconds(20)) == 0, "\(second.text)")
            let log = try DurableLog(path: rig.logPath)
            #expect(log.logID != firstID, "a new log has a new id")
            #expect(try await log.records(in: 1...1).count == 1, "the new log starts at 1 again")
            #expect(after.records >= before.records + 30, "the platform accepts the new log's batches")
            #expect(try await log.deadLetters(destination: "park").isEmpty, "nothing refused as a replay (409)")
            #expect(!second.text.contains("HTTP 409"), "\(second.text)")
            #expect(
                rig.receive.text.contains("gateway GW-RIG sends from a new log"),
                "the platform stand-in reports the new log: \(rig.receive.text.suffix(1500))"
            )
        }
    }

    @Test func aCorruptedLogAtStartIsMovedAsideAndTheGatewayDelivers() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let rig = try await GatewayRig.start(endpoint: "\(endpoint)", devices: Self.simulatorDevice)
            // A log with a page overwritten, as a failing disk leaves it.
            do {
                let log = try DurableLog(path: rig.logPath, options: LogOptions(synchronous: .normal))
                try await log.append(
                    (0..<5000).map { index in
                        Reading(
                            gateway: "GW-RIG",
                            device: "old-\(index % 40)",
                            point: "gas",
                            value: .number(Double(index)),
                            quality: .good,
                            timestamp: Timestamp(milliseconds: 1_795_392_000_000 + Int64(index))
                        )
                    }
                )
                try log.close()
                let handle = try #require(FileHandle(forUpdatingAtPath: rig.logPath))
                try handle.seek(toOffset: 5 * 4096)
                try handle.write(contentsOf: Data(repeating: 0xA5, count: 512))
                try handle.close()
            }
            let run = try rig.run()
            defer { run.signal(SIGKILL) }
            let line = try await run.waitForLine(containing: "was corrupted (SQLite: ", timeout: .seconds(10))
            #expect(line.contains("moved aside to \(rig.logPath).corrupt-"), "\(line)")
            #expect(line.contains("a new log was started; restore from backup or inspect with sqlite3"), "\(line)")
            let deadline = ContinuousClock.now + .seconds(15)
            while try await rig.counts().records < 30, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            run.signal(SIGTERM)
            #expect(try await run.waitForExit(timeout: .seconds(20)) == 0, "\(run.text.suffix(2000))")
            #expect(try await rig.counts().records >= 30, "the new log stores and delivers")
            #expect(try await rig.counts().events >= 1, "the log_replaced event reached the platform")
            let log = try DurableLog(path: rig.logPath)
            #expect(try await log.deadLetters(destination: "park").isEmpty)
            guard case .event(let event)? = try await log.records(in: 1...1).first?.payload else {
                Issue.record("the new log does not start with an event")
                return
            }
            #expect(event.kind == .logReplaced && event.gateway == "GW-RIG")
            let aside = try FileManager.default.contentsOfDirectory(atPath: rig.directory.path)
                .filter { $0.hasPrefix("log.sqlite.corrupt-") }
            #expect(!aside.isEmpty, "the damaged file is kept")
        }
    }
}

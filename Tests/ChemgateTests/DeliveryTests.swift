import Foundation
import GatewayCore
import Modbus
import Outbox
import Simulator
import TestSupport
import Testing

/// The delivery guarantees of `chemgate run` → `chemgate receive`, with real processes: a gateway
/// killed with SIGKILL while uploading loses nothing, alarms overtake a backlog, and a refused batch
/// waits in the dead-letter table until `chemgate dead-letters --retry` sends it again.
@Suite("Delivery: kill -9 during uploads, alarms ahead of a backlog, dead letters")
struct DeliveryTests {
    static let simulatorDevice = "[ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]"

    @Test func aGatewayKilledDuringUploadsLosesNothing() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            // Batches of 5 every 50 ms: uploads are in flight nearly all the time.
            let rig = try await GatewayRig.start(
                endpoint: "\(endpoint)",
                devices: Self.simulatorDevice,
                uplink: ", batch_records: 5"
            )
            for _ in 0..<4 {
                let before = try await rig.counts().records
                let run = try rig.run()
                let deadline = ContinuousClock.now + .seconds(20)
                while try await rig.counts().records <= before + 20, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...200)))
                run.signal(SIGKILL)
                _ = try await run.waitForExit()
            }
            let maximum = try await rig.loggedMaximum()
            #expect(maximum > 80)
            let final = try rig.run()
            // Through what the killed runs logged, and beyond: the restarted gateway sends the rest and goes on.
            let counts = try await rig.waitUntilReceived(through: maximum + 10)
            final.signal(SIGTERM)
            let status = try await final.waitForExit()
            #expect(status == 0, "\(final.text)")
            #expect(counts.gaps == 0)
            #expect(counts.records + counts.events >= maximum, "every sequence number up to \(maximum) arrived")
            #expect(counts.outOfOrder == 0, "each point's readings arrived in order")
        }
    }

    @Test func alarmEventsAndLiveReadingsOvertakeALargeBacklog() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            simulator.set(.holding, unit: 1, address: 0, to: 120)  // 12.0 %LEL: no alarm
            simulator.set(.holding, unit: 1, address: 1, to: 0)
            let rig = try await GatewayRig.start(
                endpoint: "\(endpoint)",
                devices: "[ { id: gd-1, link: plc, unit: 1, map: generic/combustible-gas-detector } ]",
                uplink: ", batch_records: 200"
            )
            // The backlog of an outage: 200,000 readings from an hour ago, not yet sent to the platform.
            let backlog = 200_000
            do {
                let log = try DurableLog(path: rig.logPath, options: LogOptions(destinations: ["park"]))
                let start = Timestamp.now().milliseconds - 3_600_000
                for chunk in stride(from: 0, to: backlog, by: 10_000) {
                    try await log.append(
                        (chunk..<chunk + 10_000).map { index in
                            Reading(
                                gateway: "GW-RIG",
                                device: "old-1",
                                point: "level",
                                value: .number(Double(index % 1000)),
                                unit: "mm",
                                quality: .good,
                                timestamp: Timestamp(milliseconds: start + Int64(index) * 10)
                            )
                        }
                    )
                }
            }
            let run = try rig.run()
            defer { run.signal(SIGKILL) }
            var counts = try await rig.counts()
            var deadline = ContinuousClock.now + .seconds(20)
            while counts.records == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                counts = try await rig.counts()
            }
            let eventsBefore = counts.events
            simulator.set(.holding, unit: 1, address: 0, to: 270)  // 27.0 %LEL: level1 alarm
            deadline = ContinuousClock.now + .seconds(20)
            while counts.events == eventsBefore, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                counts = try await rig.counts()
            }
            #expect(counts.events > eventsBefore, "the alarm arrived")
            #expect(
                counts.records < backlog,
                "the alarm arrived while \(backlog - counts.records) backlog readings still waited"
            )
            #expect(try await rig.latest().contains("gd-1.concentration"), "live readings go ahead of the backlog")
            #expect(counts.outOfOrder == 0, "the backlog arrives in order per point")
            let history = try await rig.chemgate([
                "history", "--config", rig.config, "--device", "gd-1", "--point", "concentration", "--csv",
            ])
            #expect(history.output.contains(",alarm_raised,27,%LEL,level1,"), "\(history.output)")
        }
    }

    @Test func aRefusedBatchIsListedAndSentAgainByCommand() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let rig = try await GatewayRig.start(endpoint: "\(endpoint)", devices: Self.simulatorDevice)
            let run = try rig.run()
            defer { run.signal(SIGKILL) }
            // Refuse a batch after the first ones arrived, so that the platform sees a gap.
            _ = try await rig.waitUntilReceived(through: 1)
            try await rig.control("/control/reject?status=422&count=1")
            var listed = (status: Int32(-1), output: "")
            let deadline = ContinuousClock.now + .seconds(20)
            while !listed.output.contains("HTTP 422"), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                listed = try await rig.chemgate(["dead-letters", "--config", rig.config])
            }
            #expect(listed.status == 0, "\(listed.output)")
            let row = try #require(listed.output.split(separator: "\n").first { $0.contains("HTTP 422") })
            let id = try #require(row.split(separator: " ").first.map(String.init))
            #expect(row.contains("park"))
            var gaps = 0
            let gapDeadline = ContinuousClock.now + .seconds(10)
            while gaps == 0, ContinuousClock.now < gapDeadline {
                gaps = try await rig.counts().gaps
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(gaps > 0, "the refused batch is missing at the platform, and later batches arrive")

            let unknown = try await rig.chemgate([
                "dead-letters", "--config", rig.config, "--uplink", "park", "--retry", "999",
            ])
            #expect(unknown.status == 1)
            #expect(unknown.output.contains("uplink 'park' has no dead letter 999"), "\(unknown.output)")
            let noUplink = try await rig.chemgate(["dead-letters", "--config", rig.config, "--retry", "all"])
            #expect(noUplink.status != 0)
            #expect(noUplink.output.contains("--retry needs --uplink"), "\(noUplink.output)")

            let retried = try await rig.chemgate([
                "dead-letters", "--config", rig.config, "--uplink", "park", "--retry", id,
            ])
            #expect(retried.status == 0, "\(retried.output)")
            #expect(retried.output.contains("requeued"), "\(retried.output)")
            let counts = try await rig.waitUntilReceived(through: try await rig.loggedMaximum())
            #expect(counts.gaps == 0)
            let after = try await rig.chemgate(["dead-letters", "--config", rig.config])
            #expect(after.output.contains("no dead letters"), "\(after.output)")
        }
    }
}

import Foundation
import GatewayCore
import Hummingbird
import HummingbirdTesting
import NIOCore
import Receiver
import Testing
import UplinkPayload

@Suite("Test controls, /counts, /latest, heartbeats")
struct ControlAndQueryTests {
    @Test func unavailableControlAnswers503WithRetryAfter() async throws {
        try await ReceiverHarness.run { client, _ in
            let control = try await client.execute(uri: "/control/unavailable?seconds=0.5&retry_after=7", method: .post)
            #expect(control.status == .ok)
            let batch = Fixtures.batch("b-503", seqs: 1...2)
            let refused = try await client.post(batch)
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers[.retryAfter] == "7")
            try await Task.sleep(for: .milliseconds(700))
            #expect(try await client.post(batch).status == .ok)
            let counts = try await client.counts()
            #expect(counts.rejected == 1 && counts.records == 2)
        }
    }

    @Test func rejectControlAnswersTheNextBatches() async throws {
        try await ReceiverHarness.run { client, _ in
            let control = try await client.execute(uri: "/control/reject?status=500&count=2", method: .post)
            #expect(control.status == .ok)
            let batch = Fixtures.batch("b-500", seqs: 1...2)
            #expect(try await client.post(batch).status == .internalServerError)
            #expect(try await client.post(batch).status == .internalServerError)
            #expect(try await client.post(batch).status == .ok)
            #expect(try await client.execute(uri: "/control/reject?status=200", method: .post).status == .badRequest)
        }
    }

    @Test func controlsAreAbsentUnlessEnabled() async throws {
        try await ReceiverHarness.run(testControls: false) { client, _ in
            let response = try await client.execute(uri: "/control/unavailable?seconds=5", method: .post)
            #expect(response.status == .notFound)
            #expect(try await client.post(Fixtures.batch("b", seqs: 1...1)).status == .ok)
        }
    }

    @Test func countsReportGaps() async throws {
        try await ReceiverHarness.run { client, _ in
            _ = try await client.post(Fixtures.batch("late", seqs: 15...20, events: [15]))
            _ = try await client.post(Fixtures.batch("early", seqs: 1...10, events: [2, 9]))
            #expect(try await client.counts().gaps == [SequenceGap(gateway: "GW-1", from: 11, to: 14)])
            let response = try await client.execute(uri: "/counts", method: .get)
            #expect(response.text.contains(#""gaps":[["GW-1",11,14]]"#))

            _ = try await client.post(Fixtures.batch("fill", seqs: 11...14))
            let counts = try await client.counts()
            #expect(counts.gaps.isEmpty && counts.records + counts.events == 20 && counts.batches == 3)
        }
    }

    @Test func gapsIncludeTheUncoveredPartOfABatchRange() async throws {
        try await ReceiverHarness.run { client, _ in
            let example = try BatchPayload.decode(from: Data(Fixtures.exampleBatchJSON.utf8))
            #expect(try await client.post(example).status == .ok)
            #expect(
                try await client.counts().gaps == [
                    SequenceGap(gateway: "GW-1", from: 119, to: 119), SequenceGap(gateway: "GW-1", from: 121, to: 219),
                ]
            )
        }
    }

    @Test func latestShowsTheNewestValuePerPoint() async throws {
        try await ReceiverHarness.run { client, store in
            let base = Fixtures.base.milliseconds
            func record(_ seq: UInt64, _ point: String, _ value: Value?, _ offset: Int64, _ quality: Quality = .good)
                -> BatchRecord
            {
                BatchRecord(
                    sequence: seq,
                    device: "gd-101",
                    point: point,
                    value: value,
                    unit: "%LEL",
                    quality: quality,
                    timestamp: Timestamp(milliseconds: base + offset),
                    backfill: false
                )
            }
            let first = BatchPayload(
                gateway: "GW-1",
                enterprise: Fixtures.enterprise,
                batchID: "l-1",
                sentAt: .now(),
                records: [
                    record(1, "gas", .number(1), 0), record(2, "gas", .number(2), 1000), record(3, "门", .bool(true), 0),
                ]
            )
            // Arrives later but was read earlier (backfill): must not hide seq 2.
            var backfill = BatchPayload(
                gateway: "GW-1",
                enterprise: Fixtures.enterprise,
                batchID: "l-2",
                sentAt: .now(),
                records: [record(4, "gas", .number(0.5), 500), record(5, "门", nil, 2000, .bad(.timeout))]
            )
            backfill.records[0].backfill = true
            _ = try await client.post(first)
            _ = try await client.post(backfill)

            let latest = try await store.latest()
            #expect(latest.map(\.record.sequence) == [2, 5])
            let response = try await client.execute(uri: "/latest", method: .get)
            #expect(response.status == .ok)
            let entries = try #require(
                try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]]
            )
            #expect(entries.count == 2)
            #expect(entries[0]["gateway"] as? String == "GW-1" && entries[0]["point"] as? String == "gas")
            #expect(entries[0]["value"] as? Double == 2 && entries[0]["quality"] as? String == "good")
            #expect(entries[0]["ts"] as? String == Timestamp(milliseconds: base + 1000).iso8601)
            #expect(entries[1]["point"] as? String == "门" && entries[1]["value"] == nil)
            #expect(entries[1]["quality"] as? String == "bad" && entries[1]["reason"] as? String == "timeout")
        }
    }

    @Test func heartbeatsAreStored() async throws {
        try await ReceiverHarness.run(bearerToken: "t") { client, store in
            let heartbeat = Fixtures.heartbeat()
            let response = try await client.execute(
                uri: "/heartbeats",
                method: .post,
                headers: [.authorization: "Bearer t"],
                body: ByteBuffer(bytes: Array(heartbeat.encode()))
            )
            #expect(response.status == .ok)
            #expect(try await store.heartbeats(gateway: "GW-1") == [heartbeat])
            let invalid = try await client.execute(
                uri: "/heartbeats",
                method: .post,
                headers: [.authorization: "Bearer t"],
                body: ByteBuffer(
                    bytes: Array(
                        Fixtures.exampleHeartbeatJSON.replacingOccurrences(of: "uptime_s", with: "uptime").utf8
                    )
                )
            )
            #expect(invalid.status == .badRequest)
            #expect(try invalid.json()["field"] as? String == "uptime")
            let unauthenticated = try await client.execute(
                uri: "/heartbeats",
                method: .post,
                body: ByteBuffer(bytes: Array(heartbeat.encode()))
            )
            #expect(unauthenticated.status == .unauthorized)
            let counts = try await client.counts()
            #expect(counts.heartbeats == 1 && counts.rejected == 2)
        }
    }

    @Test func healthAndALiveServer() async throws {
        let secret = "live-secret"
        try await ReceiverHarness.run(.live, hmacSecret: secret) { client, store in
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            let batch = Fixtures.batch("live-1", seqs: 1...50, events: [10])
            let compressed = Gzip.compress(Array(batch.encode()))
            var headers = fields(UplinkSignature.headers(secret: secret, body: compressed))
            headers[.contentEncoding] = "gzip"
            let response = try await client.post(batch, headers: headers, body: compressed)
            #expect(response.status == .ok)
            #expect(try response.outcome() == BatchOutcome(accepted: 50, duplicate: false))
            #expect(try await client.post(batch, headers: headers, body: compressed).outcome().duplicate)
            #expect(try await store.events(gateway: "GW-1") == batch.gatewayEvents)
            let counts = try await client.counts()
            #expect(counts.records == 49 && counts.duplicates == 1 && counts.gaps.isEmpty)
        }
    }
}

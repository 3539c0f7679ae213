import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Receiver
import Testing
import UplinkPayload

@Suite("POST /batches")
struct BatchEndpointTests {
    @Test func batchIsStored() async throws {
        try await ReceiverHarness.run { client, store in
            let batch = Fixtures.batch("b-1", seqs: 1...10, events: [4])
            let response = try await client.post(batch)
            #expect(response.status == .ok)
            #expect(try response.outcome() == BatchOutcome(accepted: 10, duplicate: false))
            #expect(try await store.readings(gateway: Fixtures.gateway) == batch.readings)
            #expect(try await store.events(gateway: Fixtures.gateway) == batch.gatewayEvents)
            let counts = try await client.counts()
            #expect(counts.batches == 1 && counts.records == 9 && counts.events == 1 && counts.gaps.isEmpty)
            let stored = try #require(try await store.batch(id: "b-1"))
            #expect(stored.firstSeq == 1 && stored.lastSeq == 10 && !stored.compressed && stored.accepted == 10)
        }
    }

    @Test func sameBatchAgainIsADuplicateStoredOnce() async throws {
        try await ReceiverHarness.run { client, store in
            var batch = Fixtures.batch("b-dup", seqs: 1...5)
            #expect(try await client.post(batch).outcome() == BatchOutcome(accepted: 5, duplicate: false))
            batch.sentAt = Timestamp(milliseconds: batch.sentAt.milliseconds + 30000)  // a retry, later
            let again = try await client.post(batch)
            #expect(again.status == .ok)
            #expect(try again.outcome() == BatchOutcome(accepted: 0, duplicate: true))
            let counts = try await client.counts()
            #expect(counts.batches == 1 && counts.records == 5 && counts.duplicates == 1)
            #expect(try await store.readings(gateway: Fixtures.gateway).count == 5)
            #expect(try await store.batch(id: "b-dup")?.duplicates == 1)
        }
    }

    @Test func sameBatchIDWithOtherContentIsAConflict() async throws {
        try await ReceiverHarness.run { client, store in
            _ = try await client.post(Fixtures.batch("b-x", seqs: 1...5))
            let other = try await client.post(Fixtures.batch("b-x", seqs: 6...8))
            #expect(other.status == .conflict)
            #expect(try other.json()["error"] as? String == "batch_id b-x was received before with different content")
            #expect(try await store.readings(gateway: Fixtures.gateway).count == 5)
        }
    }

    @Test func overlappingBatchStoresOnlyNewSequenceNumbers() async throws {
        try await ReceiverHarness.run { client, store in
            _ = try await client.post(Fixtures.batch("first", seqs: 1...10))
            var rebatched = Fixtures.batch("second", seqs: 5...15)
            for index in rebatched.records.indices where rebatched.records[index].sequence <= 10 {
                rebatched.records[index].backfill = true
            }
            let response = try await client.post(rebatched)
            #expect(try response.outcome() == BatchOutcome(accepted: 5, duplicate: false, alreadyReceived: 6))
            #expect(try await store.readings(gateway: Fixtures.gateway).map(\.sequence) == Array(1...15))
            var clash = Fixtures.batch("third", seqs: 15...16)
            clash.records[0].value = .number(-1)
            #expect(try await client.post(clash).status == .conflict)
            let counts = try await client.counts()
            #expect(counts.records == 15 && counts.alreadyReceived == 6 && counts.rejected == 1)
        }
    }

    @Test func bearerToken() async throws {
        try await ReceiverHarness.run(bearerToken: "s3cret-token") { client, _ in
            let batch = Fixtures.batch("b-auth", seqs: 1...3)
            let missing = try await client.post(batch)
            #expect(missing.status == .unauthorized)
            #expect(missing.headers[.wwwAuthenticate] == "Bearer")
            #expect(try await client.post(batch, headers: [.authorization: "Bearer wrong"]).status == .unauthorized)
            #expect(try await client.post(batch, headers: [.authorization: "Basic czNjcmV0"]).status == .unauthorized)
            let good = try await client.post(batch, headers: [.authorization: "Bearer s3cret-token"])
            #expect(good.status == .ok)
            #expect(!missing.text.contains("s3cret") && !good.text.contains("s3cret"))
            let counts = try await client.counts()
            #expect(counts.rejected == 3 && counts.records == 3)
        }
    }

    @Test func hmacSignature() async throws {
        let secret = "hmac-秘密"
        try await ReceiverHarness.run(hmacSecret: secret) { client, _ in
            let batch = Fixtures.batch("b-hmac", seqs: 1...3)
            let body = Array(batch.encode())
            let signed = fields(UplinkSignature.headers(secret: secret, body: body))
            #expect(try await client.post(batch, headers: signed, body: body).status == .ok)

            var wrong = signed
            wrong[HTTPField.Name("X-Chemgate-Signature")!] = String(repeating: "0", count: 64)
            #expect(try await client.post(batch, headers: wrong, body: body).status == .unauthorized)

            let tampered = Array(Fixtures.batch("b-hmac", seqs: 1...4).encode())
            #expect(try await client.post(batch, headers: signed, body: tampered).status == .unauthorized)

            let old = Timestamp(milliseconds: Timestamp.now().milliseconds - 600_000)
            let stale = fields(UplinkSignature.headers(secret: secret, body: body, at: old))
            let staleResponse = try await client.post(batch, headers: stale, body: body)
            #expect(staleResponse.status == .unauthorized)
            #expect(staleResponse.text.contains("300 s"))

            #expect(try await client.post(batch).status == .unauthorized)
            let bearerInstead = try await client.post(batch, headers: [.authorization: "Bearer x"], body: body)
            #expect(bearerInstead.status == .unauthorized)
            #expect(try await client.counts().rejected == 5)
        }
    }

    @Test func gzipBodyIsAccepted() async throws {
        let secret = "k"
        try await ReceiverHarness.run(hmacSecret: secret) { client, store in
            let batch = Fixtures.batch("b-gzip", seqs: 1...200, events: [7, 8])
            let compressed = Gzip.compress(Array(batch.encode()))
            #expect(compressed.count < batch.encode().count / 3)
            var headers = fields(UplinkSignature.headers(secret: secret, body: compressed))
            headers[.contentEncoding] = "gzip"
            let response = try await client.post(batch, headers: headers, body: compressed)
            #expect(response.status == .ok)
            #expect(try response.outcome().accepted == 200)
            #expect(try await store.batch(id: "b-gzip")?.compressed == true)
            #expect(try await store.readings(gateway: Fixtures.gateway) == batch.readings)

            let damaged = Array(compressed.prefix(compressed.count / 2))
            var damagedHeaders = fields(UplinkSignature.headers(secret: secret, body: damaged))
            damagedHeaders[.contentEncoding] = "gzip"
            #expect(try await client.post(batch, headers: damagedHeaders, body: damaged).status == .badRequest)

            let plain = Array(batch.encode())
            var brotli = fields(UplinkSignature.headers(secret: secret, body: plain))
            brotli[.contentEncoding] = "br"
            #expect(try await client.post(batch, headers: brotli, body: plain).status == .unsupportedMediaType)
        }
    }

    @Test func schemaInvalidBodyIs400NamingTheField() async throws {
        try await ReceiverHarness.run { client, _ in
            let json = Fixtures.exampleBatchJSON.replacingOccurrences(
                of: #""quality": "good""#,
                with: #""quality": "fine""#
            )
            let batch = try BatchPayload.decode(from: Data(Fixtures.exampleBatchJSON.utf8))
            let response = try await client.post(batch, body: Array(json.utf8))
            #expect(response.status == .badRequest)
            let body = try response.json()
            #expect(body["field"] as? String == "records[0].quality")
            #expect(
                (body["error"] as? String)?.hasPrefix("records[0].quality: expected one of good, uncertain, bad")
                    == true
            )

            let notJSON = try await client.post(batch, body: Array("{\"schema\":".utf8))
            #expect(notJSON.status == .badRequest)
            #expect(try notJSON.json()["field"] as? String == "body")

            let noKey = try await client.execute(
                uri: "/batches",
                method: .post,
                body: ByteBuffer(bytes: Array(batch.encode()))
            )
            #expect(noKey.status == .badRequest)
            #expect(noKey.text.contains("Idempotency-Key"))
            let mismatch = try await client.post(
                batch,
                headers: [HTTPField.Name("Idempotency-Key")!: "other"],
                body: Array(batch.encode())
            )
            #expect(mismatch.status == .badRequest)
            #expect(try await client.counts().rejected == 4)
        }
    }

    @Test func oversizedBodiesAre413() async throws {
        try await ReceiverHarness.run(maxBodyBytes: 4096) { client, _ in
            let big = Fixtures.batch("b-big", seqs: 1...100)
            #expect(big.encode().count > 4096)
            #expect(try await client.post(big).status == .contentTooLarge)
            let compressed = Gzip.compress(Array(big.encode()))
            #expect(compressed.count < 4096)
            let bomb = try await client.post(big, headers: [.contentEncoding: "gzip"], body: compressed)
            #expect(bomb.status == .contentTooLarge)
            #expect(try await client.post(Fixtures.batch("b-small", seqs: 1...3)).status == .ok)
        }
    }
}

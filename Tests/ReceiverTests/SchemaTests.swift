import Foundation
import GatewayCore
import Testing
import UplinkPayload

@Suite("JSON Schemas agree with the payload types")
struct SchemaTests {
    @Test func batchSchemaAcceptsValidBatches() throws {
        var everything = Fixtures.batch("all-kinds", seqs: 1...12, events: [3])
        let values: [Value?] = [.number(1.5), .bool(true), .text("甲烷"), nil]
        for index in everything.records.indices {
            // A bad record carries no value (its registers go in `raw`); an uncertain one keeps it.
            let bad = index.isMultiple(of: 2)
            everything.records[index].value = bad ? nil : values[index % values.count]
            everything.records[index].raw = bad && index.isMultiple(of: 4) ? "0x7FFF" : nil
            everything.records[index].quality = bad ? .bad(.deviceException(4)) : .uncertain(.warmup)
            everything.records[index].backfill = index.isMultiple(of: 3)
        }
        let documents = [
            Data(Fixtures.exampleBatchJSON.utf8), everything.encode(), Fixtures.batch("b", seqs: 1...1).encode(),
            Fixtures.batch("events-only", seqs: 5...5, events: [5]).encode(),
        ]
        for document in documents { _ = try BatchPayload.decode(from: document) }
        #expect(try SchemaValidator.validate(documents, schema: "batch.schema.json") == [true, true, true, true])
    }

    @Test func batchSchemaRejectsInvalidBatches() throws {
        let mutations: [(String, String)] = [
            (#""quality": "good""#, #""quality": "excellent""#),
            (#""reason": null, "ts""#, #""reason": "device_exception_256", "ts""#),
            (#""reason": null, "ts""#, #""reason": "on_fire", "ts""#),
            (#""ts": "2026-11-23T03:29:59.000Z""#, #""ts": "2026-11-23T03:29:59Z""#),
            (#""backfill": false"#, #""backfill": false, "colour": "red""#),
            (#""backfill": false"#, #""backfill": "no""#),
            (#""event": "alarm_raised""#, #""event": "alarm_rised""#),
            (#""level": "level1""#, #""level": "level3""#),
            (#""GD101_LEL", "value": 30"#, #""GD101_LEL", "value": [30]"#),
            (#""seq": 120"#, #""seq": -1"#),
            (#""seq": 120"#, #""seq": 9223372036854775808"#),
            (#""seq": 120"#, #""seq": 1.5"#),
            (#""batch_id": "park-120-219-100-3f2a9c1d""#, #""batch_id": "park 120""#),
            (#""schema": "chemgate.batch/1""#, #""schema": "chemgate.batch/2""#),
            (#""sent_at": "2026-11-23T03:30:00.123Z""#, #""sent_at": 1795404600123"#),
            (#""gateway": "GW-1""#, #""gateway": """#),
            (#""report": "change""#, #""report": "periodic""#),
        ]
        var documents = mutations.map { original, replacement in
            Data(Fixtures.exampleBatchJSON.replacingOccurrences(of: original, with: replacement).utf8)
        }
        var empty = Fixtures.batch("empty", seqs: 1...1)
        empty.records = []
        documents.append(empty.encode())
        for (index, document) in documents.enumerated() {
            #expect(throws: PayloadError.self, "mutation \(index)") { try BatchPayload.decode(from: document) }
        }
        let verdicts = try SchemaValidator.validate(documents, schema: "batch.schema.json")
        #expect(verdicts == Array(repeating: false, count: documents.count))
    }

    @Test func heartbeatSchema() throws {
        var empty = Fixtures.heartbeat()
        empty.outbox.oldestUnacknowledged = nil
        empty.clock.offsetMilliseconds = nil
        let valid = [Data(Fixtures.exampleHeartbeatJSON.utf8), Fixtures.heartbeat().encode(), empty.encode()]
        let invalidJSON = [
            Fixtures.exampleHeartbeatJSON.replacingOccurrences(of: #""uptime_s": 3600"#, with: #""uptime_s": -1"#),
            Fixtures.exampleHeartbeatJSON.replacingOccurrences(of: "sha256:abab", with: "md5:abab"),
            Fixtures.exampleHeartbeatJSON.replacingOccurrences(of: #""ok": 14, "#, with: ""),
            Fixtures.exampleHeartbeatJSON.replacingOccurrences(of: #""depth": 0"#, with: #""depth": 0, "extra": 1"#),
            Fixtures.exampleHeartbeatJSON.replacingOccurrences(of: "heartbeat/1", with: "heartbeat/0"),
            Fixtures.exampleHeartbeatJSON.replacingOccurrences(
                of: #""synchronized": true"#,
                with: #""synchronized": 1"#
            ),
        ]
        let invalid = invalidJSON.map { Data($0.utf8) }
        for document in valid { _ = try HeartbeatPayload.decode(from: document) }
        for document in invalid {
            #expect(throws: PayloadError.self) { try HeartbeatPayload.decode(from: document) }
        }
        let verdicts = try SchemaValidator.validate(valid + invalid, schema: "heartbeat.schema.json")
        #expect(verdicts == Array(repeating: true, count: valid.count) + Array(repeating: false, count: invalid.count))
    }
}

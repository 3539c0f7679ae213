import Foundation
import GatewayCore
import Testing
import UplinkPayload

@Suite("Payload round trips")
struct PayloadRoundTripTests {
    static let values: [Value?] = [
        .number(12.5), .number(-0.001), .number(0), .number(1e20), .number(30), .bool(true), .bool(false),
        .text("abc"), .text("30"), .text("true"), .text("甲烷 浓度"), .text(""), nil,
    ]

    @Test("Reading → BatchRecord → JSON → Reading", arguments: values)
    func readingRoundTrip(value: Value?) throws {
        let reading = Reading(
            gateway: Fixtures.gateway,
            device: "可燃气体探测器-1",
            point: "浓度",
            indicator: "位号GD101",
            value: value,
            unit: "%LEL",
            quality: .uncertain(.warmup),
            timestamp: Fixtures.base,
            sequence: 42,
            report: .snapshot
        )
        let batch = BatchPayload(
            gateway: Fixtures.gateway,
            enterprise: Fixtures.enterprise,
            batchID: "b-1",
            sentAt: Fixtures.base,
            records: [BatchRecord(reading: reading, backfill: true)]
        )
        let decoded = try BatchPayload.decode(from: batch.encode())
        #expect(decoded == batch)
        #expect(decoded.readings == [reading])
        #expect(decoded.records.first?.backfill == true)
    }

    @Test("a reading's clock flag survives", arguments: ClockCondition.allCases)
    func clockRoundTrip(clock: ClockCondition) throws {
        var reading = Reading(
            gateway: Fixtures.gateway,
            device: "gd-1",
            point: "gas",
            value: .number(12.5),
            quality: .good,
            timestamp: Fixtures.base,
            sequence: 7
        )
        reading.clock = clock
        let batch = BatchPayload(
            gateway: Fixtures.gateway,
            enterprise: Fixtures.enterprise,
            batchID: "b-1",
            sentAt: Fixtures.base,
            records: [BatchRecord(reading: reading, backfill: false)]
        )
        let json = String(decoding: batch.encode(), as: UTF8.self)
        #expect(json.contains("\"clock\":\"\(clock.rawValue)\""), "\(json)")
        let decoded = try BatchPayload.decode(from: batch.encode())
        #expect(decoded.readings == [reading])
        #expect(decoded.readings.first?.quality == .good, "the quality stays")
    }

    static let qualities: [Quality] =
        [.good, .uncertain(.stale), .bad(.deviceException(2)), .bad(.deviceException(255)), Quality(.bad, nil)]
        + [
            Quality.Reason.communicationFailure, .timeout, .gatewayPathFailed, .stale, .demoted, .sensorFault,
            .outOfRange, .frozen, .maintenance, .inhibited, .warmup, .configError, .invalidValue, .configMismatch,
            .deviceException(0),
        ].map { Quality.bad($0) }

    @Test("every quality reason survives", arguments: qualities)
    func qualityRoundTrip(quality: Quality) throws {
        let record = BatchRecord(reading: Fixtures.reading(seq: 1, value: nil, quality: quality), backfill: false)
        let json = try #require(String(data: batchOf(records: [record]).encode(), encoding: .utf8))
        if let reason = quality.reason {
            #expect(json.contains("\"reason\":\"\(reason)\""))
        } else {
            #expect(!json.contains("\"reason\""))
        }
        #expect(try BatchPayload.decode(from: Data(json.utf8)).records == [record])
    }

    @Test("GatewayEvent → BatchEvent → JSON → GatewayEvent", arguments: GatewayEvent.Kind.allCases)
    func eventRoundTrip(kind: GatewayEvent.Kind) throws {
        let levels: [AlarmLevel?] = AlarmLevel.allCases + [nil]
        let events = levels.enumerated().map { index, level in
            GatewayEvent(
                kind: kind,
                gateway: Fixtures.gateway,
                device: level == nil ? nil : "gd-101",
                point: level == nil ? nil : "甲烷",
                link: level == nil ? "rtu-1 串口" : nil,
                indicator: level == nil ? nil : "GD101",
                level: level,
                value: level == nil ? nil : Self.values[index % Self.values.count],
                limit: level == nil ? nil : 25.5,
                unit: level == nil ? nil : "%LEL",
                timestamp: Timestamp(milliseconds: Fixtures.base.milliseconds + Int64(index)),
                reason: "原因: value ≥ limit",
                sequence: UInt64(100 + index)
            )
        }
        let batch = BatchPayload(
            gateway: Fixtures.gateway,
            enterprise: Fixtures.enterprise,
            batchID: "events-1",
            sentAt: Fixtures.base,
            events: events.map(BatchEvent.init(event:))
        )
        let decoded = try BatchPayload.decode(from: batch.encode())
        #expect(decoded.gatewayEvents == events)
        #expect(decoded.firstSeq == 100)
        #expect(decoded.lastSeq == UInt64(100 + levels.count - 1))
    }

    @Test func encodingIsSortedWithAbsentOptionalsOmitted() throws {
        let record = BatchRecord(
            sequence: 7,
            device: "d",
            point: "p",
            value: nil,
            quality: .good,
            timestamp: Fixtures.base
        )
        let json = try #require(String(data: batchOf(records: [record]).encode(), encoding: .utf8))
        #expect(
            json.contains(
                #"{"backfill":false,"device":"d","point":"p","quality":"good","report":"change","seq":7,"ts":"2026-11-23T03:30:00.123Z"}"#
            )
        )
        #expect(json.hasPrefix(#"{"batch_id":"b-1","enterprise":"91340100MA2XXXXX0X","events":[],"first_seq":7"#))
        #expect(json.contains(#""schema":"chemgate.batch/1""#))
    }

    @Test func exampleBatchDecodes() throws {
        let batch = try BatchPayload.decode(from: Data(Fixtures.exampleBatchJSON.utf8))
        #expect(batch.batchID == "park-120-219-100-3f2a9c1d")
        #expect(batch.firstSeq == 118 && batch.lastSeq == 219)
        #expect(batch.sentAt == Fixtures.base)
        let event = try #require(batch.gatewayEvents.first)
        #expect(event.kind == .alarmRaised && event.level == .level1 && event.link == nil)
        #expect(event.value == .number(30) && event.limit == 25 && event.reason == "value 30 %LEL ≥ level1 25")
        let reading = try #require(batch.readings.first)
        #expect(reading.gateway == "GW-1" && reading.sequence == 120 && reading.quality == .good)
        #expect(reading.value == .number(30) && reading.indicator == "GD101_LEL" && reading.report == .change)
    }

    @Test func heartbeatRoundTripAndExample() throws {
        let heartbeat = Fixtures.heartbeat()
        #expect(try HeartbeatPayload.decode(from: heartbeat.encode()) == heartbeat)
        var empty = heartbeat
        empty.outbox.oldestUnacknowledged = nil
        empty.clock.offsetMilliseconds = nil
        let json = try #require(String(data: empty.encode(), encoding: .utf8))
        #expect(!json.contains("oldest_unacknowledged") && !json.contains("offset_ms"))
        #expect(try HeartbeatPayload.decode(from: empty.encode()) == empty)
        let example = try HeartbeatPayload.decode(from: Data(Fixtures.exampleHeartbeatJSON.utf8))
        #expect(
            example.uptimeSeconds == 3600 && example.devices.demoted == 1 && example.outbox.oldestUnacknowledged == nil
        )
        #expect(example.clock.offsetMilliseconds == 3)
    }

    static let invalidBatches: [(String, String, String)] = [
        ("quality", #""quality": "good""#, #""quality": "excellent""#),
        ("records[0].reason", #""reason": null, "ts""#, #""reason": "device_exception_256", "ts""#),
        ("records[0].ts", #""ts": "2026-11-23T03:29:59.000Z""#, #""ts": "2026-11-23T03:29:59Z""#),
        ("records[0].colour", #""backfill": false"#, #""backfill": false, "colour": "red""#),
        ("events[0].event", #""event": "alarm_raised""#, #""event": "alarm_rised""#),
        ("events[0].level", #""level": "level1""#, #""level": "level3""#),
        ("records[0].value", #""GD101_LEL", "value": 30"#, #""GD101_LEL", "value": [30]"#),
        ("records[0].seq", #""seq": 120"#, #""seq": 300"#),
        ("records[0].seq", #""seq": 120"#, #""seq": 118"#),
        ("records[0].seq", #""seq": 120"#, #""seq": -1"#),
        ("records[0].seq", #""seq": 120"#, #""seq": 9223372036854775808"#),
        ("records[0].seq", #""seq": 120"#, #""seq": 1.5"#),
        ("first_seq", #""first_seq": 118"#, #""first_seq": "118""#),
        ("records[0].device", #""device": "gd-101", "point": "gas", "indicator""#, #""point": "gas", "indicator""#),
        ("batch_id", #""batch_id": "park-120-219-100-3f2a9c1d""#, #""batch_id": "park 120""#),
        ("schema", #""schema": "chemgate.batch/1""#, #""schema": "chemgate.batch/2""#),
        ("sent_at", #""sent_at": "2026-11-23T03:30:00.123Z""#, #""sent_at": 1795404600123"#),
        ("body", #"{ "schema""#, #"[ "schema""#),
    ]

    @Test("invalid batches name the field", arguments: invalidBatches)
    func invalidBatch(field: String, original: String, replacement: String) throws {
        let json = Fixtures.exampleBatchJSON.replacingOccurrences(of: original, with: replacement)
        #expect(json != Fixtures.exampleBatchJSON)
        let error = try #require(throws: PayloadError.self) { try BatchPayload.decode(from: Data(json.utf8)) }
        let expected = field == "quality" ? "records[0].quality" : field
        #expect(error.field == expected, "\(error)")
    }

    @Test func notJSONIsABodyError() throws {
        let error = try #require(throws: PayloadError.self) { try BatchPayload.decode(from: Data("{not json".utf8)) }
        #expect(error.field == "body")
    }

    @Test func emptyBatchIsRejected() throws {
        let batch = BatchPayload(
            gateway: "GW-1",
            enterprise: "E",
            batchID: "b",
            firstSeq: 1,
            lastSeq: 1,
            sentAt: Fixtures.base,
            events: [],
            records: []
        )
        let error = try #require(throws: PayloadError.self) { try BatchPayload.decode(from: batch.encode()) }
        #expect(error.field == "records")
    }

    private func batchOf(records: [BatchRecord]) -> BatchPayload {
        BatchPayload(
            gateway: Fixtures.gateway,
            enterprise: Fixtures.enterprise,
            batchID: "b-1",
            sentAt: Fixtures.base,
            records: records
        )
    }
}

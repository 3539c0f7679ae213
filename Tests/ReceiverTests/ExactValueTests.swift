import Foundation
import GatewayCore
import Testing
import UplinkPayload

/// Integers keep every digit in the batch JSON; a bad record has no value but its raw registers; a
/// stale record says when it was found stale. Checked in the Swift types and in docs/batch.schema.json.
@Suite("Exact integers, bad records without a value, stale_since")
struct ExactValueTests {
    static func record(_ value: Value?, quality: Quality = .good, raw: String? = nil, staleSince: Timestamp? = nil)
        -> BatchPayload
    {
        var batch = Fixtures.batch("exact", seqs: 1...1)
        batch.records[0].value = value
        batch.records[0].quality = quality
        batch.records[0].raw = raw
        batch.records[0].staleSince = staleSince
        return batch
    }

    @Test func aUInt64CounterTravelsWithEveryDigit() throws {
        for (integer, text) in [
            (Int128(0x0123_4567_89AB_CDEF), "81985529216486895"), (Int128(UInt64.max), "18446744073709551615"),
            (Int128(Int64.min), "-9223372036854775808"), (Int128(9_007_199_254_740_993), "9007199254740993"),
        ] {
            let body = Self.record(.integer(integer)).encode()
            let json = String(decoding: body, as: UTF8.self)
            #expect(json.contains("\"value\":\(text)}"), "\(json)")
            let decoded = try BatchPayload.decode(from: body)
            guard case .integer(let back)? = decoded.records[0].value else {
                Issue.record("\(text) read back as \(String(describing: decoded.records[0].value))")
                continue
            }
            #expect(back == integer)
        }
        // A double that rounds the counter is another number: the exact value is not confused with it.
        #expect(Value.integer(0x0123_4567_89AB_CDEF) != .number(Double(0x0123_4567_89AB_CDEF)))
        #expect(Value.integer(25) == .number(25))
        #expect(Value.integer(25).hashValue == Value.number(25).hashValue)
    }

    @Test func badRecordsCarryRawRegistersAndStaleRecordsTheirDetectionTime() throws {
        let found = Timestamp(milliseconds: Fixtures.base.milliseconds + 3_000)
        let faulted = Self.record(nil, quality: .bad(.sensorFault), raw: "0x7FFF").encode()
        let faultedJSON = String(decoding: faulted, as: UTF8.self)
        #expect(faultedJSON.contains(#""quality":"bad","raw":"0x7FFF","reason":"sensor_fault""#), "\(faultedJSON)")
        #expect(!faultedJSON.contains("\"value\""))
        let staleBatch = Self.record(nil, quality: .bad(.stale), staleSince: found)
        let stale = staleBatch.encode()
        let decoded = try BatchPayload.decode(from: stale)
        #expect(decoded.records[0].staleSince == found)
        #expect(decoded.records[0].timestamp == staleBatch.records[0].timestamp)
        #expect(String(decoding: stale, as: UTF8.self).contains(#""stale_since":"2026-11-23T03:30:03.123Z""#))

        let documents = [
            faulted, stale,
            Self.record(.integer(Int128(UInt64.max))).encode(),
            Self.record(.number(3276.7), quality: .bad(.sensorFault), raw: "0x7FFF").encode(),
            Self.record(.number(12.5), raw: "0x007D").encode(),
            Self.record(.number(12.5), staleSince: found).encode(),
            Self.record(nil, quality: .bad(.sensorFault), raw: "7FFF").encode(),
        ]
        let verdicts = try SchemaValidator.validate(documents, schema: "batch.schema.json")
        #expect(verdicts == [true, true, true, false, false, false, false])
    }
}

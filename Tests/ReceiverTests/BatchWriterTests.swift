import Foundation
import GatewayCore
import Testing
import UplinkPayload

/// The batch body is written directly for speed; it must stay byte for byte what `JSONEncoder`
/// (sorted keys, slashes unescaped) makes of the same payload through its `Encodable` conformance.
@Suite("Batch JSON written directly equals JSONEncoder's")
struct BatchWriterTests {
    static let texts = [
        "", "abc", "甲烷 浓度", "quote \" backslash \\ slash /", "line\nbreak\ttab\rcr", "\u{0}\u{1}\u{1F}\u{7F}",
        "\u{8}\u{C}", "emoji 🔥", "\u{2028}\u{2029}",
    ]
    static let numbers: [Double] = [
        0, -0.0, 1, -1, 30, 37.5, 0.1, 1e-7, 123456789.125, 1e20, 1e21, 1e300, -2.5e-300, .pi, 4_294_967_296,
        .nan, .infinity,
    ]

    /// Exact integers, every digit: the ends of Int64 and UInt64 and a counter above 2^53.
    static let integers: [Int128] = [
        0, -1, 42, Int128(Int64.min), Int128(Int64.max), Int128(Int64.max) + 1, Int128(UInt64.max),
        81_985_529_216_486_895, 9_007_199_254_740_993,
    ]

    static func reference(_ payload: BatchPayload) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(payload)
    }

    @Test func everyKindOfValueAndTextIsWrittenAsJSONEncoderWritesIt() throws {
        var records: [BatchRecord] = []
        var sequence: UInt64 = 1
        let qualities: [Quality] = [.good, .uncertain(.warmup), .bad(.timeout), .bad(.deviceException(2))]
        let values: [Value?] =
            Self.numbers.map(Value.number) + Self.texts.map(Value.text) + [.bool(true), .bool(false), nil]
            + Self.integers.map(Value.integer)
        for (index, value) in values.enumerated() {
            let text = Self.texts[index % Self.texts.count]
            records.append(
                BatchRecord(
                    sequence: sequence,
                    device: "device \(text)",
                    point: text.isEmpty ? "p" : text,
                    indicator: index % 3 == 0 ? nil : "IND-\(text)",
                    value: value,
                    unit: index % 4 == 0 ? nil : "%LEL",
                    quality: qualities[index % qualities.count],
                    timestamp: Timestamp(milliseconds: 1_795_392_000_123 + Int64(index) * 1001),
                    report: index % 2 == 0 ? .change : .snapshot,
                    backfill: index % 5 == 0,
                    clock: [nil, .unsynchronised, nil, .stepped][index % 4],
                    raw: index % 4 == 2 ? ["0x7FFF", "0x0123 0x4567 0x89AB 0xCDEF", "1"][index % 3] : nil,
                    staleSince: index % 6 == 1 ? Timestamp(milliseconds: 1_795_392_009_000 + Int64(index)) : nil
                )
            )
            sequence += 1
        }
        let event = BatchEvent(
            event: GatewayEvent(
                kind: .alarmRaised,
                gateway: "GW",
                device: "gd-1",
                point: "gas",
                level: .level1,
                value: .number(27.5),
                limit: 25,
                unit: "%LEL",
                timestamp: Timestamp(milliseconds: 1_795_392_000_000),
                reason: "value 27.5 %LEL ≥ level1 25",
                sequence: sequence
            )
        )
        for events in [[], [event]] {
            let payload = BatchPayload(
                gateway: "GW \"1\"",
                enterprise: "91340100MA2XXXXX0X",
                batchID: "b-1",
                sentAt: Timestamp(milliseconds: 1_795_392_000_999),
                events: events,
                records: records
            )
            let written = payload.encode()
            let expected = try Self.reference(payload)
            #expect(
                written == expected,
                "\(String(decoding: written, as: UTF8.self))\n≠\n\(String(decoding: expected, as: UTF8.self))"
            )
            #expect(payload.encodedBytes() == Array(expected))
        }
    }
    /// Sequence numbers and timestamps are written digit by digit into the buffer: every digit count
    /// from 1 to 20 (`UInt64.max`), and timestamps from 1970 to past 9999, as `JSONEncoder` writes them.
    @Test func sequenceNumbersAndTimestampsOfEveryLengthAreWrittenAsJSONEncoderWritesThem() throws {
        var sequences: [UInt64] = [0, UInt64.max, UInt64.max - 1]
        var power: UInt64 = 1
        for _ in 0..<19 {
            sequences += [power - 1, power, power + 1]
            power = power &* 10
        }
        sequences += [power - 1, power]  // 10^19 - 1 and 10^19
        let times: [Int64] = [0, 9, 10, 999, 1000, 59_999, 86_399_999, 1_795_392_000_123, 253_402_300_800_000]
        let records = Set(sequences).sorted().enumerated().map { index, sequence in
            BatchRecord(
                sequence: sequence,
                device: "d",
                point: "p",
                value: .number(1),
                quality: .good,
                timestamp: Timestamp(milliseconds: times[index % times.count]),
                staleSince: index % 2 == 0 ? Timestamp(milliseconds: times[(index + 3) % times.count]) : nil
            )
        }
        let payload = BatchPayload(
            gateway: "GW",
            enterprise: "E",
            batchID: "b",
            firstSeq: 0,
            lastSeq: UInt64.max,
            sentAt: Timestamp(milliseconds: 5),
            events: [],
            records: records
        )
        let expected = try Self.reference(payload)
        #expect(
            payload.encode() == expected,
            "\(String(decoding: payload.encode(), as: UTF8.self))\n≠\n\(String(decoding: expected, as: UTF8.self))"
        )
    }
}

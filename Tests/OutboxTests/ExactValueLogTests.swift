import Foundation
import GRDB
import GatewayCore
import Testing

@testable import Outbox

/// The log keeps integers exact (INTEGER, or decimal TEXT above Int64.max), a bad reading's raw
/// registers and a stale reading's detection time.
@Suite("Exact values in the log")
struct ExactValueLogTests {
    static let integers: [Int128] = [
        81_985_529_216_486_895, Int128(UInt64.max), Int128(Int64.max) + 1, Int128(Int64.min), -1, 0,
        9_007_199_254_740_993,
    ]

    @Test func integersRawRegistersAndStaleTimesRoundTrip() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            var readings = Self.integers.enumerated().map { index, integer in
                reading(point: "counter", value: .integer(integer), at: baseTime.milliseconds + Int64(index))
            }
            var faulted = reading(
                point: "gas",
                value: nil,
                at: baseTime.milliseconds + 100,
                quality: .bad(.sensorFault)
            )
            faulted.raw = "0x7FFF"
            var stale = reading(point: "gas", value: nil, at: baseTime.milliseconds + 200, quality: .bad(.stale))
            stale.staleSince = Timestamp(milliseconds: baseTime.milliseconds + 3_200)
            readings += [
                faulted, stale, reading(point: "level", value: .number(12.5), at: baseTime.milliseconds + 300),
            ]
            let range = try #require(try await log.append(readings))
            let back = try await log.records(in: range).compactMap(\.reading)
            #expect(back == readings)
            for (index, integer) in Self.integers.enumerated() {
                guard case .integer(let stored)? = back[index].value else {
                    Issue.record("\(integer) came back as \(String(describing: back[index].value))")
                    continue
                }
                #expect(stored == integer)
            }
            #expect(back[Self.integers.count].raw == "0x7FFF")
            #expect(back[Self.integers.count + 1].staleSince?.milliseconds == baseTime.milliseconds + 3_200)
            guard case .number(12.5)? = back.last?.value else {
                Issue.record("a double came back as \(String(describing: back.last?.value))")
                return
            }
            let history = try await log.history(
                device: "dev",
                point: "counter",
                from: baseTime,
                to: Timestamp(milliseconds: baseTime.milliseconds + 1_000),
                limit: 100
            )
            #expect(history.compactMap(\.reading?.value) == Self.integers.map(Value.integer))
        }
    }

    @Test func aLogFromBeforeTheMigrationGainsTheColumns() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            do {
                let log = try DurableLog(path: path)
                _ = try await log.append([reading(point: "gas", value: .number(3), at: baseTime.milliseconds)])
            }
            // Back to what an older release wrote: no columns, no migration recorded.
            do {
                let queue = try DatabaseQueue(path: path)
                try await queue.write { db in
                    try unsegment(db)
                    try db.execute(
                        sql: """
                            ALTER TABLE record DROP COLUMN raw;
                            ALTER TABLE record DROP COLUMN stale_since;
                            DELETE FROM grdb_migrations WHERE identifier = 'raw registers and stale detection time';
                            """
                    )
                }
            }
            let log = try DurableLog(path: path)
            var faulted = reading(point: "gas", value: nil, at: baseTime.milliseconds + 1, quality: .bad(.sensorFault))
            faulted.raw = "0xFFFF"
            _ = try await log.append([faulted])
            let back = try await log.records(in: 1...10).compactMap(\.reading)
            #expect(back.map(\.value) == [.number(3), nil])
            #expect(back.map(\.raw) == [nil, "0xFFFF"])
        }
    }
}

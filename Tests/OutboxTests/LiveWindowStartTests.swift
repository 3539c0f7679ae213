import GRDB
import GatewayCore
import Testing

@testable import Outbox

/// ``DurableLog/liveWindowStart(after:liveFrom:end:for:_:)``: whether the uplink has a backlog ahead of the
/// live window, found without reading the window's whole timestamp index.
@Suite struct LiveWindowStartTests {
    let park = WindowKey(destination: "park", liveWindow: 10_000)

    @Test func anUplinkThatKeepsUpHasNoBacklog() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            let now = baseTime.milliseconds
            try await log.append((0..<20).map { reading(point: "p\($0)", at: now - 5_000) })  // 1...20, sent
            let sent = try #require(
                try await log.nextBatch(for: "park", maxRecords: 20, liveWindow: .seconds(10), now: baseTime)
            )
            try await log.acknowledge(sent, destination: "park")
            try await log.append((0..<5).map { reading(point: "p\($0)", at: now - 1_000) })  // 21...25

            let start = try await log.pool.read { db in
                try log.liveWindowStart(after: 21, liveFrom: now - 10_000, end: 25, for: park, db)
            }
            #expect(start <= 21, "no pending reading is older than the window: nothing goes ahead of it")
        }
    }

    @Test func aPendingReadingOlderThanTheWindowIsABacklogBehindTheWindowsFirstRecord() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            let now = baseTime.milliseconds
            try await log.append((0..<30).map { reading(point: "p\($0 % 3)", at: now - 3_600_000 + Int64($0)) })
            try await log.append((0..<4).map { reading(point: "p\($0)", at: now - 2_000) })  // 31...34

            let start = try await log.pool.read { db in
                try log.liveWindowStart(after: 1, liveFrom: now - 10_000, end: 34, for: park, db)
            }
            #expect(start == 31)
            let none = try await log.pool.read { db in
                try log.liveWindowStart(after: 1, liveFrom: now + 1, end: 34, for: park, db)
            }
            #expect(none == 35, "nothing in the window: it starts past the log's end")
        }
    }

    @Test func aStaleReadingFirstInLineLooksForTheWindowAndKeepsSequenceOrderBehindIt() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            let now = baseTime.milliseconds
            try await log.append((0..<3).map { reading(point: "p\($0)", at: now - 2_000) })  // 1...3
            let sent = try #require(
                try await log.nextBatch(for: "park", maxRecords: 3, liveWindow: .seconds(10), now: baseTime)
            )
            try await log.acknowledge(sent, destination: "park")
            // A stale reading carries its last good time, an hour ago; then live readings.
            try await log.append([reading(point: "gas", value: nil, at: now - 3_600_000, quality: .bad(.stale))])
            try await log.append((0..<3).map { reading(point: "p\($0)", at: now - 1_000) })  // 5...7

            let start = try await log.pool.read { db in
                try log.liveWindowStart(after: 4, liveFrom: now - 10_000, end: 7, for: park, db)
            }
            #expect(start == 1, "the window's first record was already sent: no backlog ahead of it")
            let batch = try #require(
                try await log.nextBatch(for: "park", maxRecords: 10, liveWindow: .seconds(10), now: baseTime)
            )
            #expect(batch.records.map(\.sequence) == [4, 5, 6, 7])
            #expect(batch.records.map(\.backfill) == [true, false, false, false])
        }
    }

    /// While a backlog drains the window's start is found again for every batch: from where it last started,
    /// it must be what reading the whole window finds, as the window moves on and rows (some carrying an old
    /// time) keep coming; and when the window goes back, it is read whole again.
    @Test func aBacklogsWindowStartFollowsTheWindowAsReadingTheWholeWindowWould() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            let now = baseTime.milliseconds
            var generator = SplitMix64(seed: 19)
            for second in 0..<60 {
                // 20 readings a second, one in ten stale (its time an hour back).
                let readings = (0..<20).map { index in
                    let stale = generator.next() % 10 == 0
                    let at = stale ? now - 3_600_000 : now - 60_000 + Int64(second * 1000 + index * 50)
                    return reading(point: "p\(index)", at: at)
                }
                let end = try #require(try await log.append(readings)).upperBound
                let liveFrom = now - 60_000 + Int64(second * 1000) - 10_000
                for from in [liveFrom, liveFrom + 500, second % 7 == 0 ? liveFrom - 4_000 : liveFrom + 600] {
                    let (found, exact) = try await log.pool.read { db in
                        (
                            try log.liveWindowStart(after: 1, liveFrom: from, end: end, for: park, db),
                            try Int64.fetchOne(db, sql: DurableLog.windowStartSQL, arguments: [from]) ?? end + 1
                        )
                    }
                    #expect(found == exact, "second \(second), window from \(from - now) ms")
                }
            }
        }
    }
}

import Foundation
import GRDB
import GatewayCore
import Outbox
import Testing

/// A reading's clock flag (`record.clock`, migration `record_clock`) is kept by the log.
@Suite("The log keeps readings' clock flags")
struct ClockColumnTests {
    @Test func aReadingsClockFlagIsStoredAndReadBack() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            let readings = [nil, ClockCondition.unsynchronised, .stepped].enumerated().map { index, clock in
                var reading = reading(point: "gas", at: baseTime.milliseconds + Int64(index))
                reading.clock = clock
                return reading
            }
            _ = try await log.append(readings)
            let stored = try await log.records(in: 1...Int64.max).compactMap(\.reading)
            #expect(stored.map(\.clock) == [nil, .unsynchronised, .stepped])
            #expect(stored == readings)
            try log.close()
        }
    }

    @Test func aLogFromBeforeTheClockColumnIsMigratedWithItsReadingsUnflagged() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let old = try DurableLog(path: path)
            _ = try await old.append([reading(point: "gas", at: baseTime.milliseconds)])
            try old.close()
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try unsegment(db)
                try db.execute(sql: "ALTER TABLE record DROP COLUMN clock")
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'record_clock'")
            }
            try queue.close()

            let log = try DurableLog(path: path)
            var flagged = reading(point: "gas", at: baseTime.milliseconds + 1)
            flagged.clock = .stepped
            _ = try await log.append([flagged])
            let stored = try await log.records(in: 1...Int64.max).compactMap(\.reading)
            #expect(stored.map(\.clock) == [nil, .stepped])
            try log.close()
        }
    }
}

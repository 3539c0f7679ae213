import Foundation
import GRDB
import GatewayCore
import Outbox

/// A fresh directory per test, removed afterwards.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("outbox-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// The path of the log file in `directory`.
func logPath(in directory: URL) -> String {
    directory.appendingPathComponent("outbox.sqlite").path
}

/// Midnight 2026-11-23 UTC: a fixed "now" for the tests.
let baseTime = Timestamp(milliseconds: 1_795_392_000_000)

func reading(
    device: String = "dev",
    point: String,
    value: Value? = .number(1),
    at milliseconds: Int64,
    quality: Quality = .good
) -> Reading {
    Reading(
        gateway: "gw",
        device: device,
        point: point,
        value: value,
        unit: "%LEL",
        quality: quality,
        timestamp: Timestamp(milliseconds: milliseconds)
    )
}

func alarm(
    _ kind: GatewayEvent.Kind = .alarmRaised,
    device: String = "dev",
    point: String? = "p",
    at milliseconds: Int64
) -> GatewayEvent {
    GatewayEvent(
        kind: kind,
        gateway: "gw",
        device: device,
        point: point,
        level: .level1,
        value: .number(27.5),
        limit: 25,
        unit: "%LEL",
        timestamp: Timestamp(milliseconds: milliseconds),
        reason: "value 27.5 %LEL ≥ level1 25"
    )
}

/// Reads and acknowledges batches for `destination` until nothing is pending; returns the sequences sent.
@discardableResult
func drain(_ log: DurableLog, destination: String, now: Timestamp = baseTime) async throws -> [Int64] {
    var sent: [Int64] = []
    while let batch = try await log.nextBatch(
        for: destination,
        maxRecords: 500,
        liveWindow: .seconds(60),
        now: now
    ) {
        sent += batch.sequences
        try await log.acknowledge(batch, destination: destination)
    }
    return sent
}

/// Turns a log kept in one segment back into what releases before segments wrote: one `record`
/// table, the migration `segmented record` not applied. Tests of older migrations start from it.
func unsegment(_ db: Database) throws {
    try db.execute(
        sql: """
            DROP VIEW record;
            DROP VIEW record_span;
            ALTER TABLE record_head RENAME TO record;
            DROP TABLE segment;
            DELETE FROM grdb_migrations WHERE identifier = 'segmented record';
            """
    )
}

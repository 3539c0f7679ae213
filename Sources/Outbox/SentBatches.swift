import GRDB
import GatewayCore

/// The `sent_batch` table: batches read for a destination and not yet acknowledged, dead-lettered or
/// split, frozen so that a batch id is only ever sent with one content.
///
/// `members` lists the batch's sequence numbers in batch order, each followed by `b` when the record
/// was labelled backfill (`"118,120b,121b"`).
enum SentBatches {
    /// Freezes `batch`'s membership and labels under its id.
    static func freeze(_ batch: Batch, _ db: Database) throws {
        // Written in place: the records are not copied, nor a string interpolated for each of them.
        var members = ""
        members.reserveCapacity(batch.records.count * 9)
        for index in batch.records.indices {
            if index > batch.records.startIndex { members.append(",") }
            members.append(String(batch.records[index].sequence))
            if batch.records[index].backfill { members.append("b") }
        }
        try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO sent_batch (destination, batch_id, members, created) VALUES (?, ?, ?, ?)"
        )
        .execute(arguments: [batch.destination, batch.batchID, members, Timestamp.now().milliseconds])
    }

    /// Forgets the frozen batch `batchID` of `destination` (acknowledged, dead-lettered or split).
    static func release(_ batchID: String, destination: String, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM sent_batch WHERE destination = ? AND batch_id = ?")
            .execute(arguments: [destination, batchID])
    }

    /// Whether `destination` has a frozen batch whose id is not in `excluded`.
    static func hasBatch(of destination: String, excluding excluded: Set<String>, _ db: Database) throws -> Bool {
        let ids = try String.fetchAll(
            db.cachedStatement(sql: "SELECT batch_id FROM sent_batch WHERE destination = ?"),
            arguments: [destination]
        )
        return ids.contains { !excluded.contains($0) }
    }

    /// Every sequence number in a frozen batch of `destination`.
    static func members(of destination: String, _ db: Database) throws -> Set<Int64> {
        var members = Set<Int64>()
        for text in try String.fetchAll(
            db.cachedStatement(sql: "SELECT members FROM sent_batch WHERE destination = ?"),
            arguments: [destination]
        ) {
            for member in parse(text) { members.insert(member.sequence) }
        }
        return members
    }

    /// The oldest frozen batch of `destination` whose id is not in `excluded`, read back as it was frozen.
    /// Records deleted from the log or handled since are left out and the batch gets the id of what remains (a batch
    /// left empty is forgotten).
    static func next(
        for destination: String,
        excluding excluded: Set<String>,
        gateway: String,
        logID: String,
        _ db: Database
    ) throws -> Batch? {
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT rowid, batch_id, members FROM sent_batch WHERE destination = ? ORDER BY rowid",
            arguments: [destination]
        )
        for row in rows where !excluded.contains(row["batch_id"] as String) {
            let members = parse(row["members"])
            guard !members.isEmpty else {
                try release(row["batch_id"], destination: destination, db)
                continue
            }
            let list = members.map { String($0.sequence) }.joined(separator: ",")
            var found: [Int64: Record] = [:]
            // Only what is still pending: a record acknowledged or dead-lettered otherwise, or deleted, is left out.
            for record in try Row.fetchAll(
                db,
                sql:
                    "SELECT \(RecordRow.columns) FROM record r WHERE r.sequence IN (\(list)) AND \(Cursor.pendingCondition)",
                arguments: ["destination": destination]
            ) {
                let decoded = try RecordRow.decode(record)
                found[decoded.sequence] = decoded
            }
            let records = members.compactMap { member -> Record? in
                guard var record = found[member.sequence] else { return nil }
                record.backfill = member.backfill
                return record
            }
            let batch = Batch(destination: destination, records: records, logID: logID, gateway: gateway)
            guard batch.batchID != row["batch_id"] as String else { return batch }
            try release(row["batch_id"], destination: destination, db)
            guard !records.isEmpty else { continue }
            try freeze(batch, db)
            return batch
        }
        return nil
    }

    private static func parse(_ text: String) -> [(sequence: Int64, backfill: Bool)] {
        text.split(separator: ",").compactMap { item in
            let backfill = item.hasSuffix("b")
            guard let sequence = Int64(backfill ? item.dropLast() : item) else { return nil }
            return (sequence, backfill)
        }
    }
}

import GRDB

/// The `cursor` table: per destination and lane, the handled sequence numbers as disjoint ranges.
///
/// A range `[first, last]` of lane L means: no record of lane L with a sequence number in it is pending
/// for the destination. Two ranges of a lane are merged as soon as no record of that lane lies between
/// them, whatever the other lane holds there and whatever was deleted, so the table stays one range per
/// lane for a destination that keeps up and grows only with the pending records between ranges.
enum Cursor {
    /// An SQL condition true when the record aliased `r` is pending for the destination bound to
    /// `:destination`: the range with the greatest `first` at or below its sequence does not reach it.
    static let pendingCondition = """
        COALESCE((SELECT c.last FROM cursor c WHERE c.destination = :destination AND c.lane = r.lane \
        AND c.first <= r.sequence ORDER BY c.first DESC LIMIT 1), 0) < r.sequence
        """

    static let rangesBetween =
        "SELECT first, last FROM cursor WHERE destination = ? AND lane = ? AND first BETWEEN ? AND ?"

    /// The runs of consecutive numbers in `sequences`.
    static func runs(_ sequences: [Int64]) -> [ClosedRange<Int64>] {
        var runs: [ClosedRange<Int64>] = []
        for sequence in sequences.sorted() {
            guard let last = runs.last, sequence <= last.upperBound + 1 else {
                runs.append(sequence...sequence)
                continue
            }
            if sequence > last.upperBound {  // not listed twice
                runs[runs.count - 1] = last.lowerBound...sequence
            }
        }
        return runs
    }

    /// Marks `sequences` of `lane` handled for `destination`.
    static func add(_ sequences: [Int64], lane: Lane, destination: String, _ db: Database) throws {
        for run in runs(sequences) {
            try add(run, lane: lane, destination: destination, db)
        }
    }

    private static func add(_ run: ClosedRange<Int64>, lane: Lane, destination: String, _ db: Database) throws {
        var low = run.lowerBound
        var high = run.upperBound
        var removed: [Int64] = []
        if let before = try range(destination, lane, db, where: "first < ?", low, order: "DESC"),
            try before.upperBound >= low - 1 || !hasRecords(lane, between: before.upperBound, and: low, db)
        {
            low = before.lowerBound
            high = max(high, before.upperBound)
            removed.append(before.lowerBound)
        }
        let inside = try Row.fetchAll(
            db.cachedStatement(sql: rangesBetween),
            arguments: [destination, lane.rawValue, low, high]
        )
        for row in inside {
            high = max(high, row["last"])
            removed.append(row["first"])
        }
        if let after = try range(destination, lane, db, where: "first > ?", high, order: "ASC"),
            !(try hasRecords(lane, between: high, and: after.lowerBound, db))
        {
            high = after.upperBound
            removed.append(after.lowerBound)
        }
        for first in removed {
            try delete(destination, lane, first: first, db)
        }
        try insert(destination, lane, low...high, db)
    }

    /// Marks `sequences` of `lane` pending again for `destination` (a dead letter retried).
    static func remove(_ sequences: [Int64], lane: Lane, destination: String, _ db: Database) throws {
        for run in runs(sequences) {
            var overlapping: [ClosedRange<Int64>] = []
            if let before = try range(destination, lane, db, where: "first < ?", run.lowerBound, order: "DESC"),
                before.upperBound >= run.lowerBound
            {
                overlapping.append(before)
            }
            overlapping += try Row.fetchAll(
                db.cachedStatement(sql: rangesBetween),
                arguments: [destination, lane.rawValue, run.lowerBound, run.upperBound]
            )
            .map { ($0["first"] as Int64)...($0["last"] as Int64) }
            for range in overlapping {
                try delete(destination, lane, first: range.lowerBound, db)
                if range.lowerBound < run.lowerBound {
                    try insert(destination, lane, range.lowerBound...(run.lowerBound - 1), db)
                }
                if range.upperBound > run.upperBound {
                    try insert(destination, lane, (run.upperBound + 1)...range.upperBound, db)
                }
            }
        }
    }

    /// Merges neighbouring ranges that no longer have a record of their lane between them (after deletes).
    static func compact(destination: String, lane: Lane, _ db: Database) throws {
        let ranges = try Row.fetchAll(
            db,
            sql: "SELECT first, last FROM cursor WHERE destination = ? AND lane = ? ORDER BY first",
            arguments: [destination, lane.rawValue]
        )
        .map { ($0["first"] as Int64)...($0["last"] as Int64) }
        var merged: [ClosedRange<Int64>] = []
        for range in ranges {
            if let last = merged.last, !(try hasRecords(lane, between: last.upperBound, and: range.lowerBound, db)) {
                merged[merged.count - 1] = last.lowerBound...range.upperBound
            } else {
                merged.append(range)
            }
        }
        guard merged.count < ranges.count else { return }
        try db.execute(
            sql: "DELETE FROM cursor WHERE destination = ? AND lane = ?",
            arguments: [destination, lane.rawValue]
        )
        for range in merged {
            try insert(destination, lane, range, db)
        }
    }

    /// Walks the sequence numbers not covered by the destination's ranges of a lane, lowest first.
    struct Gaps {
        let destination: String
        let lane: Lane
        let end: Int64
        private var position: Int64 = 1

        /// Walks from sequence `from` (1: the whole log) to `end`.
        init(destination: String, lane: Lane, end: Int64, from: Int64 = 1) {
            self.destination = destination
            self.lane = lane
            self.end = end
            self.position = max(1, from)
        }

        /// The next uncovered interval, or nil past `end`.
        mutating func next(_ db: Database) throws -> ClosedRange<Int64>? {
            while position <= end {
                if let covering = try Cursor.range(destination, lane, db, where: "first <= ?", position, order: "DESC"),
                    covering.upperBound >= position
                {
                    position = covering.upperBound + 1
                    continue
                }
                let following = try Cursor.range(destination, lane, db, where: "first > ?", position, order: "ASC")
                let gapEnd = min(end, (following?.lowerBound ?? Int64.max) - 1)
                defer { position = gapEnd + 1 }
                return position...gapEnd
            }
            return nil
        }
    }

    /// True when a record of `lane` has a sequence number strictly between `low` and `high`.
    static func hasRecords(_ lane: Lane, between low: Int64, and high: Int64, _ db: Database) throws -> Bool {
        guard high - low > 1 else { return false }
        // The literal lane lets the event lane use the partial index `record_event`.
        let sql =
            lane == .event
            ? "SELECT EXISTS (SELECT 1 FROM record WHERE lane = 'event' AND sequence > ? AND sequence < ?)"
            : "SELECT EXISTS (SELECT 1 FROM record WHERE lane = 'reading' AND sequence > ? AND sequence < ?)"
        return try Bool.fetchOne(db.cachedStatement(sql: sql), arguments: [low, high]) ?? false
    }

    private static func range(
        _ destination: String,
        _ lane: Lane,
        _ db: Database,
        where condition: String,
        _ bound: Int64,
        order: String
    ) throws -> ClosedRange<Int64>? {
        // A handful of distinct texts, each prepared once per connection.
        let row = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT first, last FROM cursor WHERE destination = ? AND lane = ? AND \(condition)
                    ORDER BY first \(order) LIMIT 1
                    """
            ),
            arguments: [destination, lane.rawValue, bound]
        )
        return row.map { ($0["first"] as Int64)...($0["last"] as Int64) }
    }

    private static func delete(_ destination: String, _ lane: Lane, first: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM cursor WHERE destination = ? AND lane = ? AND first = ?")
            .execute(arguments: [destination, lane.rawValue, first])
    }

    private static func insert(_ destination: String, _ lane: Lane, _ range: ClosedRange<Int64>, _ db: Database) throws
    {
        try db.cachedStatement(sql: "INSERT INTO cursor (destination, lane, first, last) VALUES (?, ?, ?, ?)")
            .execute(arguments: [destination, lane.rawValue, range.lowerBound, range.upperBound])
    }
}

import GRDB

extension DurableLog {
    /// Splits `batch` (frozen for `destination`) into its two halves, in batch order, each frozen under
    /// its own id in its place: for a platform that refused it as too large (HTTP `413`). The halves come
    /// back from ``nextBatch(for:maxRecords:maxBytes:liveWindow:now:excluding:holding:)`` first half first. Nil
    /// when the batch holds a single record and cannot be split (nothing changes).
    public func split(_ batch: Batch, destination: String) async throws -> (Batch, Batch)? {
        guard batch.records.count > 1 else { return nil }
        let middle = batch.records.count / 2
        let gateway = options.gateway
        let first = Batch(
            destination: destination,
            records: Array(batch.records[..<middle]),
            logID: logID,
            gateway: gateway
        )
        let second = Batch(
            destination: destination,
            records: Array(batch.records[middle...]),
            logID: logID,
            gateway: gateway
        )
        try await pool.write { db in
            try SentBatches.release(batch.batchID, destination: destination, db)
            try SentBatches.freeze(first, db)
            try SentBatches.freeze(second, db)
        }
        return (first, second)
    }
}

import GRDB
public import GatewayCore

extension DurableLog {
    /// The readings and events of one point with timestamps in `from...to`, in time order (sequence order
    /// for equal timestamps), at most `limit`. For inspectors: reads the device's rows in the time range
    /// through the `(device, timestamp)` index and keeps the point's.
    public func history(device: String, point: String, from: Timestamp, to: Timestamp, limit: Int) async throws
        -> [Record]
    {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(RecordRow.columns) FROM record
                    WHERE device = ? AND point = ? AND timestamp BETWEEN ? AND ?
                    ORDER BY timestamp, sequence LIMIT ?
                    """,
                arguments: [device, point, from.milliseconds, to.milliseconds, max(0, limit)]
            )
            .map { try RecordRow.decode($0) }
        }
    }
}

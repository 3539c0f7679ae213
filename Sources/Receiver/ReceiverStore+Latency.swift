import GRDB
public import GatewayCore

extension ReceiverStore {
    /// Read→platform latency of the records received from `from` on: for each, the time its batch
    /// arrived minus its `ts` (when the gateway read it), in milliseconds, ascending. For benchmarks
    /// on one machine (the gateway's and the receiver's clocks are the same clock).
    public func latencies(receivedFrom from: Timestamp) async throws -> [Int64] {
        try await pool.read { db in
            try Int64.fetchAll(
                db,
                sql: """
                    SELECT b.received_at - r.ts AS latency FROM records r JOIN batches b ON b.batch_id = r.batch_id
                    WHERE b.received_at >= ? ORDER BY latency
                    """,
                arguments: [from.milliseconds]
            )
        }
    }
}

import GRDB
public import GatewayCore

extension DurableLog {
    /// The last `limit` events still in the log (alarms raised and cleared, devices demoted and
    /// recovered, links down and up…), newest first. For the status page; uses the event lane's index.
    public func recentEvents(limit: Int) async throws -> [GatewayEvent] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(RecordRow.columns) FROM record WHERE lane = 'event' ORDER BY sequence DESC LIMIT ?",
                arguments: [max(0, limit)]
            )
            .compactMap { try RecordRow.decode($0).event }
        }
    }
}

import GRDB
public import GatewayCore

/// The alarm state and the run-time maintenance switches that a restart takes over, in two tables of the
/// log (migration `alarm-state-and-maintenance-switches`).
///
/// `alarm_state`: one row per point and level with something to remember (``AlarmMemory``): `active`
/// (raised, not cleared), `since` (when raised, UTC ms), `pending_since` (the running on- or off-delay's
/// start, UTC ms), `suppressed` (active when suppression began), `value` and `limit_value` (of the raise);
/// a point's fault episode is the row of level `point_fault` (`since`: when it began). The rows of a point
/// are replaced whenever its state changes, in the transaction that stores the events of that change, so
/// the log never holds an `alarm_raised` without its state or the other way round (`kill -9` included).
///
/// `maintenance_switch`: the last run-time switch of each device (`on`, `at`, `reason` naming who),
/// written from the `maintenance_on` / `maintenance_off` event in the transaction that stores it.
enum AlarmStateStore {
    static let pointFaultLevel = "point_fault"

    static func createTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE alarm_state (
                    device TEXT NOT NULL,
                    point TEXT NOT NULL,
                    level TEXT NOT NULL,
                    active INTEGER NOT NULL,
                    since INTEGER,
                    pending_since INTEGER,
                    suppressed INTEGER NOT NULL DEFAULT 0,
                    value REAL,
                    limit_value REAL,
                    PRIMARY KEY (device, point, level)
                ) WITHOUT ROWID;

                CREATE TABLE maintenance_switch (
                    device TEXT PRIMARY KEY NOT NULL,
                    "on" INTEGER NOT NULL,
                    at INTEGER NOT NULL,
                    reason TEXT NOT NULL
                ) WITHOUT ROWID;
                """
        )
    }

    /// Replaces the stored state of each memory's point (an empty memory deletes it).
    static func write(_ memories: [AlarmMemory], _ db: Database) throws {
        guard !memories.isEmpty else { return }
        let delete = try db.cachedStatement(sql: "DELETE FROM alarm_state WHERE device = ? AND point = ?")
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO alarm_state (device, point, level, active, since, pending_since, suppressed, value,
                    limit_value)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        for memory in memories {
            try delete.execute(arguments: [memory.device, memory.point])
            for level in memory.levels {
                try insert.execute(
                    arguments: [
                        memory.device, memory.point, level.level.rawValue, level.active ? 1 : 0,
                        level.since?.milliseconds, level.pendingSince?.milliseconds, level.suppressed ? 1 : 0,
                        level.value.flatMap { $0.isFinite ? $0 : nil }, level.limit,
                    ]
                )
            }
            if let since = memory.pointFaultSince {
                try insert.execute(
                    arguments: [memory.device, memory.point, pointFaultLevel, 1, since.milliseconds, nil, 0, nil, nil]
                )
            }
        }
    }

    /// Keeps the last run-time maintenance switch of a device, from its event.
    static func trackMaintenance(_ event: GatewayEvent, _ db: Database) throws {
        guard event.kind == .maintenanceOn || event.kind == .maintenanceOff, let device = event.device else { return }
        try db.execute(
            sql: """
                INSERT INTO maintenance_switch (device, "on", at, reason) VALUES (?, ?, ?, ?)
                ON CONFLICT (device) DO UPDATE SET "on" = excluded."on", at = excluded.at, reason = excluded.reason
                """,
            arguments: [device, event.kind == .maintenanceOn ? 1 : 0, event.timestamp.milliseconds, event.reason]
        )
    }

    static func memories(_ db: Database) throws -> [AlarmMemory] {
        var byPoint: [String: AlarmMemory] = [:]
        var order: [String] = []
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT device, point, level, active, since, pending_since, suppressed, value, limit_value
                FROM alarm_state ORDER BY device, point, level
                """
        )
        for row in rows {
            let device: String = row[0]
            let point: String = row[1]
            let key = device + "/" + point
            if byPoint[key] == nil {
                byPoint[key] = AlarmMemory(device: device, point: point)
                order.append(key)
            }
            let levelName: String = row[2]
            let since = (row[4] as Int64?).map(Timestamp.init(milliseconds:))
            if levelName == pointFaultLevel {
                byPoint[key]?.pointFaultSince = since
                continue
            }
            // A level this build does not know (a newer build wrote it) is skipped.
            guard let level = AlarmLevel(rawValue: levelName) else { continue }
            byPoint[key]?.levels.append(
                AlarmMemory.Level(
                    level: level,
                    active: (row[3] as Int64) != 0,
                    since: since,
                    pendingSince: (row[5] as Int64?).map(Timestamp.init(milliseconds:)),
                    suppressed: (row[6] as Int64) != 0,
                    value: row[7],
                    limit: row[8]
                )
            )
        }
        return order.compactMap { byPoint[$0] }
    }

    static func switches(_ db: Database) throws -> [MaintenanceSwitch] {
        try Row.fetchAll(db, sql: #"SELECT device, "on", at, reason FROM maintenance_switch ORDER BY device"#).map {
            MaintenanceSwitch(
                device: $0[0],
                on: ($0[1] as Int64) != 0,
                at: Timestamp(milliseconds: $0[2]),
                reason: $0[3]
            )
        }
    }
}

extension DurableLog {
    /// Appends events, then readings, and stores the alarm state they changed, in one transaction.
    public func append(events: [GatewayEvent], readings: [Reading], memories: [AlarmMemory]) async throws {
        try await append(events: events, readingGroups: [readings], memories: memories)
    }

    /// Appends events, then the readings of every group in order, and stores the alarm state they
    /// changed, in one transaction (``append(events:readings:memories:)`` with the groups joined).
    public func append(events: [GatewayEvent], readingGroups: [[Reading]], memories: [AlarmMemory]) async throws {
        guard !events.isEmpty || readingGroups.contains(where: { !$0.isEmpty }) || !memories.isEmpty else { return }
        // Through appendTransaction, as every append: this is `chemgate run`'s, and it went straight to
        // the writer, so that the WAL was never started over before it (WALWatch).
        let rows = events.count + readingGroups.reduce(0) { $0 + $1.count } + memories.count
        try await appendTransaction(rows: rows) { db in
            defer { checkCap(db) }
            _ = try Self.insert(events, db)
            _ = try Self.insert(groups: readingGroups, db)
            try AlarmStateStore.write(memories, db)
            try rollOver(db)
        }
        try await keepWALWithinLimit()
    }

    /// ``ReadingSink``: ``append(events:readings:memories:)``, one transaction.
    public func store(events: [GatewayEvent], readings: [Reading], memories: [AlarmMemory]) async throws {
        try await append(events: events, readings: readings, memories: memories)
    }

    /// ``ReadingSink``: ``append(events:readingGroups:memories:)``, one transaction.
    public func store(events: [GatewayEvent], readingGroups: [[Reading]], memories: [AlarmMemory]) async throws {
        try await append(events: events, readingGroups: readingGroups, memories: memories)
    }

    /// The alarm state the previous run left (``AlarmMemory``), for ``PointProcessor``'s restore at start.
    public func alarmMemories() async throws -> [AlarmMemory] {
        try await pool.read { db in try AlarmStateStore.memories(db) }
    }

    /// The last run-time maintenance switch of each device.
    public func maintenanceSwitches() async throws -> [MaintenanceSwitch] {
        try await pool.read { db in try AlarmStateStore.switches(db) }
    }
}

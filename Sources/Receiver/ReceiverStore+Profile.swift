internal import Foundation
internal import GRDB
public import GatewayCore
public import PlatformProfile

/// What `chemgate receive --profile` stores: every reading, event and catalogue point read back from
/// a platform's messages, once each (a message sent again adds nothing).
extension ReceiverStore {
    /// One item read back from a profile message.
    public struct ProfileItem: Codable, Sendable, Hashable {
        /// `reading`, `event` or `point`.
        public var kind: String
        public var gateway: String?
        public var device: String?
        public var point: String?
        public var indicator: String?
        /// The value as the message wrote it (text), nil when absent.
        public var value: String?
        /// The time, read back through the profile's time format (milliseconds since 1970).
        public var ts: Int64?
        /// The platform's quality code (readings) or event kind code (events).
        public var code: String?
        /// The log sequence, when the profile writes it (`record.seq`, `record_id: sequence`).
        public var seq: Int64?
        /// Every field the message wrote for the item, by name.
        public var fields: [String: String]
    }

    /// Totals for `GET /counts` in profile mode.
    public struct ProfileCounts: Codable, Sendable, Hashable {
        public var messages: Int
        public var readings: Int
        public var events: Int
        public var points: Int
        public var heartbeats: Int
        /// Catalogue messages received (each sending counts, even when its points are known).
        public var catalogues: Int
        /// Items received again (same kind, point and time).
        public var duplicates: Int
        /// Messages that could not be decoded.
        public var rejected: Int
    }

    static func registerProfileMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("profile_items") { db in
            try db.execute(
                sql: """
                    CREATE TABLE profile_items (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      kind TEXT NOT NULL,
                      gateway TEXT, device TEXT, point TEXT, indicator TEXT, value TEXT, ts INTEGER, code TEXT,
                      seq INTEGER, fields TEXT NOT NULL, received_at INTEGER NOT NULL,
                      identity TEXT NOT NULL UNIQUE
                    );
                    CREATE TABLE profile_messages (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      kind TEXT NOT NULL, items INTEGER NOT NULL, duplicates INTEGER NOT NULL,
                      received_at INTEGER NOT NULL, rejected TEXT
                    );
                    """
            )
        }
    }

    /// Stores the items of a decoded message; returns how many were new.
    @discardableResult
    public func store(profileItems items: [ProfileItem], kind: MessageKind, receivedAt: Timestamp = .now())
        async throws -> Int
    {
        try await pool.write { db in
            var stored = 0
            for item in items {
                let fields = String(decoding: try JSONEncoder().encode(item.fields), as: UTF8.self)
                // A reading once per point, time and value (a message sent again adds nothing); a catalogue
                // point once per content.
                let identity =
                    item.kind == "point"
                    ? "point|\(item.device ?? "")|\(item.point ?? "")|\(item.indicator ?? "")|\(fields)"
                    : "\(item.kind)|\(item.gateway ?? "")|\(item.device ?? "")|\(item.point ?? "")|"
                        + "\(item.indicator ?? "")|\(item.ts.map(String.init) ?? item.fields["event.id"] ?? "")|"
                        + "\(item.code ?? "")|\(item.value ?? "")"
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO profile_items (kind, gateway, device, point, indicator, value, ts, code,
                          seq, fields, received_at, identity)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        item.kind, item.gateway, item.device, item.point, item.indicator, item.value, item.ts,
                        item.code, item.seq, fields, receivedAt.milliseconds, identity,
                    ]
                )
                stored += db.changesCount
            }
            try db.execute(
                sql: "INSERT INTO profile_messages (kind, items, duplicates, received_at) VALUES (?, ?, ?, ?)",
                arguments: [kind.rawValue, items.count, items.count - stored, receivedAt.milliseconds]
            )
            return stored
        }
    }

    /// Notes a message that could not be decoded.
    public func storeProfileRejection(_ reason: String, receivedAt: Timestamp = .now()) async throws {
        try await pool.write { db in
            try db.execute(
                sql:
                    "INSERT INTO profile_messages (kind, items, duplicates, received_at, rejected) VALUES ('undecodable', 0, 0, ?, ?)",
                arguments: [receivedAt.milliseconds, reason]
            )
        }
    }

    public func profileCounts() async throws -> ProfileCounts {
        try await pool.read { db in
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            return ProfileCounts(
                messages: try count("SELECT COUNT(*) FROM profile_messages WHERE rejected IS NULL"),
                readings: try count("SELECT COUNT(*) FROM profile_items WHERE kind = 'reading'"),
                events: try count("SELECT COUNT(*) FROM profile_items WHERE kind = 'event'"),
                points: try count("SELECT COUNT(*) FROM profile_items WHERE kind = 'point'"),
                heartbeats: try count("SELECT COUNT(*) FROM profile_messages WHERE kind = 'heartbeat'"),
                catalogues: try count("SELECT COUNT(*) FROM profile_messages WHERE kind = 'catalogue'"),
                duplicates: try count("SELECT COALESCE(SUM(duplicates), 0) FROM profile_messages"),
                rejected: try count("SELECT COUNT(*) FROM profile_messages WHERE rejected IS NOT NULL")
            )
        }
    }

    /// The items stored, in arrival order, after the item number `after` (at most `limit`).
    public func profileItems(after: Int64 = 0, limit: Int = 10000) async throws -> [ProfileItem] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT kind, gateway, device, point, indicator, value, ts, code, seq, fields FROM profile_items
                    WHERE id > ? ORDER BY id LIMIT ?
                    """,
                arguments: [after, limit]
            )
            .map { row in
                let text: String = row["fields"]
                return ProfileItem(
                    kind: row["kind"],
                    gateway: row["gateway"],
                    device: row["device"],
                    point: row["point"],
                    indicator: row["indicator"],
                    value: row["value"],
                    ts: row["ts"],
                    code: row["code"],
                    seq: row["seq"],
                    fields: (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
                )
            }
        }
    }
}

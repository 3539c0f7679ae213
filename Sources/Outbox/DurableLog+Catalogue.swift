import GRDB
public import GatewayCore

extension Schema {
    /// `uplink_catalogue`: per uplink, the digest of the point catalogue its platform last accepted.
    static func registerCatalogueMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("uplink_catalogue_digest") { db in
            try db.execute(
                sql: """
                    CREATE TABLE uplink_catalogue (
                        destination TEXT PRIMARY KEY NOT NULL,
                        digest TEXT NOT NULL,
                        accepted INTEGER NOT NULL
                    );
                    """
            )
        }
    }
}

/// The point catalogue a platform-profile uplink last had accepted, so that a restart with the same
/// configuration does not send it again (docs/uplink-profiles.md).
extension DurableLog {
    /// The digest of the catalogue `destination`'s platform last accepted; nil when none was.
    public func catalogueDigest(for destination: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(
                db,
                sql: "SELECT digest FROM uplink_catalogue WHERE destination = ?",
                arguments: [destination]
            )
        }
    }

    /// Records that `destination`'s platform accepted the catalogue whose digest is `digest`.
    public func recordCatalogue(digest: String, for destination: String, at time: Timestamp = .now()) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO uplink_catalogue (destination, digest, accepted) VALUES (?, ?, ?)
                    ON CONFLICT(destination) DO UPDATE SET digest = excluded.digest, accepted = excluded.accepted
                    """,
                arguments: [destination, digest, time.milliseconds]
            )
        }
    }
}

import Foundation
import GRDB
import SyncProtocol

/// The reference server's own SQLite database: registered appliances, received records, permanent
/// rejections, per-appliance stream positions, the inbox and its acknowledgements.
public final class UpstreamStore: Sendable {
    /// Where the database is.
    public let path: String
    let queue: DatabaseQueue

    /// Opens (or creates) the database at `path`: WAL, `synchronous=FULL` (an answer is sent only after
    /// the records are durable), schema migrated.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "renfang.upstream"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            try Self.migrator.migrate(queue)
        } catch {
            throw UpstreamError("upstream.open", "cannot open \(path): \(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE appliances (
                    id TEXT NOT NULL, key_id TEXT NOT NULL, public_key BLOB NOT NULL, added_at TEXT NOT NULL,
                    PRIMARY KEY (id, key_id)) WITHOUT ROWID;
                CREATE TABLE records (
                    id TEXT PRIMARY KEY, appliance_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
                    operation INTEGER NOT NULL, source INTEGER NOT NULL, occurred_at TEXT NOT NULL,
                    payload TEXT NOT NULL, payload_digest TEXT NOT NULL, batch_id TEXT NOT NULL, received_at TEXT NOT NULL,
                    UNIQUE (appliance_id, seq));
                CREATE TABLE rejections (
                    appliance_id TEXT NOT NULL, seq INTEGER NOT NULL, record_id TEXT NOT NULL, code TEXT NOT NULL,
                    message TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (appliance_id, seq)) WITHOUT ROWID;
                CREATE TABLE streams (
                    appliance_id TEXT PRIMARY KEY, contiguous INTEGER NOT NULL, highest INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE batches (
                    batch_id TEXT NOT NULL, appliance_id TEXT NOT NULL, received_at TEXT NOT NULL,
                    accepted INTEGER NOT NULL, duplicates INTEGER NOT NULL, rejected INTEGER NOT NULL);
                CREATE TABLE inbox (
                    cursor INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, appliance_id TEXT,
                    kind TEXT NOT NULL, created_at TEXT NOT NULL, body TEXT NOT NULL);
                CREATE TABLE inbox_acks (appliance_id TEXT PRIMARY KEY, acknowledged INTEGER NOT NULL) WITHOUT ROWID;
                """)
        }
        return migrator
    }
}

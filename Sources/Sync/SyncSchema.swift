import Foundation
import GRDB

/// The sync module's tables in the register's database, created by a forward-only migrator of its own.
///
/// The migrations are recorded in `sync_migrations` (not GRDB's `grdb_migrations`, which belongs to the
/// register: the register refuses to open a database with migrations it does not know). A database
/// migrated by a newer renfang (an identifier this version does not know) is refused with
/// ``SyncError/Code/schemaTooNew``.
public enum SyncSchema {
    /// The migrations in order; identifiers are never renamed, only appended.
    static let migrations: [(identifier: String, sql: String)] = [
        ("sync.v1.outbox", outboxV1),
        ("sync.v1.inbox", inboxV1),
        ("sync.v2.prune", pruneV2),
        ("sync.v3.routing", routingV3),
    ]

    /// Applies the migrations that are missing, each in its own transaction.
    public static func migrate(_ writer: any DatabaseWriter) throws {
        try writer.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS sync_migrations (identifier TEXT NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL)")
            let applied = try String.fetchSet(db, sql: "SELECT identifier FROM sync_migrations")
            let known = Set(migrations.map(\.identifier))
            if let unknown = applied.first(where: { !known.contains($0) }) {
                throw SyncError(.schemaTooNew, "同步队列由更新版本的 renfang 创建（迁移 \(unknown)），本版本无法使用")
            }
        }
        for migration in migrations {
            try writer.write { db in
                guard try !Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM sync_migrations WHERE identifier = ?)",
                                         arguments: [migration.identifier])! else { return }
                try db.execute(sql: migration.sql)
                try db.execute(sql: "INSERT INTO sync_migrations (identifier, applied_at) VALUES (?, ?)",
                               arguments: [migration.identifier, ISO8601DateFormatter().string(from: Date())])
            }
        }
    }

    /// The identifiers applied to `db`, in no order.
    public static func appliedIdentifiers(_ reader: any DatabaseReader) throws -> Set<String> {
        try reader.read { db in
            guard try db.tableExists("sync_migrations") else { return [] }
            return try String.fetchSet(db, sql: "SELECT identifier FROM sync_migrations")
        }
    }

    /// v1: one `sync_change` per changed record (the envelope id and the row snapshot, kept once), one
    /// `sync_outbox` row per (change, destination) with the destination's sequence number, and one
    /// `sync_destination` row per destination (next sequence number, last success / error,
    /// reconciliation); `sync_alarm` for operator alarms.
    static let outboxV1 = """
        CREATE TABLE sync_change (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            record_uuid TEXT NOT NULL,
            operation INTEGER NOT NULL CHECK (operation IN (1, 2, 3)),
            action TEXT NOT NULL,
            occurred_at INTEGER NOT NULL,
            snapshot BLOB NOT NULL
        );
        CREATE TABLE sync_outbox (
            destination TEXT NOT NULL,
            seq INTEGER NOT NULL CHECK (seq > 0),
            change_id INTEGER NOT NULL REFERENCES sync_change(id),
            priority INTEGER NOT NULL DEFAULT 0,
            state INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2)),
            enqueued_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            delivered_at INTEGER,
            receipt TEXT,
            payload_digest TEXT,
            error_code TEXT,
            error_message TEXT,
            PRIMARY KEY (destination, seq)
        ) WITHOUT ROWID;
        CREATE INDEX sync_outbox_pending ON sync_outbox(destination, priority DESC, seq) WHERE state = 0;
        CREATE INDEX sync_outbox_quarantine ON sync_outbox(destination, seq) WHERE state = 2;
        CREATE INDEX sync_outbox_change ON sync_outbox(change_id);
        CREATE TABLE sync_destination (
            name TEXT NOT NULL PRIMARY KEY,
            next_seq INTEGER NOT NULL DEFAULT 1,
            last_attempt_at INTEGER,
            last_success_at INTEGER,
            last_error_at INTEGER,
            last_error TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            reconciled_at INTEGER,
            reconciliation TEXT,
            inbox_cursor TEXT
        );
        CREATE TABLE sync_alarm (
            id INTEGER PRIMARY KEY,
            raised_at INTEGER NOT NULL,
            destination TEXT,
            code TEXT NOT NULL,
            message TEXT NOT NULL,
            cleared_at INTEGER
        );
        CREATE INDEX sync_alarm_open ON sync_alarm(code, destination) WHERE cleared_at IS NULL;
        """

    /// v2: `sync_destination.pruned_through`, the highest sequence number whose outbox row was pruned
    /// (``Outbox/prune(acknowledgedBefore:batchSize:)``): pruning removes a prefix of each destination's
    /// sequence, and reconciliation starts after it.
    /// v3: the routing the daemon runs with (destinations, their kinds, the priority kinds), written by
    /// ``SyncSystem/open(registerPath:keyFile:configuration:options:)`` so that every other writer of the
    /// register (the `renfang` tool: imports, init) queues its records the same way (``StoredRoutingSink``).
    static let routingV3 = """
        CREATE TABLE sync_routing (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            routing TEXT NOT NULL,
            updated_at INTEGER NOT NULL
        );
        """

    static let pruneV2 = """
        ALTER TABLE sync_destination ADD COLUMN pruned_through INTEGER NOT NULL DEFAULT 0;
        """

    /// v1: inbox messages pulled from the destinations, stored before they are acknowledged.
    static let inboxV1 = """
        CREATE TABLE sync_inbox (
            id INTEGER PRIMARY KEY,
            destination TEXT NOT NULL,
            message_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            cursor TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            body BLOB NOT NULL,
            handled_at INTEGER,
            UNIQUE (destination, message_id)
        );
        CREATE INDEX sync_inbox_unhandled ON sync_inbox(kind, id) WHERE handled_at IS NULL;
        """
}

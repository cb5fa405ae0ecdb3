import Foundation
import GRDB

/// The accounts module's tables in the register's database, created by a forward-only migrator of its own.
///
/// The migrations are recorded in `accounts_migrations` (not GRDB's `grdb_migrations`, which belongs to
/// the register and refuses identifiers it does not know). A database migrated by a newer renfang is
/// refused with ``AccountError/Code/schemaTooNew``.
///
/// - `account_user`: one row per operator: login name, display name, role and scope, scrypt hash (with its
///   parameters), flags, times (milliseconds since 1970, UTC).
/// - `account_session`: one row per live session, keyed by the SHA-256 of its token (the token itself is
///   never stored), so a restart of the daemon keeps sessions.
public enum AccountSchema {
    /// The migrations in order; identifiers are never renamed, only appended.
    static let migrations: [(identifier: String, sql: String)] = [
        ("accounts.v1.users", usersV1),
        ("accounts.v1.sessions", sessionsV1),
    ]

    /// Applies the migrations that are missing, each in its own transaction.
    public static func migrate(_ writer: any DatabaseWriter) throws {
        try writer.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS accounts_migrations (identifier TEXT NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL)")
            let applied = try String.fetchSet(db, sql: "SELECT identifier FROM accounts_migrations")
            let known = Set(migrations.map(\.identifier))
            if let unknown = applied.first(where: { !known.contains($0) }) {
                throw AccountError(.schemaTooNew, "账户表由更新版本的 renfang 创建（迁移 \(unknown)），本版本无法使用")
            }
        }
        for migration in migrations {
            try writer.write { db in
                guard try !Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM accounts_migrations WHERE identifier = ?)",
                                         arguments: [migration.identifier])! else { return }
                try db.execute(sql: migration.sql)
                try db.execute(sql: "INSERT INTO accounts_migrations (identifier, applied_at) VALUES (?, ?)",
                               arguments: [migration.identifier, ISO8601DateFormatter().string(from: Date())])
            }
        }
    }

    /// The identifiers applied, in no order.
    public static func appliedIdentifiers(_ reader: any DatabaseReader) throws -> Set<String> {
        try reader.read { db in
            guard try db.tableExists("accounts_migrations") else { return [] }
            return try String.fetchSet(db, sql: "SELECT identifier FROM accounts_migrations")
        }
    }

    static let usersV1 = """
        CREATE TABLE account_user (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE CHECK (length(uuid) = 36 AND uuid = lower(uuid)),
            name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 2 AND 32 AND name = lower(name)),
            display_name TEXT NOT NULL CHECK (length(display_name) >= 1),
            role TEXT NOT NULL CHECK (role IN ('admin', 'securityOfficer', 'auditor', 'police', 'desk')),
            station_uuid TEXT CHECK ((role = 'police') = (station_uuid IS NOT NULL)),
            xiaoqu_uuids TEXT CHECK ((role = 'desk') = (xiaoqu_uuids IS NOT NULL AND length(xiaoqu_uuids) >= 36)),
            password_hash TEXT NOT NULL CHECK (password_hash LIKE '$scrypt$%'),
            must_change INTEGER NOT NULL DEFAULT 0 CHECK (must_change IN (0, 1)),
            locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            password_changed_at INTEGER NOT NULL,
            locked_at INTEGER,
            last_login_at INTEGER
        );
        """

    static let sessionsV1 = """
        CREATE TABLE account_session (
            token_hash TEXT NOT NULL PRIMARY KEY CHECK (length(token_hash) = 64),
            user_id INTEGER NOT NULL REFERENCES account_user(id) ON DELETE CASCADE,
            created_at INTEGER NOT NULL,
            last_seen_at INTEGER NOT NULL,
            idle_ms INTEGER NOT NULL CHECK (idle_ms > 0),
            expires_at INTEGER NOT NULL,
            address TEXT
        ) WITHOUT ROWID;
        CREATE INDEX account_session_user ON account_session(user_id);
        CREATE INDEX account_session_expiry ON account_session(expires_at);
        """
}

import GRDB

/// The register's hash-chained audit log (table `audit_log`): every write and every export is an
/// entry, written in the same transaction as the change it records.
public struct AuditLog: Sendable {
    let writer: any DatabaseWriter

    /// Appends an entry inside the current write transaction and returns it.
    static func append(
        _ db: Database, at: String, actor: Actor, action: String, targetKind: String, targetUuid: String?,
        before: String?, after: String?, detail: String?
    ) throws -> AuditEntry {
        try append(db, at: at, actorId: actor.userId, actorRole: actor.role.name, action: action,
                   targetKind: targetKind, targetUuid: targetUuid, before: before, after: after, detail: detail)
    }

    /// Appends an entry for an actor given as text (the accounts module's anonymous logins): the one place
    /// that chains and inserts audit entries.
    static func append(
        _ db: Database, at: String, actorId: String, actorRole: String, action: String, targetKind: String,
        targetUuid: String?, before: String?, after: String?, detail: String?
    ) throws -> AuditEntry {
        let last = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"))
        var entry = AuditEntry(
            seq: (last?["seq"] as Int64? ?? 0) + 1, at: at, actor: actorId, actorRole: actorRole,
            action: action, targetKind: targetKind, targetUuid: targetUuid, beforeDigest: before,
            afterDigest: after, detail: detail, prevHash: last?["hash"] ?? AuditChain.genesis, hash: "")
        entry.hash = AuditChain.hash(of: entry)
        try db.cachedStatement(
            sql: """
                INSERT INTO audit_log (seq, at, actor, actor_role, action, target_kind, target_uuid,
                                       before_digest, after_digest, detail, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(
            arguments: [entry.seq, entry.at, entry.actor, entry.actorRole, entry.action, entry.targetKind,
                        entry.targetUuid, entry.beforeDigest, entry.afterDigest, entry.detail, entry.prevHash,
                        entry.hash])
        return entry
    }

    static func entry(_ row: Row) -> AuditEntry {
        AuditEntry(
            seq: row["seq"], at: row["at"], actor: row["actor"], actorRole: row["actor_role"],
            action: row["action"], targetKind: row["target_kind"], targetUuid: row["target_uuid"],
            beforeDigest: row["before_digest"], afterDigest: row["after_digest"], detail: row["detail"],
            prevHash: row["prev_hash"], hash: row["hash"])
    }

    /// Walks the whole chain in order and reports the first broken entry: a gap in `seq`, a
    /// `prev_hash` that is not the previous entry's hash, or a `hash` that does not match the entry's
    /// content. Needs no role: the CLI runs it as root on the box (``renfang audit verify``).
    public func verify() throws -> AuditVerification {
        try writer.read { db in
            var expectedSeq: Int64 = 1
            var previousHash = AuditChain.genesis
            var count = 0
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM audit_log ORDER BY seq")
            while let row = try cursor.next() {
                let entry = AuditLog.entry(row)
                if entry.seq != expectedSeq {
                    return AuditVerification(count: count, firstBroken: AuditBreak(
                        seq: expectedSeq, reason: .missingEntry,
                        message: "审计日志第 \(expectedSeq) 条缺失（下一条为第 \(entry.seq) 条）"))
                }
                if entry.prevHash != previousHash {
                    return AuditVerification(count: count, firstBroken: AuditBreak(
                        seq: entry.seq, reason: .chainBroken,
                        message: "审计日志第 \(entry.seq) 条的前序哈希与第 \(entry.seq - 1) 条不符"))
                }
                if AuditChain.hash(of: entry) != entry.hash {
                    return AuditVerification(count: count, firstBroken: AuditBreak(
                        seq: entry.seq, reason: .contentChanged,
                        message: "审计日志第 \(entry.seq) 条的内容已被改动（哈希不符）"))
                }
                previousHash = entry.hash
                expectedSeq += 1
                count += 1
            }
            return AuditVerification(count: count, firstBroken: nil, lastHash: count > 0 ? previousHash : nil)
        }
    }

    /// Entries after `seq`, oldest first, at most `limit` (auditors only).
    public func entries(after seq: Int64 = 0, limit: Int = 500, by actor: Actor) throws -> [AuditEntry] {
        try actor.require(.readAudit)
        return try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
                             arguments: [seq, limit]).map(AuditLog.entry)
        }
    }

    /// The last entry (the chain head to checkpoint upstream), or `nil` for an empty log.
    public func head() throws -> AuditEntry? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1").map(AuditLog.entry)
        }
    }
}

/// The result of ``AuditLog/verify()``.
public struct AuditVerification: Sendable, Hashable {
    /// Entries checked and found intact (all of them when ``firstBroken`` is `nil`).
    public var count: Int
    /// The first broken entry, if any.
    public var firstBroken: AuditBreak?
    /// The hash of the last entry when the chain is intact.
    public var lastHash: String?

    init(count: Int, firstBroken: AuditBreak?, lastHash: String? = nil) {
        self.count = count
        self.firstBroken = firstBroken
        self.lastHash = lastHash
    }

    /// Whether the whole chain verified.
    public var isIntact: Bool { firstBroken == nil }
}

/// Where and why the chain broke.
public struct AuditBreak: Sendable, Hashable {
    /// The first entry that fails (for a missing entry, the missing `seq`).
    public var seq: Int64
    /// Why.
    public var reason: Reason
    /// Operator text (Chinese).
    public var message: String

    /// Why an entry fails.
    public enum Reason: String, Sendable, Hashable {
        /// Its content does not match its hash (the row was changed).
        case contentChanged = "audit.contentChanged"
        /// Its `prev_hash` is not the previous entry's hash (an entry was replaced or reordered).
        case chainBroken = "audit.chainBroken"
        /// A `seq` is missing (an entry was deleted).
        case missingEntry = "audit.missingEntry"
    }
}

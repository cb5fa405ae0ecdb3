extension Schema {
    /// v1: the hash-chained audit log. Append-only: triggers refuse UPDATE and DELETE (someone with the
    /// file can drop them, which is what ``AuditLog/verify()`` detects).
    static let auditV1 = """
        CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY CHECK (seq >= 1),
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            actor_role TEXT NOT NULL,
            action TEXT NOT NULL,
            target_kind TEXT NOT NULL,
            target_uuid TEXT,
            before_digest TEXT CHECK (before_digest IS NULL OR length(before_digest) = 64),
            after_digest TEXT CHECK (after_digest IS NULL OR length(after_digest) = 64),
            detail TEXT,
            prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
            hash TEXT NOT NULL UNIQUE CHECK (length(hash) = 64)
        );
        CREATE INDEX audit_log_target ON audit_log(target_uuid) WHERE target_uuid IS NOT NULL;

        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit.appendOnly'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit.appendOnly'); END;
        """
}

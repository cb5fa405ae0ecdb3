import Foundation
import GRDB

extension RegisterStore {
    /// The audit entry point of the accounts module (logins, logouts, user management): appends one entry
    /// to the register's hash-chained audit log inside the caller's write transaction on ``database``, so
    /// the entry and the account change it records commit or roll back together.
    ///
    /// The actor is given as text because a failed login may name no known user (`actor` `-`, role
    /// `anonymous`). `action` must start with `auth.` or `account.`; the target kind is `account`. `detail`
    /// must hold nothing personal: role names, reasons, client addresses — never a password, a hash, a
    /// display name or a login name that is not a known user.
    @discardableResult
    public func appendAccountAudit(
        _ db: Database, at date: Date, actor: String, actorRole: String, action: String,
        targetUuid: UUID? = nil, detail: String? = nil
    ) throws -> AuditEntry {
        guard action.hasPrefix("auth.") || action.hasPrefix("account.") else {
            throw RegistryError(.validationFailed, "审计动作必须以 auth. 或 account. 开头")
        }
        return try AuditLog.append(db, at: Timestamp.text(date), actorId: actor, actorRole: actorRole, action: action,
                                   targetKind: "account", targetUuid: targetUuid?.uuidString.lowercased(),
                                   before: nil, after: nil, detail: detail)
    }

    /// The audit entry point of the sync queue's operator actions (`queue.redrive`): one entry in the
    /// caller's write transaction on ``database``, target kind `queue`, so the action and its record commit
    /// or roll back together. `detail` names the destination and counts, nothing personal.
    @discardableResult
    public func appendQueueAudit(_ db: Database, at date: Date, actor: Actor, action: String, detail: String) throws -> AuditEntry {
        guard action.hasPrefix("queue.") else {
            throw RegistryError(.validationFailed, "审计动作必须以 queue. 开头")
        }
        return try AuditLog.append(db, at: Timestamp.text(date), actor: actor, action: action, targetKind: "queue",
                                   targetUuid: nil, before: nil, after: nil, detail: detail)
    }
}

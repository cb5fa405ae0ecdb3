import Foundation
import GRDB

extension RegisterStore {
    /// Records an export in the audit log, in a transaction of its own: what kind, how many rows, and a
    /// digest of the parameters (filters may hold names or ID numbers, so only their digest is kept).
    /// Export code calls it once the file is written.
    @discardableResult
    public func recordExport(kind: String, rowCount: Int, parameters: String, by actor: Actor) async throws -> AuditEntry {
        try actor.require(.export)
        var check = checker()
        let kind = check.required(kind, .exportKind, max: 50)
        try check.finish()
        return try await perform(actor, action: "export") { db, journal, _ in
            let detail = CanonicalJSON.object([
                ("kind", CanonicalJSON.json(kind)), ("rows", String(rowCount)),
                ("parametersDigest", CanonicalJSON.json(CanonicalJSON.sha256Hex(parameters))),
            ])
            return try Self.appendExport(db, at: journal.at, actor: actor, kind: kind!, detail: detail)
        }
    }

    /// The audit entry of an export, inside a transaction the caller already holds.
    static func appendExport(_ db: Database, at: String, actor: Actor, kind: String, detail: String) throws -> AuditEntry {
        try AuditLog.append(db, at: at, actor: actor, action: "export", targetKind: "export:" + kind, targetUuid: nil,
                            before: nil, after: nil, detail: detail)
    }
}

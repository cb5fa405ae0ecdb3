import Foundation
import GRDB

/// The bookkeeping of one operation inside its write transaction: one audit entry per changed record
/// (with row digests before and after), and the list of changes handed to the ``RecordChangeSink``
/// at the end (``finish(_:)``).
struct Journal {
    let actor: Actor
    let action: String
    let at: String
    let sink: any RecordChangeSink
    private(set) var changes: [RecordChange] = []

    init(actor: Actor, action: String, at: String, sink: any RecordChangeSink) {
        self.actor = actor
        self.action = action
        self.at = at
        self.sink = sink
    }

    /// The digest of a row before it is changed.
    func before(_ db: Database, _ kind: RecordKind, id: Int64) throws -> String? {
        try RowDigest.of(db, kind, id: id)
    }

    /// Records that row `id` of `kind` was created / updated / cancelled: audit entry now, change later.
    mutating func record(
        _ db: Database, _ kind: RecordKind, id: Int64, operation: RecordOperation, before: String?,
        detail: String? = nil, addressee: String? = nil
    ) throws {
        guard let uuidText = try String.fetchOne(db.cachedStatement(sql: "SELECT uuid FROM \(kind.table) WHERE id = ?"), arguments: [id]),
              let uuid = UUID.parseStored(uuidText)
        else { throw RegistryError(.notFound, "记录不存在（\(kind.rawValue) \(id)）") }
        let after = try RowDigest.of(db, kind, id: id)
        _ = try AuditLog.append(db, at: at, actor: actor, action: action, targetKind: kind.rawValue,
                                targetUuid: uuidText, before: before, after: after, detail: detail)
        changes.append(RecordChange(kind: kind, uuid: uuid, rowId: id, operation: operation, action: action, addressee: addressee))
    }

    /// An audit entry for a row that is no record sent upstream (a case received, a notice read): the
    /// target is named by kind and UUID, no change is handed to the sink.
    func audit(_ db: Database, targetKind: String, targetUuid: String?, detail: String? = nil) throws {
        _ = try AuditLog.append(db, at: at, actor: actor, action: action, targetKind: targetKind,
                                targetUuid: targetUuid, before: nil, after: nil, detail: detail)
    }

    /// Pairs the cases waiting for the people the operation created or changed
    /// (``RegisterStore/pairWaitingCases(after:actor:at:in:)``), then hands the changes to the sink (same
    /// transaction).
    func finish(_ db: Database) throws {
        try RegisterStore.pairWaitingCases(after: changes, actor: actor, at: at, in: db)
        if !changes.isEmpty { try sink.recordsChanged(changes, in: db) }
    }
}

import Foundation
import GRDB

/// The bookkeeping of one import row (one operation).
///
/// - Records the row **creates** are inserted here and listed in ``created``: they are covered by the
///   batch's `import` audit entry (its `createdDigest` is the SHA-256 of their sorted `kind:uuid` lines,
///   and they all carry the batch's time as `created_at`), not by an entry each — an import of 100,000 rows would
///   otherwise write 200,000 entries and their digests.
/// - Records the row **changes** (an existing house, person, stay or declaration) get an audit entry
///   each, with digests of the row before and after, through the wrapped ``Journal``, as every
///   operation of the register does.
/// - The change sink is called once per row with both (``changes``).
struct ImportJournal {
    var journal: Journal
    private(set) var created: [RecordChange] = []

    init(_ journal: Journal) {
        self.journal = journal
    }

    var at: String { journal.at }
    var actor: Actor { journal.actor }

    /// Every record the row created or changed, for the change sink.
    var changes: [RecordChange] { created + journal.changes }

    /// Inserts a new record (fresh UUID, `created_at` = `updated_at` = the batch's time) with a cached
    /// statement; returns its row id and UUID.
    @discardableResult
    mutating func create(_ db: Database, _ kind: RecordKind, _ columns: Columns) throws -> (id: Int64, uuid: UUID) {
        try create(db, kind, values: columns.map { ($0.0, $0.1?.databaseValue ?? .null) })
    }

    /// ``create(_:_:_:)`` with values already converted.
    @discardableResult
    mutating func create(_ db: Database, _ kind: RecordKind, values: [(String, DatabaseValue)]) throws -> (id: Int64, uuid: UUID) {
        let uuid = UUID()
        let all = [("uuid", uuid.dbText.databaseValue), ("created_at", at.databaseValue), ("updated_at", at.databaseValue)] + values
        let names = all.map(\.0).joined(separator: ", ")
        try db.cachedStatement(sql: "INSERT INTO \(kind.table) (\(names)) VALUES (\(databaseQuestionMarks(count: all.count)))")
            .execute(arguments: StatementArguments(all.map(\.1)))
        let id = db.lastInsertedRowID
        created.append(RecordChange(kind: kind, uuid: uuid, rowId: id, operation: .create, action: journal.action))
        return (id, uuid)
    }

    /// The digest of a row before it is changed.
    func before(_ db: Database, _ kind: RecordKind, id: Int64) throws -> String? {
        try journal.before(db, kind, id: id)
    }

    /// Records a change of an existing record: an audit entry now, the change for the sink.
    mutating func record(_ db: Database, _ kind: RecordKind, id: Int64, operation: RecordOperation, before: String?) throws {
        try journal.record(db, kind, id: id, operation: operation, before: before)
    }
}

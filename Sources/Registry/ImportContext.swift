import Foundation
import GRDB

/// Everything one import batch needs inside its write transaction: the register, who imports and
/// their scope, the options and the place cache. Each row is one operation with its own
/// ``ImportJournal`` (records created, audit entries of records changed, one call of the change sink).
struct ImportContext {
    let store: RegisterStore
    let actor: Actor
    let scope: Scope
    let options: ImportOptions
    let kind: SheetKind
    let at: String
    /// Today, taken once per batch (the register's checks compare dates with it).
    let today: RegisterDate
    var cache: PlaceCache
    /// `kind:uuid` of every record created by the rows written so far in the batch.
    var created: [String] = []

    /// Runs one row in a savepoint. On a refusal (or a constraint error) everything the row wrote is
    /// rolled back, its audit entries and changes too, and the refusal is returned. `refuseAnyway` (the
    /// cells had problems) refuses the row after it was validated against the register, so the report
    /// lists every problem of the row at once.
    mutating func row(
        _ db: Database, refuseAnyway: Bool,
        _ body: (inout ImportContext, inout ImportJournal) throws -> RowResult
    ) throws -> Result<RowResult, RowRefusal> {
        // Savepoints by cached statements: one row is too small to compile three statements for.
        try db.cachedStatement(sql: "SAVEPOINT import_row").execute()
        var outcome: Result<RowResult, RowRefusal>
        do {
            var journal = ImportJournal(Journal(actor: actor, action: kind.importAction, at: at, sink: NoRecordChangeSink()))
            let result = try body(&self, &journal)
            if refuseAnyway { throw RowRefusal(status: .invalid, items: []) }
            // The row's people pair the cases waiting for them, as every operation's do (Journal.finish).
            try RegisterStore.pairWaitingCases(after: journal.changes, actor: actor, at: at, in: db)
            // A dry run tells the change sink nothing: its transaction is never committed.
            if !options.dryRun, !journal.changes.isEmpty {
                try store.options.changeSink.recordsChanged(journal.changes, in: db)
            }
            try db.cachedStatement(sql: "RELEASE SAVEPOINT import_row").execute()
            created += journal.created.map { "\($0.kind.rawValue):\($0.uuid.dbText)" }
            cache.commitRow()
            return .success(result)
        } catch let refusal as RowRefusal {
            outcome = .failure(refusal)
        } catch let error as RegistryError {
            outcome = .failure(RowRefusal.from(error, kind: kind))
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            outcome = .failure(.invalid(nil, RegistryError.Code.constraintViolated.rawValue,
                                        "数据库约束拒绝了写入：\(error.message ?? "")"))
        }
        try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT import_row").execute()
        try db.cachedStatement(sql: "RELEASE SAVEPOINT import_row").execute()
        cache.rollbackRow()
        return outcome
    }

    /// A validation checker of the register.
    func checker(path: String? = nil) -> Checker { Checker(codes: store.options.codes, today: today, path: path) }
}

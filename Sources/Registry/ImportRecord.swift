import Foundation
import GRDB
import IDCard

/// One row of one kind, read from its cells (outside any transaction) and written inside the row's
/// savepoint.
protocol ImportRecord: Sendable {
    /// Reads a row; cell problems (a bad date, an unknown document type) are left in `cells`.
    init(_ cells: inout RowCells)

    /// The identity of the record within the file (`nil` when a key cell is missing): a second row with
    /// the same key is a duplicate and is not imported.
    var fileKey: String? { get }

    /// What the key is, for the duplicate message (`同一房屋`, `同一人员、房屋和到达日期`).
    static var keyDescription: String { get }

    /// Work that needs no database, done while the previous batch is written (validation of the person,
    /// encryption, keyed hashes). Optional.
    mutating func prepare(_ store: RegisterStore, today: RegisterDate)

    /// Validates and writes the row (creates, updates, or finds it unchanged).
    func write(_ db: Database, _ context: inout ImportContext, journal: inout ImportJournal) throws -> RowResult
}

extension ImportRecord {
    mutating func prepare(_ store: RegisterStore, today: RegisterDate) {}
}

/// A person validated and sealed ahead of the write (``ImportRecord/prepare(_:)``).
struct PreparedPerson: Sendable {
    /// The validated person (`nil` when a required field is missing).
    var input: PersonInput?
    /// The field errors of the person.
    var errors: [FieldError]
    /// The keyed hash of the ID number.
    var hash: Data?
    /// The columns of a new person record (sealed ID number and phone, hashes, masked number).
    var columns: [(String, DatabaseValue)]?

    init(_ draft: PersonDraft, store: RegisterStore, today: RegisterDate) {
        var check = Checker(codes: store.options.codes, today: today)
        input = store.personInput(draft: draft, check: &check, requireIdNumber: true)
        errors = check.errors
        hash = input?.idNumber.map { store.cipher.hash(idNumber: $0) }
        if let input, errors.isEmpty {
            columns = (try? store.personColumns(input))?.map { ($0.0, $0.1?.databaseValue ?? .null) }
        }
    }
}

/// A row written: its status and the warnings to report (ID-number warnings, never a refusal).
struct RowResult: Sendable {
    var status: ImportRowStatus
    var warnings: [RowRefusal.Item] = []

    /// The ID-number warnings of a person, on a column.
    static func idWarnings(_ warnings: [CardWarning], column: ColumnKey) -> [RowRefusal.Item] {
        warnings.filter(\.isIdNumberWarning).map { RowRefusal.Item(column: column, code: $0.rawValue, message: $0.message) }
    }

    /// The combined status of the records a row touched.
    static func status(created: Bool, updated: Bool) -> ImportRowStatus {
        created ? .created : updated ? .updated : .unchanged
    }
}

/// A row read from the file, ready for its batch.
struct ParsedRow<Record: ImportRecord>: Sendable {
    var number: Int
    var record: Record
    /// Problems of the cells themselves; the row is validated against the register anyway (to report
    /// everything at once) and then refused.
    var problems: [ImportProblem]
    /// The earlier row with the same key.
    var duplicateOf: Int?
}

extension Columns {
    /// The columns whose value differs from `row` (compared as database values).
    func changed(from row: Row) -> Columns {
        filter { name, value in
            (value?.databaseValue ?? .null) != (row[name] as DatabaseValue? ?? .null)
        }
    }
}

/// What happened to one row of an import.
public enum ImportRowStatus: String, Sendable, Hashable, Codable {
    /// A new record was written (a new house, a new stay, a new declaration; people may be new or found).
    case created
    /// An existing record was changed.
    case updated
    /// The row matches the register exactly: nothing written.
    case unchanged
    /// The row was refused (see its problems).
    case invalid
    /// The row was not written because of a finding (一证多住, likely duplicate person) that needs
    /// confirmation (`confirmFindings`).
    case needsConfirmation
}

/// One problem of one row: its row number in the file, the column (header text as in the file, `nil`
/// when the problem is not about one column), a stable code and a Chinese message.
public struct ImportProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1-based row number in the file (as Excel shows it; the CSV line the record starts on).
    public var row: Int
    /// The column's header text, if the problem is about one column.
    public var column: String?
    /// Stable code: a ``FieldError`` code (`field.badCode`, `date.order` …), a finding code
    /// (`stay.multipleActive`, `person.likelyDuplicate`), `import.duplicateRow`, `record.notFound`,
    /// `permission.denied`, or an ID-number warning code (for ``ImportReport/warnings``).
    public var code: String
    /// Operator text (Chinese).
    public var message: String

    /// A problem.
    public init(row: Int, column: String?, code: String, message: String) {
        self.row = row
        self.column = column
        self.code = code
        self.message = message
    }

    /// `第 12 行 "民族"：…`.
    public var description: String {
        "第 \(row) 行" + (column.map { " \"\($0)\"" } ?? "") + "：\(message)"
    }
}

/// The outcome of importing one file: counts per row status, every refused row with its reasons, and
/// the warnings of rows that were imported.
public struct ImportReport: Sendable, Hashable, Codable {
    /// The kind imported.
    public var kind: SheetKind
    /// Nothing was written (validation only).
    public var dryRun: Bool
    /// Data rows in the file (blank rows not counted).
    public var rows: Int
    /// Rows by status.
    public var created = 0, updated = 0, unchanged = 0, invalid = 0, needsConfirmation = 0
    /// Transactions committed (or, for a dry run, that would have been).
    public var batches = 0
    /// Places created for rows (`createPlaces`): 社区, 小区, 楼栋, 单元, and houses for residents.
    public var placesCreated = 0
    /// Why rows were refused, in row order (a row may have several).
    public var problems: [ImportProblem] = []
    /// Warnings of imported rows (ID-number check character, unknown region …): never a refusal.
    public var warnings: [ImportProblem] = []
    /// Header texts that matched no column (ignored).
    public var ignoredColumns: [String] = []

    /// An empty report.
    public init(kind: SheetKind, dryRun: Bool, rows: Int) {
        self.kind = kind
        self.dryRun = dryRun
        self.rows = rows
    }

    /// Rows refused (invalid or needing confirmation).
    public var refused: Int { invalid + needsConfirmation }

    /// Whether every row was imported (or, for a dry run, would be).
    public var isComplete: Bool { refused == 0 }

    /// One line of counts in Chinese: `新增 3，更新 1，未变 0，无效 2，待确认 1（共 7 行）`.
    public var summary: String {
        (dryRun ? "试导入（未写入）：" : "")
            + "新增 \(created)，更新 \(updated)，未变 \(unchanged)，无效 \(invalid)，待确认 \(needsConfirmation)（共 \(rows) 行）"
    }

    mutating func count(_ status: ImportRowStatus) {
        switch status {
        case .created: created += 1
        case .updated: updated += 1
        case .unchanged: unchanged += 1
        case .invalid: invalid += 1
        case .needsConfirmation: needsConfirmation += 1
        }
    }
}

extension RegistryError.Code {
    /// The file is not a spreadsheet that can be read (not xlsx/csv, damaged, wrong encoding, no such
    /// sheet, unreadable): refused whole, nothing written.
    public static let importUnreadable = RegistryError.Code(rawValue: "import.unreadable")
    /// Required columns are missing from the header: refused whole, nothing written.
    public static let importMissingColumns = RegistryError.Code(rawValue: "import.missingColumns")
    /// Two columns of the header mean the same field: refused whole, nothing written.
    public static let importDuplicateColumn = RegistryError.Code(rawValue: "import.duplicateColumn")
    /// An export could not be written (file or folder not writable).
    public static let exportFailed = RegistryError.Code(rawValue: "export.failed")
}

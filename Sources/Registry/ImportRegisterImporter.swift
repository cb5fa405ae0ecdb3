import Foundation
import Spreadsheet

/// Imports houses, residents (people and their stays) and residence declarations from .xlsx and .csv
/// files with Chinese headers (templates in `templates/`, formats in protocol-docs/data-model.md).
///
/// - A file that cannot be read (not a spreadsheet, damaged, wrong sheet, wrong encoding) or lacks a
///   required column is refused whole with a Chinese message (``RegistryError`` `import.*`): nothing
///   is written.
/// - Every row is validated by the register's own checks (codes, dates in order, required fields, ID
///   numbers with warnings only); valid rows are written, invalid rows reported with their row number,
///   column and reason (``ImportReport/problems``).
/// - Rows are written in batches of ``ImportOptions/batchSize`` rows, one write transaction each; each
///   row is one operation in a savepoint of its own (an audit entry for every existing record it
///   changes, action `import.<kind>`), and each batch ends with one `import` audit entry with the
///   batch's counts, the file's digest and the digest of the records it created (``ImportJournal``).
/// - Re-importing a file updates records instead of duplicating them: houses are matched by 小区 +
///   楼栋 + 单元 + 房号, people by ID number (keyed hash), stays by person + house + 到达日期,
///   declarations by person + house + 申报日期. A second row with the same key in one file is reported.
/// - The importer's ``Actor`` scope applies: rows naming a 小区 outside it are refused as not found.
public struct RegisterImporter: Sendable {
    /// The register.
    public let store: RegisterStore
    /// Who imports (audit, scope, permissions).
    public let actor: Actor

    /// An importer acting as `actor`.
    public init(store: RegisterStore, actor: Actor) {
        self.store = store
        self.actor = actor
    }

    /// Imports a file (.xlsx or .csv, told apart by content).
    public func importFile(_ url: URL, kind: SheetKind, options: ImportOptions = ImportOptions()) async throws -> ImportReport {
        try actor.require(kind.importCapability)
        let table: SpreadsheetTable
        do {
            table = try Spreadsheet.read(url: url, sheet: options.sheet)
        } catch let error as SpreadsheetError {
            let named = url.pathExtension.lowercased()
            var readAsCSV = false
            switch error {
            case .notUTF8, .notText, .csvSyntax: readAsCSV = true
            default: break
            }
            if readAsCSV, ["xlsx", "xlsm", "xls"].contains(named) {
                // Read as CSV because it is not a zip: a damaged workbook or not a spreadsheet at all.
                throw RegistryError(.importUnreadable, "文件无法导入：文件名是 .\(named)，但内容不是 Excel 文件（文件已损坏，或不是表格文件）")
            }
            throw RegistryError(.importUnreadable, "文件无法导入：\(error.message)" + Self.hint(error))
        } catch {
            throw RegistryError(.importUnreadable, "文件无法导入：无法读取文件 \(url.path)")
        }
        return try await importTable(table, kind: kind, options: options)
    }

    /// Imports a table already read (an upload read with `Spreadsheet.read(data:)`).
    public func importTable(_ table: SpreadsheetTable, kind: SheetKind,
                            options: ImportOptions = ImportOptions()) async throws -> ImportReport {
        try actor.require(kind.importCapability)
        if table.header.isEmpty {
            throw RegistryError(.importMissingColumns, "文件是空的：没有表头和数据（请使用导入模板）")
        }
        var options = options
        if kind == .declarations { options.createPlaces = false }
        options.batchSize = max(1, options.batchSize)
        switch kind {
        case .houses: return try await run(HouseRecord.self, table, kind, options)
        case .residents: return try await run(ResidentRecord.self, table, kind, options)
        case .declarations: return try await run(DeclarationRecord.self, table, kind, options)
        }
    }

    private func run<R: ImportRecord>(_ type: R.Type, _ table: SpreadsheetTable, _ kind: SheetKind,
                                      _ options: ImportOptions) async throws -> ImportReport {
        let layout = kind.layout
        let map = try HeaderMap(header: table.header, layout: layout)
        var report = ImportReport(kind: kind, dryRun: options.dryRun, rows: table.rows.count)
        report.ignoredColumns = map.ignored
        let parser = ImportBatchParser<R>(table: table, map: map, layout: layout, batchSize: options.batchSize,
                                                store: store)
        // The file's digest (for the audit entries) is computed while the first batch is parsed.
        let digest = Task { Self.digest(table) }
        let runner = ImportRunner<R>(store: store, actor: actor, kind: kind, options: options, map: map,
                                     fileDigest: digest)
        try await runner.run(parser, into: &report)
        return report
    }

    /// SHA-256 of the table's text (header and rows), for the audit entries of the import.
    static func digest(_ table: SpreadsheetTable) -> String {
        var text = table.header.joined(separator: "\u{1F}")
        for row in table.rows { text += "\u{1E}" + row.joined(separator: "\u{1F}") }
        return CanonicalJSON.sha256Hex(text)
    }

    private static func hint(_ error: SpreadsheetError) -> String {
        switch error {
        case let .sheetNotFound(_, available): "（文件中的工作表：" + available.joined(separator: "、") + "）"
        case .notXLSX, .damaged, .malformed: "（请确认文件是 .xlsx 或 .csv 格式，可用导入模板另存）"
        default: ""
        }
    }
}

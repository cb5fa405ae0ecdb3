import Foundation
import GRDB
import Spreadsheet

/// Exports houses, residents (stays with their people) and declarations to .xlsx or .csv (by the file
/// name's extension) with the same Chinese headers the import reads, within the exporter's scope.
/// What personal data goes into the file depends on the role (``ExportOptions``, table in
/// protocol-docs/data-model.md); every export is an audit entry (`export`, with the kind, the row count
/// and the digest of the options), written after the file: if the entry cannot be written the file is
/// removed.
public struct RegisterExporter: Sendable {
    /// The register.
    public let store: RegisterStore
    /// Who exports.
    public let actor: Actor

    /// An exporter acting as `actor`.
    public init(store: RegisterStore, actor: Actor) {
        self.store = store
        self.actor = actor
    }

    /// The export as a table (header and rows), without a file or an audit entry (callers audit).
    func table(_ kind: SheetKind, options: ExportOptions = ExportOptions()) async throws -> SpreadsheetTable {
        let disclosure = try ExportDisclosure.of(actor, kind: kind, mask: options.mask)
        let format = ExportFormat(disclosure: disclosure, cipher: store.cipher)
        return try await store.read(actor) { db, scope in
            var xiaoquId: Int64?
            if let xiaoqu = options.xiaoqu { xiaoquId = try Lookup.xiaoqu(db, xiaoqu, scope).orNotFound(.xiaoqu)["id"] }
            let rows = ExportRows(layout: kind.layout, format: format, filter: ExportFilter(scope: scope, xiaoquId: xiaoquId))
            switch kind {
            case .houses:
                return SpreadsheetTable(header: kind.layout.headers(), rows: try rows.houses(db))
            case .residents:
                return SpreadsheetTable(header: kind.layout.headers(), rows: try rows.residents(db, currentOnly: options.currentOnly))
            case .declarations:
                let (data, groups) = try rows.declarations(db)
                return SpreadsheetTable(header: kind.layout.headers(minors: groups), rows: data)
            }
        }
    }

    /// Writes the export to `url` (`.csv` → CSV UTF-8 with BOM, `.xlsx` → a workbook with one sheet named
    /// after the kind) and records it in the audit log.
    @discardableResult
    public func export(_ kind: SheetKind, to url: URL, options: ExportOptions = ExportOptions()) async throws -> ExportResult {
        let disclosure = try ExportDisclosure.of(actor, kind: kind, mask: options.mask)
        guard ["xlsx", "csv"].contains(url.pathExtension.lowercased()) else {
            throw RegistryError(.exportFailed, "导出文件名须以 .xlsx 或 .csv 结尾：\(url.lastPathComponent)")
        }
        let table = try await self.table(kind, options: options)
        try Self.write(table, kind: kind, to: url)
        let entry: AuditEntry
        do {
            entry = try await audit(kind, rows: table.rows.count, options: options)
        } catch {
            try? FileManager.default.removeItem(at: url)
            throw error
        }
        return ExportResult(kind: kind, url: url, rows: table.rows.count, masked: disclosure == .masked,
                            peopleOmitted: disclosure == .placesOnly, auditSeq: entry.seq)
    }

    /// Writes the template of a kind: the headers and one synthetic example row.
    public static func writeTemplate(_ kind: SheetKind, to url: URL) throws {
        try write(template(kind), kind: kind, to: url)
    }

    /// The template of a kind as a table.
    public static func template(_ kind: SheetKind) -> SpreadsheetTable {
        SpreadsheetTable(header: kind.layout.templateHeaders, rows: [kind.layout.exampleRow])
    }

    static func write(_ table: SpreadsheetTable, kind: SheetKind, to url: URL) throws {
        do {
            try Spreadsheet.write(table, to: url, sheetName: kind.sheetName)
        } catch let error as SpreadsheetError {
            throw RegistryError(.exportFailed, "导出失败：\(error.message)")
        }
    }

    /// The audit entry: through `recordExport` for roles with the export right, else (admin exporting
    /// houses without people) the same entry written directly.
    private func audit(_ kind: SheetKind, rows: Int, options: ExportOptions) async throws -> AuditEntry {
        if actor.can(.export) {
            return try await store.recordExport(kind: kind.rawValue, rowCount: rows, parameters: options.parameters, by: actor)
        }
        let detail = CanonicalJSON.object([
            ("kind", CanonicalJSON.json(kind.rawValue)), ("rows", String(rows)),
            ("parametersDigest", CanonicalJSON.json(CanonicalJSON.sha256Hex(options.parameters))),
        ])
        return try await store.perform(actor, action: "export") { db, journal, _ in
            try RegisterStore.appendExport(db, at: journal.at, actor: actor, kind: kind.rawValue, detail: detail)
        }
    }
}

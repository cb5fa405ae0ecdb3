import Foundation
import Spreadsheet
import Testing
@testable import Registry

/// The template files in `templates/` (one .xlsx and one .csv per kind): written by the module's own
/// writer, checked here against the layouts. Regenerate with `RENFANG_WRITE_TEMPLATES=1 swift test
/// --filter ImportTemplateTests`.
@Suite("Import templates")
struct ImportTemplateTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("templates")

    static func url(_ kind: SheetKind, _ ext: String) -> URL { folder.appendingPathComponent("\(kind.rawValue).\(ext)") }

    @Test(arguments: SheetKind.allCases)
    func templateFilesMatchTheLayouts(kind: SheetKind) throws {
        let expected = RegisterExporter.template(kind)
        for ext in ["xlsx", "csv"] {
            let url = Self.url(kind, ext)
            if ProcessInfo.processInfo.environment["RENFANG_WRITE_TEMPLATES"] == "1" {
                try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
                try RegisterExporter.writeTemplate(kind, to: url)
            }
            let table = try Spreadsheet.read(url: url)
            #expect(table.header == expected.header, "\(url.lastPathComponent) is out of date: regenerate the templates")
            #expect(table.rows == expected.rows, "\(url.lastPathComponent) is out of date: regenerate the templates")
            if ext == "xlsx" {
                #expect(try XLSXReader(url: url).sheetNames() == [kind.sheetName])
            }
        }
        let required = kind.layout.columns.filter(\.required).map(\.header)
        #expect(Set(required).isSubset(of: Set(expected.header)))
    }

    @Test func theTemplatesImportCleanly() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        for kind in [SheetKind.houses, .residents, .declarations] {
            let report = try await r.importer(r.deskA).importFile(Self.url(kind, "xlsx"), kind: kind)
            #expect(report.isComplete, "\(kind): \(report.problems)")
            #expect(report.warnings.isEmpty, "synthetic example numbers have valid check characters")
            let csv = try await r.importer(r.deskA).importFile(Self.url(kind, "csv"), kind: kind)
            #expect(csv.unchanged == 1, "\(kind): the CSV template holds the same row")
        }
        #expect(try r.count("declaration_minor") == 1)
    }
}

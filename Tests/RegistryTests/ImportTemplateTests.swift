import Foundation
import GRDB
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

    /// A new appliance: the register holds only its station (no region code), and the templates'
    /// 行政区划 / 街道 / 小区地址 columns let `--create-places` build 社区, 小区, 楼栋 and 单元.
    @Test func theTemplatesCreateTheirPlacesInAnEmptyRegister() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rf-template-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try RegisterStore.open(path: directory.appendingPathComponent("r.sqlite").path,
                                           keyFile: directory.appendingPathComponent("k.key").path,
                                           options: TestRegister.options(sink: RecordingSink()))
        defer { try? store.close() }
        let station = try await store.createStation(StationDraft(code: "110105510000", name: "安慧里派出所"), by: TestRegister.admin)
        let police = Actor(userId: "police", role: .police(station: station.uuid))
        let importer = RegisterImporter(store: store, actor: police)
        let refused = try await importer.importFile(Self.url(.houses, "xlsx"), kind: .houses)
        #expect(refused.invalid == 1, "without --create-places the missing 小区 is refused")
        for kind in [SheetKind.houses, .residents, .declarations] {
            let report = try await importer.importFile(Self.url(kind, "xlsx"), kind: kind,
                                                       options: ImportOptions(createPlaces: true))
            #expect(report.isComplete, "\(kind): \(report.problems)")
        }
        let community = try await store.database.read { db in
            try Row.fetchOne(db, sql: "SELECT name, region_code FROM community")
        }
        #expect(community?["name"] as String? == "安慧里社区")
        #expect(community?["region_code"] as String? == "110105")
        let counts = try await store.database.read { db in
            try ["xiaoqu", "building", "unit", "house", "person", "stay", "declaration"].map {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? -1
            }
        }
        #expect(counts == [1, 1, 1, 1, 2, 1, 1], "one place chain, the landlord and the resident, one stay, one declaration")
    }
}

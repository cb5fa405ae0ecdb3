import Foundation
import GRDB
import Spreadsheet
import Testing
@testable import Registry

/// Exports: headers, scope, disclosure per role, audit, and the round trip export → import.
@Suite("Export", .enabled(if: ImportFiles.hasOpenpyxl, "python3-openpyxl is not installed"))
struct ExportTests {
    /// Fills a register through imports: houses (a rented one with a landlord), residents (one of them
    /// gone), a declaration with a minor.
    static func fill(_ r: TestRegister, _ files: ImportFiles, by actor: Actor) async throws {
        let importer = r.importer(actor)
        let houses = try files.xlsx("fill-houses.xlsx", header: ImportHouseTests.header, rows: Array(ImportHouseTests.rows().prefix(2)))
        #expect(try await importer.importFile(houses, kind: .houses).isComplete)
        let residents = try files.xlsx("fill-residents.xlsx", header: ResidentRows.header, rows: [
            ResidentRows.row(Fixtures.zhangWei, room: "301"),
            ResidentRows.row(Fixtures.liNa, room: "302", departure: "2025-01-31", departureReason: "退租"),
            ResidentRows.row(Fixtures.wangFang, room: "501", relation: "户主"),
            ResidentRows.row(Fixtures.chenJing, room: "8号", xiaoqu: "翠微小区", building: "", unit: ""),
        ])
        let residentReport = try await importer.importFile(residents, kind: .residents)
        #expect(residentReport.isComplete, "\(residentReport.problems)")
        var declaration = ImportDeclarationTests.full(Fixtures.zhangWei, room: "301")
        declaration["随行未成年人1姓名"] = Fixtures.liuYang.name
        declaration["随行未成年人1出生日期"] = "2015-05-05"
        declaration["随行未成年人1身份号码"] = Fixtures.liuYang.idNumber
        declaration["随行未成年人1与申报人关系"] = "子"
        let declarations = try files.xlsx("fill-declarations.xlsx", header: ImportDeclarationTests.header,
                                          rows: [ImportDeclarationTests.row(declaration)])
        #expect(try await importer.importFile(declarations, kind: .declarations).isComplete)
    }

    @Test func exportThenImportGivesTheSameRecords() async throws {
        let a = try await TestRegister.make()
        defer { a.close() }
        let files = try ImportFiles()
        try await Self.fill(a, files, by: a.policeS1)
        let exporter = RegisterExporter(store: a.store, actor: a.policeS1)
        var exported: [SheetKind: URL] = [:]
        for kind in SheetKind.allCases {
            let url = files.url("export-\(kind.rawValue).\(kind == .residents ? "csv" : "xlsx")")
            let result = try await exporter.export(kind, to: url)
            #expect(!result.masked)
            exported[kind] = url
        }
        let table = try Spreadsheet.read(url: exported[.residents]!)
        #expect(table.header == SheetKind.residents.layout.headers())
        #expect(table.rows.count == 4)
        #expect(table.rows.contains { $0.contains(Fixtures.zhangWei.idNumber) && $0.contains("承租人") && $0.contains("汉族") })
        #expect(try a.count("audit_log", "action = 'export'") == 3)

        // Into the same register: nothing changes.
        for kind in SheetKind.allCases {
            let report = try await a.importer(a.policeS1).importFile(exported[kind]!, kind: kind)
            #expect(report.unchanged == report.rows, "\(kind): \(report.summary) \(report.problems)")
        }

        // Into a fresh register with the same places: the same records, exported the same way.
        let b = try await TestRegister.make()
        defer { b.close() }
        for kind in SheetKind.allCases {
            let report = try await b.importer(b.policeS1).importFile(exported[kind]!, kind: kind)
            #expect(report.isComplete, "\(kind): \(report.problems)")
        }
        for kind in SheetKind.allCases {
            let again = files.url("again-\(kind.rawValue).xlsx")
            try await RegisterExporter(store: b.store, actor: b.policeS1).export(kind, to: again)
            let original = try Spreadsheet.read(url: exported[kind]!)
            let copy = try Spreadsheet.read(url: again)
            #expect(copy.header == original.header)
            #expect(copy.rows == original.rows, "\(kind)")
        }
        #expect(try b.count("person") == a.count("person"))
        #expect(try b.count("stay") == a.count("stay"))
        #expect(try b.count("declaration_minor") == 1)
    }

    @Test func exportsStayInTheActorsScope() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let files = try ImportFiles()
        try await Self.fill(r, files, by: r.policeS1)
        let desk = RegisterExporter(store: r.store, actor: r.deskA)
        let url = files.url("desk.xlsx")
        let result = try await desk.export(.residents, to: url)
        #expect(result.rows == 3, "翠微小区's resident is not exported to the desk of 阳光花园")
        let table = try Spreadsheet.read(url: url)
        #expect(table.rows.allSatisfy { $0[table.column(named: "小区")!] == "阳光花园" })
        #expect(table.rows.contains { $0.contains(Fixtures.zhangWei.idNumber) }, "the desk sees full numbers")

        let other = await registryError {
            _ = try await desk.export(.residents, to: files.url("b.xlsx"), options: ExportOptions(xiaoqu: r.xiaoquB.uuid))
        }
        #expect(other?.code == .notFound)
        let current = try await desk.export(.residents, to: files.url("current.csv"), options: ExportOptions(currentOnly: true))
        #expect(current.rows == 2)
        let entries = try r.store.auditLog.entries(limit: 10_000, by: TestRegister.auditor).filter { $0.action == "export" }
        #expect(entries.count == 2)
        #expect(entries.allSatisfy { $0.actor == "deskA" && $0.targetKind == "export:residents" })
    }

    @Test func disclosureFollowsTheRole() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let files = try ImportFiles()
        try await Self.fill(r, files, by: r.policeS1)

        let masked = files.url("masked.xlsx")
        let result = try await RegisterExporter(store: r.store, actor: r.policeS1).export(.residents, to: masked,
                                                                                         options: ExportOptions(mask: true))
        #expect(result.masked)
        let table = try Spreadsheet.read(url: masked)
        let ids = table.rows.map { $0[table.column(named: "身份号码")!] }
        #expect(ids.allSatisfy { $0.contains("**********") })
        #expect(table.rows.map { $0[table.column(named: "联系电话")!] }.allSatisfy { $0.contains("****") })
        let back = try await r.importer(r.policeS1).importFile(masked, kind: .residents)
        #expect(back.invalid == back.rows, "a masked file identifies no one")

        let admin = RegisterExporter(store: r.store, actor: TestRegister.admin)
        let houses = files.url("admin.xlsx")
        let adminResult = try await admin.export(.houses, to: houses)
        #expect(adminResult.peopleOmitted)
        let houseTable = try Spreadsheet.read(url: houses)
        for column in ["房东姓名", "房东身份号码", "房东电话", "治安责任人", "治安责任人身份号码"] {
            #expect(houseTable.rows.allSatisfy { $0[houseTable.column(named: column)!].isEmpty })
        }
        let denied = await registryError { _ = try await admin.export(.residents, to: files.url("p.xlsx")) }
        #expect(denied?.code == .permissionDenied)
        let kiosk = await registryError {
            _ = try await RegisterExporter(store: r.store, actor: r.kioskA).export(.houses, to: files.url("k.xlsx"))
        }
        #expect(kiosk?.code == .permissionDenied)
        let badName = await registryError {
            _ = try await RegisterExporter(store: r.store, actor: r.policeS1).export(.houses, to: files.url("x.txt"))
        }
        #expect(badName?.code == .exportFailed)
    }
}

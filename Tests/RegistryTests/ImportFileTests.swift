import Foundation
import GRDB
import Testing
@testable import Registry

/// Whole files: CSV encodings, header spellings, and broken files refused without changing anything.
@Suite("Import files")
struct ImportFileTests {
    /// Imports `url` as residents and expects the file to be refused with `code`; nothing may change.
    func expectRefused(_ url: URL, _ code: RegistryError.Code, options: ImportOptions = ImportOptions(),
                       message: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let before = try r.counts()
        let error = await registryError { _ = try await r.importer(r.deskA).importFile(url, kind: .residents, options: options) }
        #expect(error?.code == code, "got \(String(describing: error))", sourceLocation: sourceLocation)
        if let message { #expect(error?.message.contains(message) == true, "\(error?.message ?? "")", sourceLocation: sourceLocation) }
        #expect(try r.counts() == before, sourceLocation: sourceLocation)
    }

    @Test func randomBytesAreRefused() async throws {
        let files = try ImportFiles()
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let url = files.url("random.xlsx")
        try Data(bytes).write(to: url)
        try await expectRefused(url, .importUnreadable, message: "文件无法导入")
    }

    @Test(.enabled(if: ImportFiles.hasPython)) func aZipThatIsNotAWorkbookIsRefused() async throws {
        let files = try ImportFiles()
        let url = files.url("notes.xlsx")
        try ImportFiles.runPython("import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], 'w'); z.writestr('notes.txt', '住户名单'); z.close()",
                                  arguments: [url.path])
        try await expectRefused(url, .importUnreadable, message: "Excel")
    }

    @Test func aMissingFileIsRefused() async throws {
        try await expectRefused(URL(fileURLWithPath: "/nonexistent/residents.xlsx"), .importUnreadable)
    }

    @Test(.enabled(if: ImportFiles.hasOpenpyxl)) func missingColumnsAreNamed() async throws {
        let files = try ImportFiles()
        let header = ResidentRows.header.filter { $0 != "到达日期" && $0 != "与户主关系" }
        let url = try files.xlsx("columns.xlsx", header: header, rows: [Array(repeating: "x", count: header.count)])
        try await expectRefused(url, .importMissingColumns, message: "\"与户主关系\"、\"到达日期\"")
    }

    @Test(.enabled(if: ImportFiles.hasOpenpyxl)) func aWrongSheetIsRefused() async throws {
        let files = try ImportFiles()
        let url = try files.xlsx("sheet.xlsx", sheet: "住户", header: ResidentRows.header,
                                 rows: [ResidentRows.row(Fixtures.zhangWei)])
        try await expectRefused(url, .importUnreadable, options: ImportOptions(sheet: "房屋"), message: "住户")
    }

    @Test func anEmptyFileIsRefused() async throws {
        let files = try ImportFiles()
        let url = files.url("empty.csv")
        try Data().write(to: url)
        try await expectRefused(url, .importMissingColumns)
    }

    @Test func repeatedColumnsAreRefused() async throws {
        let files = try ImportFiles()
        let url = try files.csv("twice.csv", header: ResidentRows.header + ["身份证号"],
                                rows: [ResidentRows.row(Fixtures.zhangWei) + [Fixtures.liNa.idNumber]])
        try await expectRefused(url, .importDuplicateColumn, message: "身份证号")
    }

    @Test func csvInUTF8WithBOMAndInGB18030() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let files = try ImportFiles()
        let utf8 = try files.csv("utf8.csv", header: ResidentRows.header, rows: [ResidentRows.row(Fixtures.zhangWei)])
        let first = try await r.importer(r.deskA).importFile(utf8, kind: .residents)
        #expect(first.created == 1)
        #expect(first.isComplete)
        guard ImportFiles.hasPython else { return }
        let gb = try files.csv("gb.csv", header: ResidentRows.header, rows: [ResidentRows.row(Fixtures.liNa, room: "302")],
                               gb18030: true)
        let second = try await r.importer(r.deskA).importFile(gb, kind: .residents)
        #expect(second.created == 1, "\(second.problems)")
        let li = try #require(try await r.store.person(idNumber: Fixtures.liNa.idNumber, for: r.deskA))
        #expect(li.name == "李娜")
        #expect(li.address == Fixtures.liNa.address)
    }

    @Test func headersMatchInAnyOrderWithSpacesAndFullWidthForms() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let files = try ImportFiles()
        let header = ["　房 号　", "小区名称", "*姓名", "公民身份号码", "与户主关系（必填）", "到达本地日期", "联系方式", "备注"]
        let row = ["301", "阳光花园", Fixtures.zhangWei.name, " \(Fixtures.zhangWei.idNumber.lowercased()) ", "91", "2024年3月1日",
                   Fixtures.zhangWei.phone, "无关的列"]
        let url = try files.csv("variants.csv", header: header, rows: [row])
        // 楼栋 and 单元 are absent: 301 is in 1号楼 1单元, so it is not found without them.
        let report = try await r.importer(r.deskA).importFile(url, kind: .residents)
        #expect(report.ignoredColumns == ["备注"])
        #expect(report.problems.first?.code == "record.notFound", "\(report.problems)")

        let withPlace = try files.csv("place.csv", header: header + ["楼号", "单元号"], rows: [row + ["1号楼", "1单元"]])
        let ok = try await r.importer(r.deskA).importFile(withPlace, kind: .residents)
        #expect(ok.created == 1, "\(ok.problems)")
        let person = try #require(try await r.store.person(idNumber: Fixtures.zhangWei.idNumber, for: r.deskA))
        #expect(person.sex == "1", "from the ID number")
        #expect(person.birthDate == Fixtures.zhangWei.birth)
    }

    @Test func cellValuesInCommonForms() {
        #expect(ImportValues.date("2024-03-01") == RegisterDate("2024-03-01"))
        #expect(ImportValues.date("2024/3/1") == RegisterDate("2024-03-01"))
        #expect(ImportValues.date("2024.3.1") == RegisterDate("2024-03-01"))
        #expect(ImportValues.date("20240301") == RegisterDate("2024-03-01"))
        #expect(ImportValues.date("2024年3月1日") == RegisterDate("2024-03-01"))
        #expect(ImportValues.date("2024-03-01 00:00:00") == RegisterDate("2024-03-01"))
        #expect(ImportValues.date("45352") == RegisterDate("2024-03-01"), "an Excel serial from a cell not formatted as a date")
        #expect(ImportValues.date("２０２４－０３－０１") == RegisterDate("2024-03-01"))
        #expect(ImportValues.date("2024-02-30") == nil)
        #expect(ImportValues.date("3/1/2024") == nil)
        #expect(ImportCodes.resolve("汉族", in: .nation) == "01")
        #expect(ImportCodes.resolve("汉", in: .nation) == "01")
        #expect(ImportCodes.resolve("1", in: .nation) == "01")
        #expect(ImportCodes.resolve("1.0", in: .residenceReason) == "01")
        #expect(ImportCodes.resolve("普通高中毕业", in: .education) == "61")
        #expect(ImportCodes.resolve("承租人", in: .relation) == "91")
        #expect(ImportCodes.resolve("办公", in: .houseUsage) == "05")
        #expect(ImportCodes.resolve("已参保", in: .insurance) == "1")
        #expect(ImportCodes.resolve("火星族", in: .nation) == "火星族")
        #expect(ImportValues.flag("是") == true)
        #expect(ImportValues.flag("无") == false)
        #expect(ImportValues.rentalStatus("部分出租") == .partlyRented)
        #expect(ImportValues.sex(ofIdNumber: Fixtures.liNa.idNumber) == "2")
        #expect(HeaderMap.normalize("　身份号码（必填）") == HeaderMap.normalize("身份号码"))
    }
}

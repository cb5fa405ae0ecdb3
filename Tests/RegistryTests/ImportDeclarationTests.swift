import Foundation
import GRDB
import Testing
@testable import Registry

/// Importing residence declarations (every field of domain.md §4, minors in column groups).
@Suite("Import declarations", .enabled(if: ImportFiles.hasOpenpyxl, "python3-openpyxl is not installed"))
struct ImportDeclarationTests {
    static let header = SheetKind.declarations.layout.headers()

    /// A row from header → value (other cells empty).
    static func row(_ values: [String: String]) -> [String] {
        header.map { values[$0] ?? "" }
    }

    static func full(_ person: Fixtures.SyntheticPerson, room: String, declaredOn: String = "2024-03-05") -> [String: String] {
        [
            "姓名": person.name, "身份号码": person.idNumber, "社区": "安慧里社区", "小区": "阳光花园", "楼栋": "1号楼",
            "单元": "1单元", "房号": room, "申报日期": declaredOn, "住所类别": "租赁房屋", "居住事由": "务工", "婚姻状况": "已婚",
            "政治面貌": "群众", "学历": "大学本科毕业", "服兵役情况": "未服兵役", "拟居住期限": "一年", "是否申领居住证": "是",
            "联系方式": person.phone, "居住地有无工作单位": "有", "从事职业": "厨师", "工作单位": "丹心酒楼", "单位负责人": "钱总",
            "单位联系电话": "010-64000002", "单位详址": "北京市朝阳区安慧里三区8号", "已工作年限": "5",
            "劳动合同签订情况": "已签订", "参保情况": "已参保",
        ]
    }

    @Test func importsDeclarationsAndReportsBrokenRows() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        try await r.registerCard(Fixtures.liNa, into: r.houseA2)
        var zhang = Self.full(Fixtures.zhangWei, room: "301")
        zhang["随行未成年人1姓名"] = Fixtures.liuYang.name
        zhang["随行未成年人1性别"] = "男"
        zhang["随行未成年人1出生日期"] = "2015/5/5"
        zhang["随行未成年人1身份号码"] = Fixtures.liuYang.idNumber
        zhang["随行未成年人1与申报人关系"] = "子"
        var broken = Self.full(Fixtures.liNa, room: "302", declaredOn: "2024-02-01")
        broken["学历"] = "博士后"
        var noEmployer = Self.full(Fixtures.liNa, room: "302", declaredOn: "2024-03-10")
        for key in ["从事职业", "工作单位", "单位负责人", "单位联系电话", "单位详址", "已工作年限", "劳动合同签订情况", "参保情况"] {
            noEmployer[key] = nil
        }
        noEmployer["居住地有无工作单位"] = "无"
        let rows = [Self.row(zhang), Self.row(broken), Self.row(Self.full(Fixtures.wangFang, room: "301")), Self.row(noEmployer)]
        let files = try ImportFiles()
        let url = try files.xlsx("declarations.xlsx", header: Self.header, rows: rows)
        let importer = r.importer(r.deskA)

        let report = try await importer.importFile(url, kind: .declarations)
        #expect(report.created == 2)
        #expect(report.invalid == 2)
        #expect(report.problems(row: 3).contains { $0.column == "学历" && $0.code == "field.badCode" })
        #expect(report.problems(row: 3).contains { $0.column == "申报日期" && $0.code == "date.order" })
        #expect(report.problems(row: 4).contains { $0.column == "身份号码" && $0.code == "record.notFound" })

        let person = try #require(try await r.store.person(idNumber: Fixtures.zhangWei.idNumber, for: r.deskA))
        let declaration = try #require(try await r.store.declarations(ofPerson: person.uuid, for: r.deskA).first)
        #expect(declaration.education == "21")
        #expect(declaration.maritalStatus == "20")
        #expect(declaration.politicalStatus == "13")
        #expect(declaration.militaryService == "1")
        #expect(declaration.arrivalDate == RegisterDate("2024-03-01"), "the stay's arrival when the column is empty")
        #expect(declaration.applyResidencePermit)
        #expect(declaration.hasEmployer)
        #expect(declaration.employerPhone == "01064000002")
        #expect(declaration.yearsWorked == 5)
        #expect(declaration.labourContract == "1")
        #expect(declaration.insurance == "1")
        #expect(declaration.minors.map(\.name) == [Fixtures.liuYang.name])
        #expect(declaration.minors.first?.relation == "20")

        let again = try await importer.importFile(url, kind: .declarations)
        #expect(again.unchanged == 2)
        #expect(again.created == 0)
        #expect(try r.count("declaration") == 2)
        #expect(try r.count("declaration_minor") == 1)

        zhang["从事职业"] = "厨师长"
        let edited = try files.xlsx("edited.xlsx", header: Self.header, rows: [Self.row(zhang)])
        let third = try await importer.importFile(edited, kind: .declarations)
        #expect(third.updated == 1)
        #expect(try await r.store.declarations(ofPerson: person.uuid, for: r.deskA).first?.occupation == "厨师长")
        #expect(try r.count("declaration") == 2)
        #expect(try r.store.auditLog.verify().isIntact)
    }
}

import Foundation
import GRDB
import Testing
@testable import Registry

/// Importing houses from .xlsx files written by openpyxl, columns in any order and spelled differently.
@Suite("Import houses", .enabled(if: ImportFiles.hasOpenpyxl, "python3-openpyxl is not installed"))
struct ImportHouseTests {
    static let header = ["房号", " 小区 ", "社区", "楼栋", "单元", "楼层", "面积(平方米)", "房屋用途*", "出租状态", "出租用途",
                         "房主姓名", "房东身份号码", "房东电话", "租赁备案证号"]

    static func rows() -> [[String]] {
        let zhao = Fixtures.zhaoLei
        let place = ["阳光花园", "安慧里社区", "1号楼", "1单元"]
        return [
            ["501"] + place + ["5", "75.5", "出租", "出租", "住房", zhao.name, zhao.idNumber, zhao.phone, "朝租备-1"],
            ["301"] + place + ["3", "95", "自住", "未出租", "", "", "", "", ""],
            ["601"] + place + ["6", "80", "仓储", "未出租", "", "", "", "", ""],
            ["602"] + place + ["6", "80", "出租", "出租", "住房", "", "", "", ""],
            ["701"] + place + ["7", "80", "自住", "未出租", "", "", "", "", ""],
            ["501"] + place + ["5", "75.5", "出租", "出租", "住房", zhao.name, zhao.idNumber, zhao.phone, "朝租备-1"],
            ["302"] + place + ["3", "60", "自住", "未出租", "", "", "", "", ""],
        ]
    }

    @Test func importsHousesAndReimportsWithoutDuplicating() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let files = try ImportFiles()
        let url = try files.xlsx("houses.xlsx", sheet: "房屋", header: Self.header, rows: Self.rows())
        let importer = r.importer(r.deskA)
        let report = try await importer.importFile(url, kind: .houses)
        #expect(report.created == 1)
        #expect(report.updated == 1)
        #expect(report.unchanged == 1)
        #expect(report.invalid == 4)
        #expect(report.problems(row: 4).contains { $0.column == "房屋用途*" && $0.code == "field.badCode" })
        #expect(report.problems(row: 5).contains { $0.column == "房主姓名" && $0.code == "field.required" })
        #expect(report.problems(row: 6).contains { $0.column == "楼层" && $0.code == "house.floorOutOfRange" })
        #expect(report.problems(row: 7).contains { $0.code == "import.duplicateRow" })

        let houses = try await r.store.houses(inXiaoqu: r.xiaoquA.uuid, for: r.deskA)
        let new = try #require(houses.first { $0.roomNumber == "501" })
        #expect(new.area == 75.5)
        #expect(new.usage == "02")
        #expect(new.rentalStatus == .rented)
        #expect(new.rentalUse == "02")
        #expect(new.rentalFilingNumber == "朝租备-1")
        let landlord = try #require(try await r.store.person(idNumber: Fixtures.zhaoLei.idNumber, for: r.deskA))
        #expect(new.landlordUuid == landlord.uuid)
        #expect(landlord.sex == "1")
        #expect(landlord.birthDate == Fixtures.zhaoLei.birth)
        #expect(houses.first { $0.roomNumber == "301" }?.area == 95)

        let housesBefore = try r.count("house")
        let again = try await importer.importFile(url, kind: .houses)
        #expect(again.created == 0)
        #expect(again.updated == 0)
        #expect(again.unchanged == 3)
        #expect(try r.count("house") == housesBefore)
        #expect(try r.count("person") == 1)
        #expect(try r.store.auditLog.verify().isIntact)
    }

    @Test func anAdminImportsHousesWithoutPeople() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let files = try ImportFiles()
        let places = try files.xlsx("places.xlsx", header: ["小区", "楼栋", "单元", "房号", "房屋用途"], rows: [
            ["阳光花园", "1号楼", "1单元", "502", "空置"], ["阳光花园", "3号楼", "", "101", "商铺"],
        ])
        let report = try await r.importer(TestRegister.admin).importFile(places, kind: .houses,
                                                                         options: ImportOptions(createPlaces: true))
        #expect(report.created == 2)
        #expect(report.placesCreated == 1)

        let withPeople = try files.xlsx("people.xlsx", header: Self.header, rows: [Self.rows()[0]])
        let refused = try await r.importer(TestRegister.admin).importFile(withPeople, kind: .houses)
        #expect(refused.invalid == 1)
        #expect(refused.problems(row: 2).contains { $0.code == "permission.denied" && $0.column == "房主姓名" })
        #expect(try r.count("person") == 0)
    }
}

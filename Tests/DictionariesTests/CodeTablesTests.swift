import IDCard
import Testing

@testable import Dictionaries

@Suite("Code tables of domain.md §6")
struct CodeTablesTests {
    /// Every code of a table, exactly.
    private func codes(_ table: CodeTable) -> [String] { table.entries.map(\.code) }

    @Test func everyIdentifierResolvesToItsTable() throws {
        #expect(CodeTables.ids.count == 15)
        #expect(CodeTables.all.map(\.id) == CodeTables.ids)
        for id in CodeTables.ids {
            let table = try #require(CodeTables.table(id))
            #expect(table.id == id)
            #expect(!table.title.isEmpty)
            #expect(!table.entries.isEmpty)
            #expect(Set(codes(table)).count == table.entries.count, "codes of \(id) are unique")
            #expect(codes(table) == codes(table).sorted(), "codes of \(id) are in order")
        }
        #expect(CodeTables.table("nope") == nil)
        #expect(CodeTables.table("Nation") == nil)
    }

    @Test func sex() {
        let t = CodeTables.sex
        #expect(codes(t) == ["0", "1", "2", "9"])
        #expect(t.name(for: "0") == "未知的性别")
        #expect(t.name(for: "1") == "男")
        #expect(t.name(for: "2") == "女")
        #expect(t.name(for: "9") == "未说明的性别")
        #expect(t.source == "GB/T 2261.1")
    }

    @Test func nation() {
        let t = CodeTables.nation
        #expect(t.entries.count == 58)
        #expect(codes(t) == (1...56).map { $0 < 10 ? "0\($0)" : "\($0)" } + ["97", "98"])
        #expect(t.name(for: "01") == "汉族")
        #expect(t.name(for: "05") == "维吾尔族")
        #expect(t.name(for: "29") == "柯尔克孜族")
        #expect(t.name(for: "43") == "乌孜别克族")
        #expect(t.name(for: "56") == "基诺族")
        #expect(t.name(for: "97") == "其他")
        #expect(t.name(for: "98") == "外国血统中国籍人士")
        #expect(t.name(for: "1") == nil)
        #expect(t.entries.map(\.name) == Nation.all.map(\.name))
    }

    @Test func maritalStatus() {
        let t = CodeTables.maritalStatus
        #expect(codes(t) == ["10", "20", "21", "22", "23", "30", "40", "90"])
        #expect(t.name(for: "10") == "未婚")
        #expect(t.name(for: "20") == "已婚")
        #expect(t.name(for: "23") == "复婚")
        #expect(t.name(for: "30") == "丧偶")
        #expect(t.name(for: "40") == "离婚")
        #expect(t.name(for: "90") == "未说明的婚姻状况")
    }

    @Test func education() {
        let t = CodeTables.education
        #expect(codes(t) == [
            "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "28", "30", "31", "32",
            "33", "40", "41", "42", "43", "44", "45", "46", "47", "48", "49", "60", "61", "62", "63", "70", "71", "73",
            "80", "81", "83", "90",
        ])
        #expect(t.name(for: "10") == "研究生教育")
        #expect(t.name(for: "11") == "博士研究生毕业")
        #expect(t.name(for: "16") == "硕士研究生肄业")
        #expect(t.name(for: "19") == "研究生班肄业")
        #expect(t.name(for: "20") == "大学本科")
        #expect(t.name(for: "21") == "大学本科毕业")
        #expect(t.name(for: "28") == "大学普通班毕业")
        #expect(t.name(for: "30") == "大学专科")
        #expect(t.name(for: "40") == "中等职业教育")
        #expect(t.name(for: "41") == "中等专科毕业")
        #expect(t.name(for: "44") == "职业高中毕业")
        #expect(t.name(for: "49") == "技工学校肄业")
        #expect(t.name(for: "60") == "普通高中")
        #expect(t.name(for: "71") == "初中毕业")
        #expect(t.name(for: "73") == "初中肄业")
        #expect(t.name(for: "81") == "小学毕业")
        #expect(t.name(for: "83") == "小学肄业")
        #expect(t.name(for: "90") == "其他")
        #expect(!t.contains("72"))
        #expect(!t.contains("50"))
    }

    @Test func politicalStatus() {
        let t = CodeTables.politicalStatus
        #expect(codes(t) == (1...13).map { $0 < 10 ? "0\($0)" : "\($0)" })
        #expect(t.name(for: "01") == "中共党员")
        #expect(t.name(for: "02") == "中共预备党员")
        #expect(t.name(for: "03") == "共青团员")
        #expect(t.name(for: "08") == "农工党")
        #expect(t.name(for: "10") == "九三学社")
        #expect(t.name(for: "12") == "无党派民主人士")
        #expect(t.name(for: "13") == "群众")
    }

    @Test func relationToHouseholder() {
        let t = CodeTables.relation
        for (code, name) in [
            ("01", "本人"), ("02", "户主"), ("10", "配偶"), ("20", "子"), ("30", "女"), ("40", "孙辈"), ("50", "父母"),
            ("70", "兄弟姐妹"), ("97", "其他亲属"), ("99", "非亲属"), ("91", "承租人"), ("92", "雇员"),
        ] {
            #expect(t.name(for: code) == name, "relation \(code)")
        }
        #expect(t.search("czr").first?.name == "承租人")
    }

    @Test func residenceReasonAndHousingType() {
        let reason = CodeTables.residenceReason
        #expect(codes(reason) == ["01", "02", "03", "04", "05", "06", "07", "08", "09", "99"])
        #expect(reason.name(for: "01") == "务工")
        #expect(reason.name(for: "04") == "学习培训")
        #expect(reason.name(for: "08") == "投亲靠友")
        #expect(reason.name(for: "09") == "工作调动")
        #expect(reason.name(for: "99") == "其他")
        let housing = CodeTables.housingType
        #expect(codes(housing) == ["01", "02", "03", "04", "05", "06", "07", "99"])
        #expect(housing.name(for: "01") == "自购房屋")
        #expect(housing.name(for: "02") == "租赁房屋")
        #expect(housing.name(for: "06") == "临时性宿舍")
        #expect(housing.name(for: "07") == "农民工公寓")
    }

    @Test func plannedStayRentalUseHouseUsage() {
        let stay = CodeTables.plannedStay
        #expect(stay.entries.map { "\($0.code)\($0.name)" } == ["1一个月", "2三个月", "3六个月", "4一年", "5两年", "6三年"])
        #expect(CodeTables.plannedStayMonths(for: "1") == 1)
        #expect(CodeTables.plannedStayMonths(for: "4") == 12)
        #expect(CodeTables.plannedStayMonths(for: "6") == 36)
        #expect(CodeTables.plannedStayMonths(for: "7") == nil)
        let rental = CodeTables.rentalUse
        #expect(codes(rental) == ["01", "02", "03", "05", "06", "99"])
        #expect(rental.name(for: "01") == "宿舍")
        #expect(rental.name(for: "05") == "仓库")
        #expect(rental.name(for: "06") == "厂房")
        #expect(!rental.contains("04"))
        let usage = CodeTables.houseUsage
        #expect(usage.entries.map(\.name) == ["自住", "出租", "空置", "商铺", "办公", "厂房仓库", "其他"])
        #expect(usage.source == "renfang")
    }

    @Test func registerWorkflowTables() {
        #expect(CodeTables.serviceMatterState.entries.map(\.name) == ["受理", "办理中", "办结", "退回", "撤销"])
        let departure = CodeTables.departureReason
        #expect(departure.name(for: "01") == "迁出")
        #expect(departure.name(for: "02") == "退租")
        #expect(departure.name(for: "03") == "死亡")
        #expect(departure.name(for: "99") == "其他")
        let flag = CodeTables.cancellationFlag
        #expect(flag.entries.map { "\($0.code)\($0.name)" } == ["0正常", "1注销", "2自动注销"])
    }

    @Test func regions() {
        let t = CodeTables.region
        #expect(t.entries.count == Regions.all.count)
        #expect(t.entries.count > 7000)
        #expect(t.name(for: "110105") == "朝阳区")
        #expect(t.name(for: "110000") == "北京市")
        #expect(t.name(for: "110103") == "崇文区")
        #expect(t.source == "GB/T 2260")
        #expect(t.search("110105").first?.name == "朝阳区")
        #expect(t.search("bjs").first?.code == "110000")
    }

    @Test func resolveAcceptsWhatPeopleType() {
        let nation = CodeTables.nation
        #expect(nation.resolve("01")?.name == "汉族")
        #expect(nation.resolve("1")?.name == "汉族")
        #expect(nation.resolve("1.0")?.name == "汉族")
        #expect(nation.resolve(" 01 ")?.name == "汉族")
        #expect(nation.resolve("汉族")?.code == "01")
        #expect(nation.resolve("汉") == nil)
        #expect(nation.resolve("") == nil)
        #expect(nation.resolve("100") == nil)
        #expect(CodeTables.sex.resolve("1")?.name == "男")
        #expect(CodeTables.sex.resolve("女")?.code == "2")
        #expect(CodeTables.plannedStay.resolve("4")?.name == "一年")
        #expect(CodeTables.education.resolve("0") == nil)
    }

    @Test func customTable() {
        let t = CodeTable(id: "x", title: "测试", source: "test", [("a", "甲"), ("a", "重复"), ("b", "乙")])
        #expect(t.name(for: "a") == "甲")
        #expect(t.contains("b"))
        #expect(!t.contains("c"))
        #expect(t.entry(for: "b") == CodeTable.Entry(code: "b", name: "乙"))
    }
}

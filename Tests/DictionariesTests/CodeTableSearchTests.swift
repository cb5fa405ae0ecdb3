import Testing

@testable import Dictionaries

@Suite("Pick-list search: code, pinyin initials, characters")
struct CodeTableSearchTests {
    @Test func codeFirst() {
        let results = CodeTables.nation.search("01")
        #expect(results.first == CodeTable.Entry(code: "01", name: "汉族"))
        #expect(results.count == 1)
        // A code prefix lists every code under it, in order.
        #expect(CodeTables.nation.search("1").map(\.code) == ["10", "11", "12", "13", "14", "15", "16", "17", "18", "19"])
        #expect(CodeTables.education.search("2").map(\.code) == ["20", "21", "22", "23", "28"])
    }

    @Test func pinyinInitials() {
        let results = CodeTables.nation.search("hz")
        #expect(results.first?.name == "汉族")
        // 汉族 hz, 回族 hz, 赫哲族 hzz: table order within the rank.
        #expect(results.map(\.name) == ["汉族", "回族", "赫哲族"])
        #expect(CodeTables.nation.search("HZ").map(\.name) == results.map(\.name))
        #expect(CodeTables.nation.search("ｈｚ").map(\.name) == results.map(\.name))
        #expect(CodeTables.maritalStatus.search("lh").map(\.name) == ["离婚"])
        #expect(CodeTables.politicalStatus.search("qz").map(\.name) == ["群众"])
        #expect(CodeTables.residenceReason.search("wg").map(\.name) == ["务工"])
    }

    @Test func characters() {
        #expect(CodeTables.nation.search("汉").map(\.name) == ["汉族"])
        // Prefix before substring.
        #expect(CodeTables.nation.search("土").map(\.name) == ["土家族", "土族"])
        #expect(CodeTables.maritalStatus.search("婚").map(\.name) == ["未婚", "已婚", "初婚", "再婚", "复婚", "离婚", "未说明的婚姻状况"])
        #expect(CodeTables.education.search("本科").map(\.code) == ["20", "21", "22", "23"])
        #expect(CodeTables.education.search("肄业").map(\.code) == ["13", "16", "19", "23", "33", "43", "46", "49", "63", "73", "83"])
    }

    @Test func emptyAndBlankQueriesListTheTable() {
        #expect(CodeTables.nation.search("").map(\.code) == Array(CodeTables.nation.entries.prefix(20).map(\.code)))
        #expect(CodeTables.nation.search("   ", limit: 3).map(\.code) == ["01", "02", "03"])
        #expect(CodeTables.sex.search("", limit: 100).count == 4)
    }

    @Test func limitAndNoMatch() {
        #expect(CodeTables.region.search("", limit: 5).count == 5)
        #expect(CodeTables.nation.search("z", limit: 3).count == 3)
        #expect(CodeTables.nation.search("zzzzz").isEmpty)
        #expect(CodeTables.nation.search("!!").isEmpty)
        #expect(CodeTables.nation.search("01", limit: 0).isEmpty)
    }
}

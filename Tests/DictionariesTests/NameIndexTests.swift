import Testing

@testable import Dictionaries

@Suite("NameIndex: free lists of names")
struct NameIndexTests {
    let xiaoqu = NameIndex(names: ["丹心酒楼", "大兴花园", "重庆路小区", "东方明珠苑", "A座公寓", "丹桂小区", "阳光100"])

    @Test func initialsFindNames() {
        #expect(xiaoqu.search("dx").map(\.name) == ["丹心酒楼", "大兴花园"])
        #expect(xiaoqu.search("d").map(\.name) == ["丹心酒楼", "大兴花园", "东方明珠苑", "丹桂小区"])
        #expect(xiaoqu.search("dxjl").map(\.name) == ["丹心酒楼"])
        #expect(xiaoqu.search("DXJL").map(\.name) == ["丹心酒楼"])
    }

    @Test func polyphonesMatchEveryReading() {
        // 重 is zhòng or chóng: both spellings find 重庆路小区.
        #expect(xiaoqu.search("cql").map(\.name) == ["重庆路小区"])
        #expect(xiaoqu.search("zql").map(\.name) == ["重庆路小区"])
    }

    @Test func latinAndDigitsInNames() {
        #expect(xiaoqu.search("azgy").map(\.name) == ["A座公寓"])
        #expect(xiaoqu.search("a座").map(\.name) == ["A座公寓"])
        #expect(xiaoqu.search("yg100").map(\.name) == ["阳光100"])
        #expect(xiaoqu.search("100").map(\.name) == ["阳光100"])
    }

    @Test func charactersPrefixThenSubstring() {
        #expect(xiaoqu.search("丹").map(\.name) == ["丹心酒楼", "丹桂小区"])
        #expect(xiaoqu.search("小区").map(\.name) == ["重庆路小区", "丹桂小区"])
        #expect(xiaoqu.search("酒楼").map(\.name) == ["丹心酒楼"])
    }

    @Test func rankingAcrossKinds() {
        let index = NameIndex([
            (key: "9", name: "甲子"),  // name substring of 子; initials jz do not match z
            (key: "8", name: "子夜"),  // name prefix of 子, initials zy
            (key: "7", name: "资料"),  // initials zl
            (key: "z1", name: "乙"),  // key prefix
            (key: "z", name: "丙"),  // exact key
        ])
        let results = index.matches("z")
        #expect(results.map(\.kind) == [.exactKey, .keyPrefix, .initialsPrefix, .initialsPrefix])
        #expect(results.map { index.entries[$0.index].name } == ["丙", "乙", "子夜", "资料"])
        let byCharacter = index.matches("子")
        #expect(byCharacter.map { index.entries[$0.index].name } == ["子夜", "甲子"])
        #expect(byCharacter.map(\.kind) == [.namePrefix, .nameSubstring])
    }

    @Test func keysCanBeIgnored() {
        let index = NameIndex([(key: "12", name: "丹心酒楼"), (key: "13", name: "阳光1号")], matchesKeys: false)
        #expect(index.search("1").map(\.name) == ["阳光1号"])
        #expect(index.count == 2)
        let keyed = NameIndex([(key: "12", name: "丹心酒楼"), (key: "13", name: "阳光1号")])
        #expect(keyed.search("1").map(\.name) == ["丹心酒楼", "阳光1号"])
        #expect(keyed.search("13").map(\.name) == ["阳光1号"])
    }

    @Test func stableOrderAndLimit() {
        let names = (0..<50).map { "丹心\($0)号" }
        let index = NameIndex(names: names)
        #expect(index.search("dx", limit: 50).map(\.name) == names)
        #expect(index.search("dx", limit: 5).map(\.name) == Array(names.prefix(5)))
        #expect(index.search("").count == 20)
    }

    @Test func largeListIsFast() {
        let names = (0..<20_000).map { "员工\($0)单位" }
        let index = NameIndex(names: names)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<10 { _ = index.search("yg19") }
        }
        #expect(index.search("yg1999", limit: 100).map(\.name).first == "员工1999单位")
        #expect(elapsed < .seconds(5))
    }
}

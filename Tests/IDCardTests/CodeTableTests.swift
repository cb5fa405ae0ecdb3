import Testing
@testable import IDCard

@Suite("Code tables")
struct CodeTableTests {
    @Test func sex() {
        #expect(Sex.name(forCode: "0") == "未知的性别")
        #expect(Sex.name(forCode: "1") == "男")
        #expect(Sex.name(forCode: "2") == "女")
        #expect(Sex.name(forCode: "9") == "未说明的性别")
        #expect(Sex.name(forCode: "3") == nil)
        #expect(Sex.name(forCode: "01") == nil)
        #expect(Sex.all.map(\.code) == ["0", "1", "2", "9"])
    }

    @Test func nation() {
        #expect(Nation.all.count == 58)
        #expect(Nation.name(forCode: "01") == "汉族")
        #expect(Nation.name(forCode: "05") == "维吾尔族")
        #expect(Nation.name(forCode: "10") == "朝鲜族")
        #expect(Nation.name(forCode: "29") == "柯尔克孜族")
        #expect(Nation.name(forCode: "56") == "基诺族")
        #expect(Nation.name(forCode: "97") == "其他")
        #expect(Nation.name(forCode: "98") == "外国血统中国籍人士")
        #expect(Nation.name(forCode: "57") == nil)
        #expect(Nation.name(forCode: "1") == nil)
        #expect(Nation.name(forCode: "") == nil)
        let numbered = Nation.all.prefix(56)
        #expect(numbered.map(\.code) == (1...56).map { $0 < 10 ? "0\($0)" : "\($0)" })
        #expect(numbered.allSatisfy { $0.name.hasSuffix("族") })
        #expect(Set(Nation.all.map(\.name)).count == 58)
    }

    @Test func cardTextDisplayNames() {
        #expect(Fixtures.resident.sexText == "男")
        #expect(Fixtures.resident.nationText == "汉族")
        #expect(Fixtures.foreigner2023.sexText == "女")
        #expect(Fixtures.foreigner2023.nationText == nil)
    }

    @Test func regionsTable() {
        let all = Regions.all
        #expect(all.count == 7185)
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.code < $1.code })
        #expect(all.allSatisfy { $0.code.utf8.count == 6 && $0.code.allSatisfy(\.isASCII) && !$0.name.isEmpty })
        #expect(all.first?.code == "110000")
    }

    @Test func regionNames() {
        #expect(Regions.name(forCode: "110000") == "北京市")
        #expect(Regions.name(forCode: "110105") == "朝阳区")
        #expect(Regions.name(forCode: "110103") == "崇文区")  // abolished 2010
        #expect(Regions.name(forCode: "120110") == "东丽区")  // latest name (was 东郊区)
        #expect(Regions.name(forCode: "440524") == "潮阳县")
        #expect(Regions.name(forCode: "810000") == "香港特别行政区")
        #expect(Regions.name(forCode: "820000") == "澳门特别行政区")
        #expect(Regions.name(forCode: "830000") == "台湾省")
        #expect(Regions.name(forCode: "000000") == nil)
        #expect(Regions.name(forCode: "11010") == nil)
        #expect(Regions.name(forCode: "") == nil)
    }

    @Test func regionFullNames() {
        #expect(Regions.fullName(forCode: "110105") == "北京市朝阳区")
        #expect(Regions.fullName(forCode: "440524") == "广东省汕头市潮阳县")
        #expect(Regions.fullName(forCode: "110000") == "北京市")
        #expect(Regions.fullName(forCode: "469001") == "海南省五指山市")
        #expect(Regions.fullName(forCode: "999999") == nil)
    }

    @Test func hongKongMacaoTaiwan() {
        #expect(Regions.isHongKongMacaoTaiwan("810000"))
        #expect(Regions.isHongKongMacaoTaiwan("820000"))
        #expect(Regions.isHongKongMacaoTaiwan("830000199001010010"))
        #expect(!Regions.isHongKongMacaoTaiwan("800000"))
        #expect(!Regions.isHongKongMacaoTaiwan("840000"))
        #expect(!Regions.isHongKongMacaoTaiwan("110105"))
        #expect(!Regions.isHongKongMacaoTaiwan("8"))
        #expect(!Regions.isHongKongMacaoTaiwan(""))
    }

    @Test func cardTypeMarkers() {
        #expect(CardType.resident.marker == nil)
        #expect(CardType.hkMacaoTaiwan.marker == "J")
        #expect(CardType.foreigner2017.marker == "I")
        #expect(CardType.foreigner2023.marker == "Y")
        #expect(CardType.physicalOnly.marker == nil)
        for type in CardType.allCases where type != .physicalOnly {
            let b = TextBlock.encode(CardText(cardType: type))
            #expect(CardType.fromMarker(b[248], b[249]) == (type, false))
        }
    }
}

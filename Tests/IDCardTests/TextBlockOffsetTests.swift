import Testing
@testable import IDCard

/// Raw blocks built byte by byte from domain.md §2, so encode and decode cannot share an offset bug.
@Suite("TextBlock byte offsets (domain.md §2)")
struct TextBlockOffsetTests {
    @Test func residentOffsets() {
        var b = Fixtures.blankBlock()
        Fixtures.put("王五", at: 0, into: &b)
        Fixtures.put("2", at: 30, into: &b)
        Fixtures.put("05", at: 32, into: &b)
        Fixtures.put("20000229", at: 36, into: &b)
        Fixtures.put("测试地址", at: 52, into: &b)
        let id = Fixtures.number("11010520000229002")
        Fixtures.put(id, at: 122, into: &b)
        Fixtures.put("测试公安局", at: 158, into: &b)
        Fixtures.put("20100101", at: 188, into: &b)
        Fixtures.put("长期", at: 204, into: &b)
        let t = TextBlock.decode(b)
        #expect(t.cardType == .resident)
        #expect(t.name == "王五")
        #expect(t.sex == "2" && t.sexText == "女")
        #expect(t.nation == "05" && t.nationText == "维吾尔族")
        #expect(t.birthDate == .date(year: 2000, month: 2, day: 29))
        #expect(t.address == "测试地址")
        #expect(t.idNumber == id)
        #expect(t.issuer == "测试公安局")
        #expect(t.validFrom == .date(year: 2010, month: 1, day: 1))
        #expect(t.validTo == .longTerm)
        #expect(t.warnings.isEmpty, "\(t.warnings)")
    }

    @Test func residentEncodeOffsets() {
        let b = TextBlock.encode(Fixtures.resident)
        // ID number: 36 bytes from 122, ASCII digits as UCS-2LE.
        let id = Array(Fixtures.resident.idNumber!.utf8)
        for (k, ch) in id.enumerated() {
            #expect(b[122 + 2 * k] == ch && b[123 + 2 * k] == 0)
        }
        #expect(b[158] == 0x17 && b[159] == 0x53)  // 北 U+5317 starts the issuer
        // Birth date "19900307" at 36.
        #expect(Array(b[36...51]) == Array("19900307".utf8).flatMap { [$0, 0] })
        // Resident: no marker, reserved 220–255 all spaces.
        #expect(Array(b[220...255]) == Array(Fixtures.blankBlock()[220...255]))
    }

    @Test func hkMacaoTaiwanOffsets() {
        var b = Fixtures.blankBlock()
        Fixtures.put("陈小明", at: 0, into: &b)
        Fixtures.put("1", at: 30, into: &b)
        Fixtures.put("01", at: 32, into: &b)  // reserved on 'J': must not become a nation
        Fixtures.put("19991231", at: 36, into: &b)
        Fixtures.put("820000199912310011", at: 122, into: &b)
        Fixtures.put("M87654321", at: 220, into: &b)
        Fixtures.put("03", at: 238, into: &b)
        Fixtures.put("J", at: 248, into: &b)
        let t = TextBlock.decode(b)
        #expect(t.cardType == .hkMacaoTaiwan)
        #expect(t.name == "陈小明")
        #expect(t.nation == nil)
        #expect(t.birthDate == .date(year: 1999, month: 12, day: 31))
        #expect(t.idNumber == "820000199912310011")
        #expect(t.passNumber == "M87654321")
        #expect(t.issueCount == "03")
        #expect(b[248] == 0x4A && b[249] == 0x00)
    }

    @Test func hkMacaoTaiwanEncodeOffsets() {
        let b = TextBlock.encode(Fixtures.hkMacaoTaiwan)
        #expect(Array(b[220...237]) == Array("H12345678".utf8).flatMap { [$0, 0] })
        #expect(Array(b[238...241]) == [0x30, 0, 0x31, 0])
        #expect(b[248] == 0x4A && b[249] == 0x00)
    }

    @Test func foreigner2017Offsets() {
        var b = Fixtures.blankBlock()
        Fixtures.put("DOE, JANE", at: 0, into: &b)
        Fixtures.put("2", at: 120, into: &b)
        Fixtures.put("USA310080020150", at: 122, into: &b)
        Fixtures.put("USA", at: 152, into: &b)
        Fixtures.put("多伊", at: 158, into: &b)
        Fixtures.put("20180301", at: 188, into: &b)
        Fixtures.put("20280301", at: 204, into: &b)
        Fixtures.put("19800215", at: 220, into: &b)
        Fixtures.put("02", at: 236, into: &b)
        Fixtures.put("3100", at: 240, into: &b)
        Fixtures.put("I", at: 248, into: &b)
        let t = TextBlock.decode(b)
        #expect(t.cardType == .foreigner2017)
        #expect(t.englishName == "DOE, JANE")
        #expect(t.sex == "2")
        #expect(t.idNumber == "USA310080020150")
        #expect(t.nationality == "USA")
        #expect(t.name == "多伊")
        #expect(t.validFrom == .date(year: 2018, month: 3, day: 1))
        #expect(t.validTo == .date(year: 2028, month: 3, day: 1))
        #expect(t.birthDate == .date(year: 1980, month: 2, day: 15))
        #expect(t.cardVersion == "02")
        #expect(t.authorityCode == "3100")
        #expect(t.address == nil && t.issuer == nil)
        #expect(t.warnings.isEmpty, "\(t.warnings)")
    }

    @Test func foreigner2017EncodeOffsets() {
        let b = TextBlock.encode(Fixtures.foreigner2017)
        #expect(Array(b[152...157]) == Array("CAN".utf8).flatMap { [$0, 0] })
        #expect(Array(b[220...235]) == Array("19700101".utf8).flatMap { [$0, 0] })
        #expect(b[248] == 0x49 && b[249] == 0x00)
    }

    @Test func foreigner2023Offsets() {
        var b = Fixtures.blankBlock()
        Fixtures.put("王测试", at: 0, into: &b)
        Fixtures.put("1", at: 30, into: &b)
        Fixtures.put("01", at: 32, into: &b)
        Fixtures.put("19751010", at: 36, into: &b)
        Fixtures.put(String(repeating: "B", count: 35), at: 52, into: &b)
        let id = Fixtures.number("93184019751010001")
        Fixtures.put(id, at: 122, into: &b)
        Fixtures.put("20231201", at: 188, into: &b)
        Fixtures.put("20331201", at: 204, into: &b)
        Fixtures.put("CDE", at: 220, into: &b)
        Fixtures.put("840", at: 242, into: &b)
        Fixtures.put("Y", at: 248, into: &b)
        Fixtures.put("X12", at: 250, into: &b)
        let t = TextBlock.decode(b)
        #expect(t.cardType == .foreigner2023)
        #expect(t.name == "王测试")
        #expect(t.sex == "1")
        #expect(t.renewalCount == "01")
        #expect(t.nation == nil)
        #expect(t.birthDate == .date(year: 1975, month: 10, day: 10))
        #expect(t.englishName == String(repeating: "B", count: 35) + "CDE")
        #expect(t.idNumber == id)
        #expect(t.validFrom == .date(year: 2023, month: 12, day: 1))
        #expect(t.validTo == .date(year: 2033, month: 12, day: 1))
        #expect(t.nationality == "840")
        #expect(t.previousCardLink == "X12")
        #expect(t.warnings.isEmpty, "\(t.warnings)")
    }

    @Test func foreigner2023EncodeOffsets() {
        let b = TextBlock.encode(Fixtures.foreigner2023)
        #expect(Array(b[32...35]) == [0x30, 0, 0x30, 0])
        #expect(Array(b[242...247]) == Array("124".utf8).flatMap { [$0, 0] })
        #expect(b[248] == 0x59 && b[249] == 0x00)
        #expect(Array(b[250...255]) == Array("A01".utf8).flatMap { [$0, 0] })
        #expect(Array(b[158...187]) == Array(Fixtures.blankBlock()[158...187]))  // reserved
    }

    @Test("layout tables: inside the block, even-aligned, no overlaps, marker free", arguments: CardType.allCases)
    func layoutIsSane(_ type: CardType) {
        let slots = TextBlock.layout(for: type)
        var used = Set<Int>()
        for slot in slots {
            #expect(slot.bytes.lowerBound >= 0 && slot.bytes.upperBound < TextBlock.size)
            #expect(slot.bytes.lowerBound % 2 == 0 && slot.bytes.count % 2 == 0)
            for i in slot.bytes {
                #expect(used.insert(i).inserted, "\(type) byte \(i) used twice")
            }
        }
        #expect(used.isDisjoint(with: TextBlock.markerBytes))
        #expect(Set(slots.map(\.field)).count == slots.count)
    }
}

import Testing
@testable import IDCard

@Suite("IDNumber")
struct IDNumberTests {
    @Test("GB 11643 check-character vectors", arguments: ["11010519491231002X", "440524188001010014"])
    func checkCharacterVectors(_ number: String) {
        #expect(IDNumber.checkCharacter(forFirst17: String(number.prefix(17))) == number.last)
        #expect(IDNumber.validate(number, cardType: .resident).isEmpty)
    }

    @Test func checkCharacterRejectsBadInput() {
        #expect(IDNumber.checkCharacter(forFirst17: "1101051949123100") == nil)  // 16
        #expect(IDNumber.checkCharacter(forFirst17: "110105194912310021") == nil)  // 18
        #expect(IDNumber.checkCharacter(forFirst17: "1101051949123100A") == nil)
        #expect(IDNumber.checkCharacter(forFirst17: "１１０１０５１９４９１２３１００２") == nil)  // full-width
        #expect(IDNumber.checkCharacter(forFirst17: "") == nil)
    }

    @Test func checkCharacterCoversAllEleven() {
        // Every residue 0...10 must be reachable and map through "10X98765432".
        var seen = Set<Character>()
        for n in 0..<200 {
            let body = "1101051990010" + String(1000 + n).suffix(4)
            if let c = IDNumber.checkCharacter(forFirst17: body) { seen.insert(c) }
        }
        #expect(seen == Set("10X98765432"))
    }

    @Test func upgradeVector() {
        #expect(IDNumber.upgrade(fifteen: "110105491231002") == "11010519491231002X")
        #expect(IDNumber.upgrade(fifteen: "11010549123100") == nil)
        #expect(IDNumber.upgrade(fifteen: "11010549123100A") == nil)
        #expect(IDNumber.upgrade(fifteen: "11010519491231002X") == nil)
    }

    @Test func normalize() {
        #expect(IDNumber.normalize("  11010519491231002x\n") == "11010519491231002X")
        #expect(IDNumber.normalize("１１０１０５１９４９１２３１００２Ｘ") == "11010519491231002X")
        #expect(IDNumber.normalize("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X")
        #expect(IDNumber.normalize("110105491231002") == "11010519491231002X")
        #expect(IDNumber.normalize("\u{3000}110105 19491231 002X") == "11010519491231002X")
        #expect(IDNumber.normalize("can110070010150") == "CAN110070010150")
        #expect(IDNumber.normalize("") == "")
        #expect(IDNumber.normalize("张三") == "张三")
    }

    @Test func birthDateOfNumber() {
        #expect(IDNumber.birthDate(of: "11010519491231002X") == .date(year: 1949, month: 12, day: 31))
        #expect(IDNumber.birthDate(of: "440524188001010014") == .date(year: 1880, month: 1, day: 1))
        #expect(IDNumber.birthDate(of: "110105194902300021") == nil)  // 30 February
        #expect(IDNumber.birthDate(of: "110105491231002") == nil)  // 15 characters
        #expect(IDNumber.birthDate(of: "") == nil)
    }

    @Test func mask() {
        #expect(IDNumber.mask("11010519491231002X") == "1101**********002X")
        #expect(IDNumber.mask("CAN110070010150") == "CAN1*******0150")
        #expect(IDNumber.mask("123456789") == "1234*6789")
        #expect(IDNumber.mask("12345678") == "********")
        #expect(IDNumber.mask("") == "")
        #expect(IDNumber.mask("张三李四王五赵六钱七") == "张三李四**赵六钱七")
    }

    @Test func validateResident() {
        #expect(IDNumber.validate("11010519491231002X", cardType: .resident) == [])
        #expect(IDNumber.validate("110105194912310021", cardType: .resident) == [.idNumberCheckCharacter])
        #expect(IDNumber.validate("11010519491231002x", cardType: .resident) == [.idNumberCheckCharacter])
        #expect(IDNumber.validate("110105491231002", cardType: .resident) == [.idNumberMalformed])
        #expect(IDNumber.validate("", cardType: .resident) == [.idNumberMalformed])
        let unknown = Fixtures.number("00000019491231002")
        #expect(IDNumber.validate(unknown, cardType: .resident) == [.idNumberUnknownRegion])
    }

    @Test func validatePermit() {
        for region in ["810000", "820000", "830000"] {
            let n = Fixtures.number(region + "19900101001")
            #expect(IDNumber.validate(n, cardType: .hkMacaoTaiwan) == [], "\(n)")
        }
        #expect(IDNumber.validate("11010519491231002X", cardType: .hkMacaoTaiwan) == [.idNumberNotPermitRegion])
        #expect(IDNumber.validate("X10000199001010010", cardType: .hkMacaoTaiwan) == [.idNumberMalformed])
    }

    @Test func validateForeigner2017() {
        #expect(IDNumber.validate("CAN110070010150", cardType: .foreigner2017) == [])
        #expect(IDNumber.validate("CA1110070010150", cardType: .foreigner2017) == [.idNumberMalformed])
        #expect(IDNumber.validate("can110070010150", cardType: .foreigner2017) == [.idNumberMalformed])
        #expect(IDNumber.validate("CAN11007001015", cardType: .foreigner2017) == [.idNumberMalformed])
        #expect(IDNumber.validate("11010519491231002X", cardType: .foreigner2017) == [.idNumberMalformed])
    }

    @Test func validateForeigner2023() {
        let good = Fixtures.number("91112419880808002")
        #expect(IDNumber.validate(good, cardType: .foreigner2023) == [])
        let wrongCheck = String(good.dropLast()) + (good.last == "0" ? "1" : "0")
        #expect(IDNumber.validate(wrongCheck, cardType: .foreigner2023) == [.idNumberCheckCharacter])
        #expect(IDNumber.validate("11010519491231002X", cardType: .foreigner2023) == [.idNumberMalformed])
        #expect(IDNumber.validate("CAN110070010150", cardType: .foreigner2023) == [.idNumberMalformed])
    }

    @Test func crossFieldWarnings() {
        var t = Fixtures.foreigner2017
        #expect(IDNumber.warnings(for: t) == [])
        t.nationality = "GBR"
        #expect(IDNumber.warnings(for: t) == [.idNumberNationalityMismatch])
        t.nationality = nil
        #expect(IDNumber.warnings(for: t) == [])

        var r = Fixtures.resident
        r.birthDate = .unparsed("1990037")  // invalid card date: no mismatch on top of birthDate.invalid
        #expect(IDNumber.warnings(for: r) == [])
        r.birthDate = .date(year: 1991, month: 3, day: 7)
        #expect(IDNumber.warnings(for: r) == [.idNumberBirthDateMismatch])
        r.idNumber = nil
        #expect(IDNumber.warnings(for: r) == [.idNumberMissing])
    }
}

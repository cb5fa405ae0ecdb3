@testable import IDCard

/// Synthetic cards (no real people): one per card type, every field of its layout filled, all valid.
enum Fixtures {
    /// A GB 11643 number with a correct check character.
    static func number(_ first17: String) -> String {
        first17 + String(IDNumber.checkCharacter(forFirst17: first17)!)
    }

    static let resident = CardText(
        cardType: .resident,
        name: "张三",
        sex: "1",
        nation: "01",
        birthDate: .date(year: 1990, month: 3, day: 7),
        address: "北京市朝阳区测试路1号院2号楼3单元401室",
        idNumber: number("11010519900307123"),
        issuer: "北京市公安局朝阳分局",
        validFrom: .date(year: 2015, month: 6, day: 1),
        validTo: .date(year: 2035, month: 6, day: 1)
    )

    static let residentLongTerm = CardText(
        cardType: .resident,
        name: "李四",
        sex: "2",
        nation: "03",
        birthDate: .date(year: 1960, month: 2, day: 29),
        address: "广东省汕头市潮阳区测试街道9号",
        idNumber: number("44052419600229002"),
        issuer: "汕头市公安局潮阳分局",
        validFrom: .date(year: 2012, month: 5, day: 5),
        validTo: .longTerm
    )

    static let hkMacaoTaiwan = CardText(
        cardType: .hkMacaoTaiwan,
        name: "陈大文",
        sex: "1",
        birthDate: .date(year: 1985, month: 11, day: 20),
        address: "广东省深圳市福田区测试大道100号",
        idNumber: number("81000019851120123"),
        issuer: "深圳市公安局",
        validFrom: .date(year: 2019, month: 1, day: 2),
        validTo: .date(year: 2024, month: 1, day: 2),
        passNumber: "H12345678",
        issueCount: "01"
    )

    static let foreigner2017 = CardText(
        cardType: .foreigner2017,
        name: "史测试",
        englishName: "TESTER, JOHN EXAMPLE",
        sex: "1",
        birthDate: .date(year: 1970, month: 1, day: 1),
        idNumber: "CAN110070010150",
        validFrom: .date(year: 2017, month: 7, day: 1),
        validTo: .date(year: 2027, month: 7, day: 1),
        nationality: "CAN",
        cardVersion: "01",
        authorityCode: "1100"
    )

    /// English name longer than part 1 (35 characters), so it continues in part 2.
    static let foreigner2023 = CardText(
        cardType: .foreigner2023,
        name: "李测试",
        englishName: "TESTINGTON-LONGNAME, MARGARET ALEXANDRA",
        sex: "2",
        birthDate: .date(year: 1988, month: 8, day: 8),
        idNumber: number("91112419880808002"),
        validFrom: .date(year: 2023, month: 12, day: 1),
        validTo: .date(year: 2033, month: 12, day: 1),
        nationality: "124",
        renewalCount: "00",
        previousCardLink: "A01"
    )

    static let all: [CardText] = [resident, residentLongTerm, hkMacaoTaiwan, foreigner2017, foreigner2023]

    /// A 256-byte block of spaces (`20 00`).
    static func blankBlock() -> [UInt8] {
        (0..<256).map { $0 % 2 == 0 ? 0x20 : 0x00 }
    }

    /// Writes `s` as UTF-16LE at `offset`, by hand (independent of UCS2.encode).
    static func put(_ s: String, at offset: Int, into block: inout [UInt8]) {
        var i = offset
        for unit in s.utf16 {
            block[i] = UInt8(unit & 0xFF)
            block[i + 1] = UInt8(unit >> 8)
            i += 2
        }
    }

    /// Writes raw 16-bit units little-endian at `offset`.
    static func putUnits(_ units: [UInt16], at offset: Int, into block: inout [UInt8]) {
        for (k, unit) in units.enumerated() {
            block[offset + 2 * k] = UInt8(unit & 0xFF)
            block[offset + 2 * k + 1] = UInt8(unit >> 8)
        }
    }
}

/// SplitMix64: a small seeded generator so the fuzz tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

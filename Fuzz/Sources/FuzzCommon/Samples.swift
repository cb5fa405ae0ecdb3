import IDCard
import SAMProtocol

/// Synthetic cards, one per layout. Every value is made up (no real person); ID numbers carry a correct
/// GB 11643 check character so the decoder takes its normal, warning-free path.
public enum Samples {
    public static func number(_ first17: String) -> String {
        first17 + String(IDNumber.checkCharacter(forFirst17: first17) ?? "0")
    }

    public static let resident = CardText(
        cardType: .resident,
        name: "测试样本甲",
        sex: "1",
        nation: "01",
        birthDate: .date(year: 1990, month: 1, day: 1),
        address: "北京市东城区测试路1号示例小区2栋3单元401室",
        idNumber: number("11010119900101001"),
        issuer: "测试市公安局示例分局",
        validFrom: .date(year: 2015, month: 6, day: 1),
        validTo: .date(year: 2035, month: 6, day: 1)
    )

    public static let hkMacaoTaiwan = CardText(
        cardType: .hkMacaoTaiwan,
        name: "测试港生",
        sex: "2",
        birthDate: .date(year: 1985, month: 5, day: 5),
        address: "广东省深圳市福田区示例街8号",
        idNumber: number("81000019850505002"),
        issuer: "测试市公安局",
        validFrom: .date(year: 2019, month: 1, day: 1),
        validTo: .date(year: 2024, month: 1, day: 1),
        passNumber: "H01234567",
        issueCount: "01"
    )

    public static let foreigner2017 = CardText(
        cardType: .foreigner2017,
        name: "测试外甲",
        englishName: "TESTER, SAMPLE ALPHA",
        sex: "1",
        birthDate: .date(year: 1990, month: 10, day: 1),
        idNumber: "CAN110090100101",
        validFrom: .date(year: 2018, month: 3, day: 1),
        validTo: .date(year: 2028, month: 3, day: 1),
        nationality: "CAN",
        cardVersion: "01",
        authorityCode: "1100"
    )

    public static let foreigner2023 = CardText(
        cardType: .foreigner2023,
        name: "测试外乙",
        englishName: "SAMPLE-TESTER, BETA GAMMA DELTA EPSILON ZETA",
        sex: "2",
        birthDate: .date(year: 1988, month: 8, day: 8),
        idNumber: number("93311019880808002"),
        validFrom: .date(year: 2023, month: 12, day: 1),
        validTo: .date(year: 2033, month: 12, day: 1),
        nationality: "124",
        renewalCount: "00"
    )

    /// Edge cases: 长期 expiry and a name with a character outside the BMP (a surrogate pair).
    public static let residentLongTerm = CardText(
        cardType: .resident,
        name: "测试\u{20BB7}样本",
        sex: "2",
        nation: "97",
        birthDate: .date(year: 1950, month: 2, day: 28),
        address: "测试省示例县某乡某村88号",
        idNumber: number("44052419500228002"),
        issuer: "示例县公安局",
        validFrom: .date(year: 2010, month: 2, day: 28),
        validTo: .longTerm
    )

    /// A 2023 card whose English name fills part 1 exactly (35 characters) and runs on into part 2.
    public static let foreigner2023FullPart1 = CardText(
        cardType: .foreigner2023,
        name: "测试外丙",
        englishName: "ABCDEFGHIJKLMNOPQRSTUVWXYZ ABCDEFGHIJKLMNOPQRS",
        sex: "1",
        birthDate: .date(year: 2000, month: 2, day: 29),
        idNumber: number("93110020000229001"),
        validFrom: .date(year: 2024, month: 1, day: 1),
        validTo: .date(year: 2034, month: 1, day: 1),
        nationality: "840",
        renewalCount: "01",
        previousCardLink: "123"
    )

    public static let all: [(label: String, text: CardText)] = [
        ("resident", resident),
        ("hkMacaoTaiwan 'J'", hkMacaoTaiwan),
        ("foreigner2017 'I'", foreigner2017),
        ("foreigner2023 'Y'", foreigner2023),
    ]

    public static let edgeCases: [(label: String, text: CardText)] = [
        ("resident-longterm-surrogate", residentLongTerm),
        ("foreigner2023-full-part1", foreigner2023FullPart1),
    ]

    /// A 1024-byte stand-in for a WLT photo: "WL" then deterministic noise.
    public static let photo: [UInt8] = {
        var out: [UInt8] = [0x57, 0x4C]
        var x: UInt32 = 0x2545_F491
        while out.count < CardPayload.photoSize {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5
            out.append(UInt8(truncatingIfNeeded: x))
        }
        return out
    }()

    /// The complete `30 01` answer on the wire: preamble, length, `00 00 90`, textLen, photoLen, text,
    /// photo, checksum.
    public static func readFrame(_ text: CardText) -> [UInt8] {
        let data = CardPayload(text: TextBlock.encode(text), photo: photo).encoded(withFingerprint: false)
        return ResponseFrame(status: .ok, data: data).encoded()
    }
}

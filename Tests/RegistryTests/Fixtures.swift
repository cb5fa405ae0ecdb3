import Foundation
import IDCard
@testable import Registry

/// Synthetic people (made up; valid GB 11643 check characters unless a test says otherwise).
enum Fixtures {
    /// An 18-character number for region + birth (YYYYMMDD) + 3-digit sequence, with the right check char.
    static func idNumber(region: String, birth: String, sequence: String) -> String {
        let first17 = region + birth + sequence
        return first17 + String(IDNumber.checkCharacter(forFirst17: first17)!)
    }

    /// The same number with a wrong check character.
    static func withWrongCheck(_ number: String) -> String {
        let last = number.last!
        return String(number.dropLast()) + (last == "0" ? "1" : "0")
    }

    struct SyntheticPerson: Sendable {
        var name: String
        var sex: String
        var birth: RegisterDate
        var idNumber: String
        var phone: String
        var address: String
    }

    static let zhangWei = SyntheticPerson(
        name: "张伟", sex: "1", birth: RegisterDate("1990-03-07")!,
        idNumber: idNumber(region: "110105", birth: "19900307", sequence: "131"), phone: "13800138001",
        address: "北京市朝阳区安慧里一区5号楼")
    static let liNa = SyntheticPerson(
        name: "李娜", sex: "2", birth: RegisterDate("1985-11-20")!,
        idNumber: idNumber(region: "440305", birth: "19851120", sequence: "242"), phone: "13900139002",
        address: "广东省深圳市南山区蛇口街道")
    static let wangFang = SyntheticPerson(
        name: "王芳", sex: "2", birth: RegisterDate("1992-07-01")!,
        idNumber: idNumber(region: "310104", birth: "19920701", sequence: "368"), phone: "13700137003",
        address: "上海市徐汇区漕溪北路")
    static let zhaoLei = SyntheticPerson(
        name: "赵磊", sex: "1", birth: RegisterDate("1978-01-15")!,
        idNumber: idNumber(region: "320102", birth: "19780115", sequence: "451"), phone: "13600136004",
        address: "江苏省南京市玄武区")
    static let chenJing = SyntheticPerson(
        name: "陈静", sex: "2", birth: RegisterDate("1988-09-09")!,
        idNumber: idNumber(region: "510104", birth: "19880909", sequence: "522"), phone: "13500135005",
        address: "四川省成都市锦江区")
    /// A child (for minors and relation rules).
    static let liuYang = SyntheticPerson(
        name: "刘洋", sex: "1", birth: RegisterDate("2015-05-05")!,
        idNumber: idNumber(region: "110105", birth: "20150505", sequence: "017"), phone: "13400134006",
        address: "北京市朝阳区安慧里一区5号楼")

    static let everyone = [zhangWei, liNa, wangFang, zhaoLei, chenJing, liuYang]

    /// A recognisable 1024-byte WLT photo blob.
    static func photo(seed: UInt8) -> [UInt8] {
        [0x57, 0x4C] + (0..<1022).map { UInt8(truncatingIfNeeded: Int($0) &* 31 &+ Int(seed) &* 7 &+ 11) }
    }

    /// Two 512-byte fingerprint templates.
    static func fingerprints(seed: UInt8) -> [[UInt8]] {
        [(0..<512).map { UInt8(truncatingIfNeeded: Int($0) &* 13 &+ Int(seed)) },
         (0..<512).map { UInt8(truncatingIfNeeded: Int($0) &* 17 &+ Int(seed) &+ 5) }]
    }

    /// A resident card read of `person` (optionally with another number on the card).
    static func card(_ person: SyntheticPerson, idNumber: String? = nil, photoSeed: UInt8 = 1) -> CardRead {
        var text = CardText(
            cardType: .resident, name: person.name, sex: person.sex, nation: "01",
            birthDate: .date(year: person.birth.year, month: person.birth.month, day: person.birth.day),
            address: person.address, idNumber: idNumber ?? person.idNumber, issuer: "北京市公安局朝阳分局",
            validFrom: .date(year: 2016, month: 1, day: 1), validTo: .date(year: 2036, month: 1, day: 1))
        text.warnings = IDNumber.warnings(for: text)
        return CardRead(text: text, photoWlt: photo(seed: photoSeed), fingerprints: fingerprints(seed: photoSeed),
                        samId: "05.01-20160101-0000000001-1234567890", reader: "sim:test")
    }

    /// A typed-in draft of `person`.
    static func draft(_ person: SyntheticPerson, idNumber: String?? = .none) -> PersonDraft {
        PersonDraft(documentType: .residentCard, idNumber: idNumber ?? person.idNumber, name: person.name,
                    sex: person.sex, nation: "01", birthDate: person.birth, address: person.address, phone: person.phone)
    }

    /// A valid stay: arrived 2024-03-01 as 承租人 for work.
    static let stay = StayDraft(arrivalDate: RegisterDate("2024-03-01"), relation: "91", plannedStay: "4",
                                residenceReason: "01", housingType: "02")
}

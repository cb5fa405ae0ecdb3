import IDCard
import SAMProtocol

/// A seeded generator of plausible, clearly synthetic card holders for the reader emulator.
///
/// The same seed and reference date always give the same sequence of cards. Nothing here comes from a
/// real person: names are drawn from common-name lists, numbers are computed (GB 11643 rules), streets and
/// estates are stock names. Dates are computed against ``referenceDate`` (not the wall clock), so a deck
/// does not change from one day to the next.
///
/// - Resident cards: a real county-level GB/T 2260 code, a birth date, a 3-digit sequence whose parity
///   matches the sex (odd male, even female), the MOD 11-2 check character; validity 5/10/20 years or
///   长期 by the age at issue (under 16, 16–25, 26–45, 46 and over).
/// - 港澳台 residence permits ('J'): 810000/820000/830000 numbers, pass number (H/M + 8 digits, or
///   8 digits for Taiwan), issue count "01", no nation.
/// - 2017 foreigner cards ('I'): alpha-3 nationality + authority code (4) + YYMMDD + 2-digit sequence.
/// - 2023 foreigner cards ('Y'): `9` + province (2) + numeric nationality (3) + birth date + sequence +
///   check character; English names sometimes long enough to continue in part 2.
/// - Broken cards (``Kind/isBroken``) for testing warnings; two of them are raw text blocks.
public struct SyntheticPeople: Sendable {
    /// What kind of card to generate. The raw values are the names used in decks (`generate` in deck
    /// files, `place NAME` for the built-in deck).
    public enum Kind: String, CaseIterable, Sendable, Hashable {
        /// 居民身份证.
        case resident
        /// 港澳台居民居住证 of a Hong Kong resident (810000).
        case hongKong = "hk"
        /// 港澳台居民居住证 of a Macao resident (820000).
        case macao = "macau"
        /// 港澳台居民居住证 of a Taiwan resident (830000).
        case taiwan
        /// 外国人永久居留身份证, 2017 layout.
        case foreigner2017
        /// 外国人永久居留身份证, 2023 layout.
        case foreigner2023
        /// A resident card whose number has a wrong check character.
        case badCheck = "bad-check"
        /// A resident card whose number starts with a region code unknown to GB/T 2260.
        case badRegion = "bad-region"
        /// A resident card born on 19990231 (not a calendar date), in the field and in the number.
        case badDate = "bad-date"
        /// A resident card whose birth-date field holds a letter (`19900A15`).
        case badDateText = "bad-date-text"
        /// A raw text block with the unknown type marker 'X' at bytes 248–249.
        case badMarker = "bad-marker"
        /// A raw text block whose name holds an unpaired UTF-16 surrogate.
        case badSurrogate = "bad-surrogate"

        /// True for the deliberately broken kinds.
        public var isBroken: Bool { rawValue.hasPrefix("bad-") }

        /// The well-formed kinds.
        public static let valid: [Kind] = allCases.filter { !$0.isBroken }
    }

    /// The three regions of 港澳台 residence permits, with their region codes.
    public enum PermitRegion: String, CaseIterable, Sendable, Hashable {
        /// Hong Kong, 810000.
        case hongKong = "810000"
        /// Macao, 820000.
        case macao = "820000"
        /// Taiwan, 830000.
        case taiwan = "830000"
    }

    /// The date generated ages and validity periods are computed against.
    public static let defaultReferenceDate: CardDate = .date(year: 2025, month: 6, day: 1)

    /// The generator's state.
    public private(set) var rng: SplitMix64
    /// "Today" for generated cards (a calendar date).
    public let referenceDate: CardDate
    let today: SimDate

    /// A generator for `seed`. A `referenceDate` that is not a calendar date is replaced by
    /// ``defaultReferenceDate``.
    public init(seed: UInt64, referenceDate: CardDate = defaultReferenceDate) {
        self.rng = SplitMix64(seed: seed)
        let date = SimDate(referenceDate).flatMap { $0.cardDate.isCalendarDate ? $0 : nil }
            ?? SimDate(Self.defaultReferenceDate)!
        self.today = date
        self.referenceDate = date.cardDate
    }

    // MARK: - Whole cards

    /// A deck card of `kind` named `name`, with a synthetic photo, `fingerprintCount` (0–2) templates,
    /// `addressCount` (0–4) appended addresses and a random 8-byte card serial.
    public mutating func card(_ kind: Kind, name: String, fingerprintCount: Int = 0, addressCount: Int = 0) -> DeckCard {
        card(text(kind), name: name, fingerprintCount: fingerprintCount, addressCount: addressCount)
    }

    /// A deck card with the given text and generated photo, fingerprints, addresses and serial.
    public mutating func card(_ text: DeckText, name: String, fingerprintCount: Int = 0, addressCount: Int = 0) -> DeckCard {
        DeckCard(
            name: name,
            text: text,
            photo: photo(),
            fingerprints: fingerprints(count: fingerprintCount),
            appendedAddresses: appendedAddresses(count: addressCount),
            cardSerial: cardSerial()
        )
    }

    /// A random well-formed card: mostly resident cards, some permits and foreigner cards; fingerprints
    /// and appended addresses sometimes.
    public mutating func randomCard(name: String) -> DeckCard {
        let roll = rng.below(100)
        let kind: Kind =
            switch roll {
            case ..<70: .resident
            case ..<76: .hongKong
            case ..<80: .macao
            case ..<85: .taiwan
            case ..<92: .foreigner2017
            default: .foreigner2023
            }
        let fpRoll = rng.below(10)
        let fingerprintCount = fpRoll < 4 ? 2 : (fpRoll < 5 ? 1 : 0)
        let addressCount = rng.chance(percent: 20) ? rng.int(in: 1...4) : 0
        return card(kind, name: name, fingerprintCount: fingerprintCount, addressCount: addressCount)
    }

    /// `count` random cards named `random-1`, `random-2`, ….
    public mutating func deck(count: Int) -> [DeckCard] {
        (0..<count).map { randomCard(name: "random-\($0 + 1)") }
    }

    /// The text of a card of `kind`: a ``CardText`` for all but the two raw kinds.
    public mutating func text(_ kind: Kind) -> DeckText {
        switch kind {
        case .resident: return .card(resident())
        case .hongKong: return .card(hkMacaoTaiwan(.hongKong))
        case .macao: return .card(hkMacaoTaiwan(.macao))
        case .taiwan: return .card(hkMacaoTaiwan(.taiwan))
        case .foreigner2017: return .card(foreigner2017())
        case .foreigner2023: return .card(foreigner2023())
        case .badCheck:
            var text = resident()
            let number = Array(text.idNumber!)
            let wrong = "10X98765432".filter { $0 != number[17] }
            text.idNumber = String(number[0..<17]) + String(rng.pick(wrong))
            return .card(text)
        case .badRegion:
            var text = resident()
            var region = ""
            repeat {
                region = "9" + String(rng.int(in: 10000...99999))
            } while Regions.name(forCode: region) != nil
            text.idNumber = Self.gb11643(region + String(text.idNumber!.dropFirst(6).prefix(11)))
            return .card(text)
        case .badDate:
            var text = resident(birth: SimDate(year: 1999, month: 2, day: 31))
            text.birthDate = .unparsed("19990231")
            return .card(text)
        case .badDateText:
            var text = resident()
            let digits = Array(text.birthDate!.cardValue)
            text.birthDate = .unparsed(String(digits[0..<5]) + "A" + String(digits[6...]))
            return .card(text)
        case .badMarker:
            var block = TextBlock.encode(resident())
            block[TextBlock.markerBytes.lowerBound] = UInt8(ascii: "X")
            block[TextBlock.markerBytes.upperBound] = 0x00
            return .raw(block)
        case .badSurrogate:
            var block = TextBlock.encode(resident())
            // The name's second code unit becomes a lone high surrogate (U+D83D) between two characters.
            let name = Array(block[0..<30])
            let shifted = Array(name[0..<2]) + [0x3D, 0xD8] + Array(name[2..<28])
            block.replaceSubrange(0..<30, with: shifted)
            return .raw(block)
        }
    }

    // MARK: - Text records

    /// A resident card (居民身份证). `sex` is a GB/T 2261.1 code ("1" or "2"); `age` limits the age at the
    /// reference date.
    public mutating func resident(sex: String? = nil, age: ClosedRange<Int> = 1...85) -> CardText {
        resident(sex: sex, birth: birthDate(age: age))
    }

    mutating func resident(sex: String? = nil, birth: SimDate) -> CardText {
        let sexCode = sex ?? (rng.chance(percent: 50) ? "1" : "2")
        let region = rng.pick(Self.countyRegions)
        let (from, to) = residentValidity(birth: birth)
        return CardText(
            cardType: .resident,
            name: chineseName(),
            sex: sexCode,
            nation: nationCode(),
            birthDate: birth.cardDate,
            address: address(in: region.code),
            idNumber: Self.gb11643(region.code + birth.digits + sequence(sex: sexCode)),
            issuer: Self.issuer(forRegion: region.code),
            validFrom: from.cardDate,
            validTo: to
        )
    }

    /// A 港澳台居民居住证 ('J'); a random region when `region` is nil.
    public mutating func hkMacaoTaiwan(_ region: PermitRegion? = nil) -> CardText {
        let place = region ?? rng.pick(PermitRegion.allCases)
        let sexCode = rng.chance(percent: 50) ? "1" : "2"
        let birth = birthDate(age: 1...80)
        let residence = rng.pick(Self.countyRegions)
        let issued = issueDate(birth: birth)
        let pass: String
        switch place {
        case .hongKong: pass = "H" + digits(8)
        case .macao: pass = "M" + digits(8)
        case .taiwan: pass = digits(8)
        }
        return CardText(
            cardType: .hkMacaoTaiwan,
            name: chineseName(),
            sex: sexCode,
            birthDate: birth.cardDate,
            address: address(in: residence.code),
            idNumber: Self.gb11643(place.rawValue + birth.digits + sequence(sex: sexCode)),
            issuer: Self.issuer(forRegion: residence.code),
            validFrom: issued.cardDate,
            validTo: issued.adding(years: 5).cardDate,
            passNumber: pass,
            issueCount: "01"
        )
    }

    /// A 2017 外国人永久居留身份证 ('I').
    public mutating func foreigner2017() -> CardText {
        let given = rng.pick(Self.foreignGivenNames)
        let surname = rng.pick(Self.foreignSurnames)
        let nationality = rng.pick(Self.nationalities)
        let birth = birthDate(age: 18...80)
        let issued = issueDate(birth: birth)
        let authority = rng.pick(Self.provinceCodes) + "00"
        let yymmdd = String(birth.digits.dropFirst(2))
        return CardText(
            cardType: .foreigner2017,
            name: given.chinese + "·" + surname.chinese,
            englishName: surname.english + ", " + given.english,
            sex: given.sex,
            birthDate: birth.cardDate,
            idNumber: nationality.alpha3 + authority + yymmdd + digits(2),
            validFrom: issued.cardDate,
            validTo: issued.adding(years: 10).cardDate,
            nationality: nationality.alpha3,
            cardVersion: "20",
            authorityCode: authority
        )
    }

    /// A 2023 外国人永久居留身份证 ('Y'). With `longEnglishName` (random when nil) the English name is
    /// longer than the 35 characters of part 1 and continues in part 2 (at most 46 in all).
    public mutating func foreigner2023(longEnglishName: Bool? = nil) -> CardText {
        let given = rng.pick(Self.foreignGivenNames)
        let surname = rng.pick(Self.foreignSurnames)
        let nationality = rng.pick(Self.nationalities)
        let birth = birthDate(age: 18...80)
        let issued = issueDate(birth: birth)
        let renewals = rng.below(3)
        var english = surname.english + ", " + given.english
        if longEnglishName ?? rng.chance(percent: 40) {
            english = longName(base: english)
        }
        return CardText(
            cardType: .foreigner2023,
            name: given.chinese + "·" + surname.chinese,
            englishName: english,
            sex: given.sex,
            birthDate: birth.cardDate,
            idNumber: Self.gb11643(
                "9" + rng.pick(Self.provinceCodes) + nationality.numeric + birth.digits + sequence(sex: given.sex)),
            validFrom: issued.cardDate,
            validTo: issued.adding(years: 10).cardDate,
            nationality: nationality.alpha3,
            renewalCount: "0" + String(renewals),
            previousCardLink: renewals == 0 ? nil : digits(3)
        )
    }

    // MARK: - Photo, fingerprints, addresses, serial

    /// A synthetic 1024-byte WLT blob: "WL" (57 4C) followed by pseudo-random bytes. Not a decodable image.
    public mutating func photo() -> [UInt8] {
        [0x57, 0x4C] + rng.bytes(CardPayload.photoSize - 2)
    }

    /// `count` (0–2) opaque 512-byte fingerprint templates.
    public mutating func fingerprints(count: Int) -> [[UInt8]] {
        (0..<max(0, min(count, 2))).map { _ in rng.bytes(CardPayload.fingerprintTemplateSize) }
    }

    /// `count` (0–4) appended addresses of at most 35 characters (70 bytes of UCS-2).
    public mutating func appendedAddresses(count: Int) -> [String] {
        (0..<max(0, min(count, 4))).map { _ in address(in: rng.pick(Self.countyRegions).code) }
    }

    /// A random 8-byte card serial number (CID).
    public mutating func cardSerial() -> [UInt8] {
        rng.bytes(8)
    }

    // MARK: - Parts

    /// A GB 11643 number: 17 digits followed by their MOD 11-2 check character.
    static func gb11643(_ first17: String) -> String {
        first17 + String(IDNumber.checkCharacter(forFirst17: first17)!)
    }

    /// The issuing authority for a county-level code: 某某市公安局某某分局 for a district, 某某县公安局 (or
    /// 某某市公安局 for a county-level city) otherwise; at most 15 characters (a long county name is cut).
    static func issuer(forRegion code: String) -> String {
        let county = Regions.name(forCode: code) ?? "某某"
        let prefecture = Regions.name(forCode: String(code.prefix(4)) + "00")
        let province = Regions.name(forCode: String(code.prefix(2)) + "0000")
        let city = prefecture.flatMap { placeholderRegionNames.contains($0) ? nil : $0 } ?? province ?? ""
        var text = county + "公安局"
        if county.hasSuffix("区"), county.count > 1 {
            text = city + "公安局" + county.dropLast() + "分局"
        }
        if text.count > 15 { text = String(county.prefix(12)) + "公安局" }
        return text
    }

    /// A Chinese name: a surname and one or two given-name characters.
    mutating func chineseName() -> String {
        let count = rng.chance(percent: 70) ? 2 : 1
        return rng.pick(Self.surnames) + (0..<count).map { _ in rng.pick(Self.givenNameCharacters) }.joined()
    }

    /// An address in the region: full region name, street, number, often an estate with building, unit and
    /// room; at most 35 characters.
    mutating func address(in code: String) -> String {
        let region = Regions.fullName(forCode: code) ?? ""
        let street = rng.pick(Self.streets) + String(rng.int(in: 1...399)) + "号"
        var detail = ""
        if rng.chance(percent: 60) {
            detail = rng.pick(Self.estates) + String(rng.int(in: 1...30)) + "栋" + String(rng.int(in: 1...6)) + "单元"
                + String(rng.int(in: 1...32)) + zeroPadded(rng.int(in: 1...8), width: 2) + "室"
        }
        for candidate in [region + street + detail, region + street] where candidate.utf16.count <= 35 {
            return candidate
        }
        return UCS2.decode(UCS2.encode(region + street, width: 70)).text
    }

    /// A nation code: 01 (汉) most of the time, else one of 02–56.
    mutating func nationCode() -> String {
        if rng.chance(percent: 85) { return "01" }
        return rng.pick(Nation.all.filter { $0.code != "01" && $0.code < "57" }).code
    }

    /// A birth date for someone whose age at the reference date is within `age`.
    mutating func birthDate(age: ClosedRange<Int>) -> SimDate {
        let latest = today.adding(years: -age.lowerBound).dayNumber
        let earliest = today.adding(years: -(age.upperBound + 1)).dayNumber + 1
        return SimDate(dayNumber: rng.int(in: earliest...latest))
    }

    /// An issue date in the last four years, but not before the holder's first month.
    mutating func issueDate(birth: SimDate) -> SimDate {
        let issued = today.adding(days: -rng.below(4 * 365))
        return max(issued, birth.adding(days: 30))
    }

    /// Validity of a resident card: 5 years under 16 at issue, 10 years to 25, 20 years to 45, else 长期.
    mutating func residentValidity(birth: SimDate) -> (SimDate, CardDate) {
        let issued = issueDate(birth: birth)
        let age = birth.years(until: issued)
        switch age {
        case ..<16: return (issued, issued.adding(years: 5).cardDate)
        case ..<26: return (issued, issued.adding(years: 10).cardDate)
        case ..<46: return (issued, issued.adding(years: 20).cardDate)
        default: return (issued, .longTerm)
        }
    }

    /// A 3-digit sequence code whose parity matches the sex code: odd for "1" (male), even otherwise.
    mutating func sequence(sex: String) -> String {
        let value = sex == "1" ? rng.int(in: 0...499) * 2 + 1 : rng.int(in: 1...499) * 2
        return zeroPadded(value, width: 3)
    }

    /// `count` random decimal digits.
    mutating func digits(_ count: Int) -> String {
        String((0..<count).map { _ in Character(Unicode.Scalar(UInt8(0x30 + rng.below(10)))) })
    }

    /// An English name longer than 35 characters and at most 46, built by adding middle names.
    mutating func longName(base: String) -> String {
        for _ in 0..<16 {
            var name = base
            while name.utf16.count <= 35 { name += " " + rng.pick(Self.foreignMiddleNames) }
            if name.utf16.count <= 46 { return name }
        }
        var name = base
        while name.utf16.count <= 35 { name += " ALEX" }
        return name
    }
}

/// `value` in decimal, left-padded with zeros to `width` digits.
func zeroPadded(_ value: Int, width: Int) -> String {
    let s = value.description
    return String(repeating: "0", count: max(0, width - s.count)) + s
}

extension IDNumber {
    /// Checks a number as it appears on a card of `cardType`; returns warnings, never rejects.
    ///
    /// The number is checked as given: call ``normalize(_:)`` first for typed input.
    /// - resident, 港澳台 permit ('J'): 17 digits + check character (digit or `X`; `x` is reported as a
    ///   wrong check character), else
    ///   ``CardWarning/idNumberMalformed``; a region unknown to GB/T 2260 (``Regions``) →
    ///   ``CardWarning/idNumberUnknownRegion``; for 'J' a region not starting with 81/82/83 →
    ///   ``CardWarning/idNumberNotPermitRegion``; a birth date (digits 7–14) that is not a calendar date →
    ///   ``CardWarning/idNumberInvalidBirthDate``; a wrong check character →
    ///   ``CardWarning/idNumberCheckCharacter``.
    /// - 2017 foreigner ('I'): 3 letters A–Z + 12 digits, else malformed.
    /// - 2023 foreigner ('Y'): `9` + 16 digits + check character, else malformed; the same MOD 11-2
    ///   check, and the birth date in digits 7–14 (the 2023 rules mirror GB 11643:
    ///   9, 2-digit province, 3-digit nationality, birth date, sequence, check).
    public static func validate(_ number: String, cardType: CardType) -> [CardWarning] {
        let b = Array(number.utf8)
        switch cardType {
        case .resident, .hkMacaoTaiwan:
            guard hasGB11643Shape(b) else { return [.idNumberMalformed] }
            var warnings: [CardWarning] = []
            let region = String(decoding: b[0..<6], as: UTF8.self)
            if cardType == .hkMacaoTaiwan, !Regions.isHongKongMacaoTaiwan(region) {
                warnings.append(.idNumberNotPermitRegion)
            }
            if Regions.name(forCode: region) == nil {
                warnings.append(.idNumberUnknownRegion)
            }
            warnings += dateAndCheckWarnings(number, b)
            return warnings
        case .foreigner2017:
            guard hasForeigner2017Shape(b) else { return [.idNumberMalformed] }
            return []
        case .foreigner2023:
            guard hasGB11643Shape(b), b[0] == UInt8(ascii: "9") else { return [.idNumberMalformed] }
            return dateAndCheckWarnings(number, b)
        case .physicalOnly:
            return []
        }
    }

    /// All number warnings for a text record: ``CardWarning/idNumberMissing`` when there is no number,
    /// else ``validate(_:cardType:)`` plus the cross-field checks — the birth date inside an 18-character
    /// number against the card's birth date (``CardWarning/idNumberBirthDateMismatch``), and for 2017
    /// foreigner cards the number's three letters against the nationality field
    /// (``CardWarning/idNumberNationalityMismatch``).
    public static func warnings(for text: CardText) -> [CardWarning] {
        if text.cardType == .physicalOnly { return [] }
        guard let number = text.idNumber else { return [.idNumberMissing] }
        var warnings = validate(number, cardType: text.cardType)
        switch text.cardType {
        case .resident, .hkMacaoTaiwan, .foreigner2023:
            if let inNumber = birthDate(of: number), case .date? = text.birthDate,
               text.birthDate != inNumber {
                warnings.append(.idNumberBirthDateMismatch)
            }
        case .physicalOnly:
            break
        case .foreigner2017:
            let b = Array(number.utf8)
            if hasForeigner2017Shape(b), let nationality = text.nationality,
               String(decoding: b[0..<3], as: UTF8.self) != nationality {
                warnings.append(.idNumberNationalityMismatch)
            }
        }
        return warnings
    }

    /// 17 ASCII digits followed by an ASCII digit or `X` (a lower-case `x` passes the shape check and
    /// then fails the check-character comparison, which is the more useful warning).
    static func hasGB11643Shape(_ b: [UInt8]) -> Bool {
        b.count == 18 && b[0..<17].allSatisfy(\.isASCIIDigit)
            && (b[17].isASCIIDigit || b[17] == UInt8(ascii: "X") || b[17] == UInt8(ascii: "x"))
    }

    /// 3 ASCII capital letters followed by 12 ASCII digits.
    static func hasForeigner2017Shape(_ b: [UInt8]) -> Bool {
        b.count == 15 && b[0..<3].allSatisfy(\.isASCIIUpper) && b[3...].allSatisfy(\.isASCIIDigit)
    }

    /// Birth-date and check-character warnings for a number of GB 11643 shape.
    private static func dateAndCheckWarnings(_ number: String, _ b: [UInt8]) -> [CardWarning] {
        var warnings: [CardWarning] = []
        if birthDate(of: number) == nil {
            warnings.append(.idNumberInvalidBirthDate)
        }
        let expected = checkCharacter(forFirst17: String(decoding: b[0..<17], as: UTF8.self))
        if expected.map({ Character(Unicode.Scalar(b[17])) != $0 }) ?? true {
            warnings.append(.idNumberCheckCharacter)
        }
        return warnings
    }
}

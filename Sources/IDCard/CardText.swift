/// The decoded 256-byte text block of one card, for all four card layouts.
///
/// Fields a layout does not have stay `nil`; empty (all-padding) fields are `nil` too. Text is kept as on
/// the card (trailing padding trimmed); codes (sex, nation) are kept as codes, with ``sexText`` and
/// ``nationText`` for display. ``warnings`` lists what looked wrong; nothing is ever rejected.
public struct CardText: Sendable, Hashable {
    /// Which of the four layouts the block uses (from the marker at bytes 248–249).
    public var cardType: CardType
    /// Chinese name: resident, 'J' and 'Y' cards; the Chinese-name field of 'I' cards.
    public var name: String?
    /// English name: 'I' cards; 'Y' cards (part 1 and part 2 joined).
    public var englishName: String?
    /// Sex code as on the card (GB/T 2261.1), e.g. `"1"`.
    public var sex: String?
    /// Nation code, 2 digits (GB/T 3304); resident cards only.
    public var nation: String?
    /// Date of birth.
    public var birthDate: CardDate?
    /// Address (住址): resident and 'J' cards.
    public var address: String?
    /// 公民身份号码, residence-permit number, or permanent-residence card number.
    public var idNumber: String?
    /// Issuing authority (签发机关): resident and 'J' cards.
    public var issuer: String?
    /// Start of validity; the issue date on 'I' and 'Y' cards.
    public var validFrom: CardDate?
    /// End of validity: a date or `.longTerm` (长期).
    public var validTo: CardDate?
    /// 'J' cards: the holder's 港澳台 travel-permit number (9 characters).
    public var passNumber: String?
    /// 'J' cards: issue count (签发次数, 2 digits).
    public var issueCount: String?
    /// 'I' cards: ISO 3166 alpha-3 nationality; 'Y' cards: the nationality code as on the card.
    public var nationality: String?
    /// 'I' cards: card version.
    public var cardVersion: String?
    /// 'I' cards: accepting-authority code.
    public var authorityCode: String?
    /// 'Y' cards: renewal count (换证次数).
    public var renewalCount: String?
    /// 'Y' cards: link to the previous card number, raw (its derivation is unconfirmed).
    public var previousCardLink: String?
    /// What looked wrong, as stable codes, without duplicates.
    public var warnings: [CardWarning]

    /// A text record; every field but the card type defaults to absent.
    public init(
        cardType: CardType,
        name: String? = nil,
        englishName: String? = nil,
        sex: String? = nil,
        nation: String? = nil,
        birthDate: CardDate? = nil,
        address: String? = nil,
        idNumber: String? = nil,
        issuer: String? = nil,
        validFrom: CardDate? = nil,
        validTo: CardDate? = nil,
        passNumber: String? = nil,
        issueCount: String? = nil,
        nationality: String? = nil,
        cardVersion: String? = nil,
        authorityCode: String? = nil,
        renewalCount: String? = nil,
        previousCardLink: String? = nil,
        warnings: [CardWarning] = []
    ) {
        self.cardType = cardType
        self.name = name
        self.englishName = englishName
        self.sex = sex
        self.nation = nation
        self.birthDate = birthDate
        self.address = address
        self.idNumber = idNumber
        self.issuer = issuer
        self.validFrom = validFrom
        self.validTo = validTo
        self.passNumber = passNumber
        self.issueCount = issueCount
        self.nationality = nationality
        self.cardVersion = cardVersion
        self.authorityCode = authorityCode
        self.renewalCount = renewalCount
        self.previousCardLink = previousCardLink
        self.warnings = warnings
    }

    /// The sex name (男, 女, 未知的性别, 未说明的性别), or `nil` if absent or unknown.
    public var sexText: String? {
        sex.flatMap(Sex.name(forCode:))
    }

    /// The nation name (e.g. 汉族), or `nil` if absent or unknown.
    public var nationText: String? {
        nation.flatMap(Nation.name(forCode:))
    }
}

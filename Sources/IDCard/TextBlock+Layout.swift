extension TextBlock {
    /// A field of the text block, in any of the four layouts.
    public enum Field: String, Sendable, Hashable, CaseIterable {
        /// Chinese name.
        case name
        /// English name ('I'), or its first part ('Y').
        case englishName
        /// Second part of the English name ('Y').
        case englishNamePart2
        /// Sex code.
        case sex
        /// Nation code (resident).
        case nation
        /// Birth date `YYYYMMDD`.
        case birthDate
        /// Address.
        case address
        /// ID / permit / permanent-residence number.
        case idNumber
        /// Issuing authority.
        case issuer
        /// Valid from / issue date `YYYYMMDD`.
        case validFrom
        /// Valid to `YYYYMMDD` or 长期.
        case validTo
        /// 港澳台 travel-permit number ('J').
        case passNumber
        /// Issue count ('J').
        case issueCount
        /// Nationality ('I': alpha-3, 'Y': code).
        case nationality
        /// Card version ('I').
        case cardVersion
        /// Accepting-authority code ('I').
        case authorityCode
        /// Renewal count ('Y').
        case renewalCount
        /// Link to the previous card number ('Y', raw).
        case previousCardLink
    }

    /// Where one field sits in the block: an inclusive byte range, as written in domain.md §2.
    public struct Slot: Sendable, Hashable {
        /// The field.
        public let field: Field
        /// Its bytes, first...last (inclusive).
        public let bytes: ClosedRange<Int>
    }

    /// The type marker's bytes (one UCS-2LE character), the same in every layout.
    public static let markerBytes: ClosedRange<Int> = 248...249

    /// The field table of a layout, in byte order. Bytes not covered (reserved areas and the marker) are
    /// written as spaces, except the marker.
    public static func layout(for cardType: CardType) -> [Slot] {
        switch cardType {
        case .resident: residentLayout
        case .hkMacaoTaiwan: hkMacaoTaiwanLayout
        case .foreigner2017: foreigner2017Layout
        case .foreigner2023: foreigner2023Layout
        case .physicalOnly: []
        }
    }

    /// 居民身份证. 220–255 reserved (the marker bytes are spaces).
    static let residentLayout: [Slot] = [
        Slot(field: .name, bytes: 0...29),
        Slot(field: .sex, bytes: 30...31),
        Slot(field: .nation, bytes: 32...35),
        Slot(field: .birthDate, bytes: 36...51),
        Slot(field: .address, bytes: 52...121),
        Slot(field: .idNumber, bytes: 122...157),
        Slot(field: .issuer, bytes: 158...187),
        Slot(field: .validFrom, bytes: 188...203),
        Slot(field: .validTo, bytes: 204...219),
    ]

    /// 港澳台居民居住证 ('J'). 32–35 and 242–247 reserved; 248–249 marker; 250–255 reserved.
    static let hkMacaoTaiwanLayout: [Slot] = [
        Slot(field: .name, bytes: 0...29),
        Slot(field: .sex, bytes: 30...31),
        Slot(field: .birthDate, bytes: 36...51),
        Slot(field: .address, bytes: 52...121),
        Slot(field: .idNumber, bytes: 122...157),
        Slot(field: .issuer, bytes: 158...187),
        Slot(field: .validFrom, bytes: 188...203),
        Slot(field: .validTo, bytes: 204...219),
        Slot(field: .passNumber, bytes: 220...237),
        Slot(field: .issueCount, bytes: 238...241),
    ]

    /// 外国人永久居留身份证 2017 ('I'). 248–249 marker; 250–255 reserved.
    static let foreigner2017Layout: [Slot] = [
        Slot(field: .englishName, bytes: 0...119),
        Slot(field: .sex, bytes: 120...121),
        Slot(field: .idNumber, bytes: 122...151),
        Slot(field: .nationality, bytes: 152...157),
        Slot(field: .name, bytes: 158...187),
        Slot(field: .validFrom, bytes: 188...203),
        Slot(field: .validTo, bytes: 204...219),
        Slot(field: .birthDate, bytes: 220...235),
        Slot(field: .cardVersion, bytes: 236...239),
        Slot(field: .authorityCode, bytes: 240...247),
    ]

    /// 外国人永久居留身份证 2023 ('Y'). 158–187 reserved; 248–249 marker.
    static let foreigner2023Layout: [Slot] = [
        Slot(field: .name, bytes: 0...29),
        Slot(field: .sex, bytes: 30...31),
        Slot(field: .renewalCount, bytes: 32...35),
        Slot(field: .birthDate, bytes: 36...51),
        Slot(field: .englishName, bytes: 52...121),
        Slot(field: .idNumber, bytes: 122...157),
        Slot(field: .validFrom, bytes: 188...203),
        Slot(field: .validTo, bytes: 204...219),
        Slot(field: .englishNamePart2, bytes: 220...241),
        Slot(field: .nationality, bytes: 242...247),
        Slot(field: .previousCardLink, bytes: 250...255),
    ]
}

/// The four layouts of a second-generation card's 256-byte text block.
///
/// The raw value is the stable `cardType` string of the card JSON (protocol-docs/card-json.md).
public enum CardType: String, Sendable, Hashable, Codable, CaseIterable {
    /// 居民身份证 (no marker, or any marker other than J/I/Y).
    case resident
    /// 港澳台居民居住证 (marker 'J' at bytes 248–249).
    case hkMacaoTaiwan
    /// 外国人永久居留身份证, 2017 layout (marker 'I').
    case foreigner2017
    /// 外国人永久居留身份证, 2023 layout (marker 'Y').
    case foreigner2023
    /// A contactless card seen by a PC/SC reader without a SAM: only its 8-byte physical card number is
    /// readable (``CardRead/cardNumber``), no identity. Never produced by ``TextBlock/decode(_:)``.
    case physicalOnly

    /// The Chinese name of the card kind, for pages and operator messages.
    public var chineseName: String {
        switch self {
        case .resident: "居民身份证"
        case .hkMacaoTaiwan: "港澳台居民居住证"
        case .foreigner2017: "外国人永久居留身份证（2017版）"
        case .foreigner2023: "外国人永久居留身份证（2023版）"
        case .physicalOnly: "证件（仅物理卡号）"
        }
    }
}

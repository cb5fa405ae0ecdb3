/// A date printed on a card: a calendar date, 长期 (no expiry), or text that is not a valid date.
///
/// Cards store dates as 8 UCS-2 digits `YYYYMMDD`; an expiry may be the characters 长期. Anything else is
/// kept as `.unparsed` with the raw text, and the decoder adds a warning.
public enum CardDate: Sendable, Hashable {
    /// A calendar date (from `YYYYMMDD` on the card, `YYYY-MM-DD` in JSON).
    case date(year: Int, month: Int, day: Int)
    /// 长期: the card does not expire (valid-to field only).
    case longTerm
    /// Text that is neither a calendar date nor 长期, kept raw (trailing padding trimmed).
    case unparsed(String)

    /// The card JSON form: `YYYY-MM-DD`, `长期`, or the raw text.
    public var jsonValue: String {
        switch self {
        case let .date(y, m, d):
            return CardDate.pad(y, 4) + "-" + CardDate.pad(m, 2) + "-" + CardDate.pad(d, 2)
        case .longTerm: return "长期"
        case let .unparsed(raw): return raw
        }
    }
}

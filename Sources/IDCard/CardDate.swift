/// A date printed on a card: a calendar date, 长期 (no expiry), or text that is not a valid date.
///
/// Cards store dates as 8 UCS-2 digits `YYYYMMDD`; an expiry may be the characters 长期. Anything else is
/// kept as `.unparsed` with the raw text, and the decoder adds a warning.
public enum CardDate: Sendable, Hashable {
    case date(year: Int, month: Int, day: Int)
    case longTerm
    case unparsed(String)

    /// The card JSON form: `YYYY-MM-DD`, `长期`, or the raw text.
    public var jsonValue: String {
        switch self {
        case let .date(y, m, d):
            let ys = String(y), ms = String(m), ds = String(d)
            return String(repeating: "0", count: max(0, 4 - ys.count)) + ys + "-"
                + (ms.count < 2 ? "0" + ms : ms) + "-" + (ds.count < 2 ? "0" + ds : ds)
        case .longTerm: return "长期"
        case let .unparsed(raw): return raw
        }
    }
}

extension CardDate {
    /// The text 长期 (no expiry) as printed on cards.
    public static let longTermText = "长期"

    /// Parses a date field as stored on the card: 8 ASCII digits `YYYYMMDD` forming a real calendar date
    /// (Gregorian, leap years), or 长期. Leading and trailing spaces are ignored; empty text gives `nil`;
    /// anything else gives `.unparsed` with the raw (trimmed) text.
    public init?(cardText: String) {
        let text = CardDate.trimmingSpaces(cardText)
        if text.isEmpty { return nil }
        if text == CardDate.longTermText {
            self = .longTerm
            return
        }
        let digits = Array(text.utf8)
        guard digits.count == 8, digits.allSatisfy(\.isASCIIDigit) else {
            self = .unparsed(text)
            return
        }
        let number = { (range: Range<Int>) in range.reduce(0) { $0 * 10 + Int(digits[$1] - 0x30) } }
        let year = number(0..<4), month = number(4..<6), day = number(6..<8)
        guard CardDate.isCalendarDate(year: year, month: month, day: day) else {
            self = .unparsed(text)
            return
        }
        self = .date(year: year, month: month, day: day)
    }

    /// Parses the card JSON form: `YYYY-MM-DD` → `.date` (structurally: 4-digit year, 2-digit month
    /// and day, not checked against the calendar, so any `.date` round-trips), 长期 → `.longTerm`,
    /// anything else → `.unparsed` with the text as is.
    public init(jsonValue: String) {
        if jsonValue == CardDate.longTermText {
            self = .longTerm
            return
        }
        let b = Array(jsonValue.utf8)
        let isDigit = { (i: Int) in b[i].isASCIIDigit }
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy(isDigit)
        else {
            self = .unparsed(jsonValue)
            return
        }
        let number = { (indices: [Int]) in indices.reduce(0) { $0 * 10 + Int(b[$1] - 0x30) } }
        self = .date(year: number([0, 1, 2, 3]), month: number([5, 6]), day: number([8, 9]))
    }

    /// The form stored on the card: `YYYYMMDD`, 长期, or the raw text.
    public var cardValue: String {
        switch self {
        case let .date(y, m, d):
            return CardDate.pad(y, 4) + CardDate.pad(m, 2) + CardDate.pad(d, 2)
        case .longTerm: return CardDate.longTermText
        case let .unparsed(raw): return raw
        }
    }

    /// `(year, month, day)` for a `.date`, else `nil`.
    public var components: (year: Int, month: Int, day: Int)? {
        if case let .date(y, m, d) = self { return (y, m, d) }
        return nil
    }

    /// Whether `.date` holds a real calendar date (Gregorian, leap years). `false` for the other cases.
    public var isCalendarDate: Bool {
        guard let c = components else { return false }
        return CardDate.isCalendarDate(year: c.year, month: c.month, day: c.day)
    }

    /// Whether `year-month-day` is a real date in the proleptic Gregorian calendar (years 1–9999).
    public static func isCalendarDate(year: Int, month: Int, day: Int) -> Bool {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    /// `value` in decimal, left-padded with zeros to `width` digits.
    static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    private static func trimmingSpaces(_ s: String) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\u{3000}" || $0 == "\0" }
        guard let first = s.firstIndex(where: { !isSpace($0) }),
              let last = s.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(s[first...last])
    }
}

extension CardDate: Codable {
    /// Decodes the card JSON form (see ``init(jsonValue:)``).
    public init(from decoder: any Decoder) throws {
        self.init(jsonValue: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes ``jsonValue`` as a single JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(jsonValue)
    }
}

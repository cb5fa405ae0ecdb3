import IDCard

/// A calendar date in the register (birth, arrival, departure, declaration, inspection dates), stored as
/// `YYYY-MM-DD` text so that SQLite compares and checks it (`date(x, '+0 days') = x`).
public struct RegisterDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Year (1–9999).
    public let year: Int
    /// Month (1–12).
    public let month: Int
    /// Day of month (1–28/29/30/31).
    public let day: Int

    /// A date, or `nil` if the numbers do not form a calendar date (Gregorian, years 1–9999).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= RegisterDate.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` or `YYYYMMDD`; `nil` for anything else or a non-existent date.
    public init?(_ text: String) {
        let digits = Array(text.utf8).filter { $0 != UInt8(ascii: "-") }
        let dashed = Array(text.utf8)
        let shapeOK = (dashed.count == 8 && digits.count == 8)
            || (dashed.count == 10 && dashed[4] == UInt8(ascii: "-") && dashed[7] == UInt8(ascii: "-")
                && digits.count == 8)
        guard shapeOK, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        func number(_ range: Range<Int>) -> Int {
            digits[range].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        self.init(year: number(0..<4), month: number(4..<6), day: number(6..<8))
    }

    /// The date printed on a card, if it is a calendar date (not 长期, not unparsed text).
    public init?(_ cardDate: CardDate?) {
        guard case let .date(y, m, d)? = cardDate else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    /// Chronological order.
    public static func < (lhs: RegisterDate, rhs: RegisterDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Full years from `self` (a birth date) to `date` (the age on that date).
    public func years(until date: RegisterDate) -> Int {
        var age = date.year - year
        if (date.month, date.day) < (month, day) { age -= 1 }
        return age
    }

    /// Decodes from a `YYYY-MM-DD` string.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = RegisterDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not a YYYY-MM-DD date: \(text)"))
        }
        self = date
    }

    /// Encodes as a `YYYY-MM-DD` string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

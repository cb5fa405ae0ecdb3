import IDCard

/// A proleptic Gregorian calendar date for generating card data (no time zone, no Foundation calendar).
struct SimDate: Hashable, Comparable, Sendable {
    var year: Int
    var month: Int
    var day: Int

    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `days` days after 1970-01-01 (Howard Hinnant's civil-from-days).
    init(dayNumber days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days since 1970-01-01 (days-from-civil).
    var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    func adding(days: Int) -> SimDate { SimDate(dayNumber: dayNumber + days) }

    /// The same month and day `years` later; 29 February becomes 28 February in a common year.
    func adding(years: Int) -> SimDate {
        var d = SimDate(year: year + years, month: month, day: day)
        if !CardDate.isCalendarDate(year: d.year, month: d.month, day: d.day) { d.day = 28 }
        return d
    }

    /// Whole years from `self` to `later`.
    func years(until later: SimDate) -> Int {
        var n = later.year - year
        if (later.month, later.day) < (month, day) { n -= 1 }
        return n
    }

    var cardDate: CardDate { .date(year: year, month: month, day: day) }

    /// `YYYYMMDD`.
    var digits: String { cardDate.cardValue }

    init?(_ date: CardDate) {
        guard case let .date(y, m, d) = date else { return nil }
        self.init(year: y, month: m, day: d)
    }

    static func < (a: SimDate, b: SimDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
}

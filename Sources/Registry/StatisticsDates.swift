/// Calendar arithmetic on register dates, as the statistics and reminder rules define it.
///
/// Months are added the civil-law way (民法典 第二百零二条): the period ends on the corresponding day of
/// the last month, or on that month's last day when it has no such day (2025-01-31 + 1 month =
/// 2025-02-28). This is monotone (a later start never gives an earlier end), which SQLite's own
/// `date(x, '+1 month')` is not (it gives 2025-03-03). The SQL of the module uses
/// ``RegisterDate/sqlAddingMonths(_:_:)``, which computes the same thing.
extension RegisterDate {
    /// Days since 1970-01-01 (proleptic Gregorian).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `dayNumber` days after 1970-01-01 (`nil` outside years 1–9999).
    public init?(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    /// This date moved by `days` (negative: earlier). Clamped to the years 1–9999.
    public func adding(days: Int) -> RegisterDate {
        RegisterDate(dayNumber: dayNumber + days)
            ?? (days < 0 ? RegisterDate(year: 1, month: 1, day: 1)! : RegisterDate(year: 9999, month: 12, day: 31)!)
    }

    /// This date moved by `months` (negative: earlier), ending on the last day of the target month when
    /// it is shorter (01-31 + 1 month = 02-28 or 02-29).
    public func adding(months: Int) -> RegisterDate {
        let index = year * 12 + (month - 1) + months
        let y = min(9999, max(1, index / 12))
        let m = index / 12 < 1 ? 1 : (index / 12 > 9999 ? 12 : index % 12 + 1)
        return RegisterDate(year: y, month: m, day: min(day, RegisterDate.daysIn(month: m, year: y)))!
    }

    /// This date moved by `years` (02-29 + 1 year = 02-28).
    public func adding(years: Int) -> RegisterDate {
        adding(months: 12 * years)
    }

    /// Days from `self` to `other` (positive when `other` is later).
    public func days(until other: RegisterDate) -> Int {
        other.dayNumber - dayNumber
    }

    /// SQL computing `column` + `months` months the way ``adding(months:)`` does: the earlier of SQLite's
    /// `date(x, '+N months')` (which overflows into the next month) and the last day of the target month.
    static func sqlAddingMonths(_ column: String, _ months: String) -> String {
        "min(date(\(column), printf('%+d months', \(months))), date(\(column), 'start of month', printf('%+d months', (\(months)) + 1), '-1 day'))"
    }
}

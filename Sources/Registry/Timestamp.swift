import Foundation

/// Timestamps of the register: `created_at`, `updated_at` and audit times are UTC text
/// `YYYY-MM-DDTHH:MM:SS.sssZ` (sortable, unambiguous); business dates ("today") are taken in the
/// appliance's time zone (Asia/Shanghai by default).
enum Timestamp {
    /// `date` as `YYYY-MM-DDTHH:MM:SS.sssZ` in UTC.
    static func text(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        let millis = min(999, (c.nanosecond ?? 0) / 1_000_000)
        func p(_ v: Int?, _ w: Int) -> String {
            let s = String(v ?? 0)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(p(c.year, 4))-\(p(c.month, 2))-\(p(c.day, 2))T\(p(c.hour, 2)):\(p(c.minute, 2)):\(p(c.second, 2)).\(p(millis, 3))Z"
    }

    /// The calendar date of `date` in `timeZone`.
    static func day(_ date: Date, in timeZone: TimeZone) -> RegisterDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return RegisterDate(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)!
    }
}

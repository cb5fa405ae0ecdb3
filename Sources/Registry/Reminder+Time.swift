import Foundation

extension Timestamp {
    /// Parses a stored UTC time `YYYY-MM-DDTHH:MM:SS[.sss]Z` (``text(_:)``); `nil` for anything else.
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z"), bytes[10] == UInt8(ascii: "T") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              let date = RegisterDate(year: year, month: month, day: day)
        else { return nil }
        var millis = 0
        if bytes.count > 21, bytes[19] == UInt8(ascii: ".") { millis = number(20..<min(23, bytes.count - 1)) ?? 0 }
        let seconds = date.dayNumber * 86_400 + hour * 3_600 + minute * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(seconds) + TimeInterval(millis) / 1_000)
    }

    /// The stored UTC text of the first instant of `day` in `timeZone`.
    static func startOfDay(_ day: RegisterDate, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(year: day.year, month: day.month, day: day.day)
        let date = calendar.date(from: components) ?? Date(timeIntervalSince1970: TimeInterval(day.dayNumber * 86_400))
        return text(date)
    }
}

import Foundation
import IDCard
import Watchlist

/// Synthetic people for the benchmarks (never real ones): ID numbers of a given region with a birth date and
/// a sequence number derived from `i`, and their GB 11643 check character; names from a small table.
public enum BenchPeople {
    static let given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平")
    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")

    /// The 18-character ID number of person `i`: `region`, a birth date `i / 1000` days after `from`, the
    /// sequence `i % 1000` (its parity is the sex: odd male), the check character. Unique for i < 1000 × days.
    public static func idNumber(_ i: Int, region: String = "440106", from year: Int = 1950) -> String {
        let c = birthDate(i, from: year)
        let first17 = region + String(format: "%04d%02d%02d%03d", c.year, c.month, c.day, i % 1000)
        return first17 + String(IDNumber.checkCharacter(forFirst17: first17)!)
    }

    /// The birth date of person `i` (see ``idNumber(_:region:from:)``).
    public static func birthDate(_ i: Int, from year: Int = 1950) -> (year: Int, month: Int, day: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let birth = calendar.date(byAdding: .day, value: i / 1000,
                                  to: calendar.date(from: DateComponents(year: year, month: 1, day: 1))!)!
        let c = calendar.dateComponents([.year, .month, .day], from: birth)
        return (c.year!, c.month!, c.day!)
    }

    /// `"1"` (male) or `"2"` (female): the parity of the sequence number, as in the ID number.
    public static func sex(_ i: Int) -> String { (i % 1000) % 2 == 1 ? "1" : "2" }

    /// A name unique among the people sharing a birth date: "测" and three characters from `i % 1000`.
    public static func testName(_ i: Int) -> String {
        let n = i % 1000
        return "测" + String(given[n % 20]) + String(given[(n / 20) % 20]) + String(given[n / 400])
    }

    /// A plausible name: a surname and one or two given characters, from `i`.
    public static func name(_ i: Int) -> String {
        String(surnames[i % surnames.count]) + String(given[(i / 20) % 20]) + String(given[(i / 400) % 20])
    }

    /// Person `i` as a watchlist entry (ID number and name, 稳控人员, level 2).
    public static func watchlistEntry(_ i: Int) -> WatchlistEntry {
        WatchlistEntry(identity: WatchlistIdentity(idNumber: idNumber(i), name: testName(i)), category: "稳控人员",
                       level: .two, instructions: "发现后立即报告社区民警", row: i + 2)
    }
}

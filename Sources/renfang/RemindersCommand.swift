import ArgumentParser
import Foundation
import Registry

/// `renfang reminders`: the to-do list (待办提醒) of the register, as the local administrator sees it.
///
/// The administrator has no access to personal data (三员分立), so the list holds the house rules only
/// (rented houses not inspected for 4 months); police and desk users see every rule in the pages.
struct RemindersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reminders",
        abstract: "待办提醒 / The to-do list: rented houses due for inspection (admin scope).",
        discussion: """
            Lists the reminders the local administrator may see (house rules; rules about people need a \
            police or desk login) for --date (default today in Asia/Shanghai), most overdue first. \
            Exit status: 0 done, 2 the register could not be opened.
            """
    )

    @Option(name: .long, help: "The day to evaluate the rules for (YYYY-MM-DD; default today).")
    var date: String?

    @Option(name: .long, help: "Items listed per kind (counts are complete).")
    var limit = 200

    @Flag(name: .long, help: "Print the list as JSON.")
    var json = false

    @OptionGroup var register: RegisterOptions
    @OptionGroup var log: LogOptions

    func validate() throws {
        if let date, RegisterDate(date) == nil { throw ValidationError("--date is a date, YYYY-MM-DD") }
        if limit < 0 { throw ValidationError("--limit must not be negative") }
    }

    func run() throws {
        log.bootstrap()
        let store = try register.openExisting()
        defer { try? store.close() }
        let options = ReminderOptions(today: date.flatMap { RegisterDate($0) }, limitPerKind: limit)
        let list = try StatsSupport.wait { try await store.reminders(for: .commandLine, options: options) }
        if json {
            print(try StatsSupport.json(list))
            return
        }
        print("待办提醒 \(list.today)")
        for kind in ReminderKind.allCases {
            guard let count = list.counts[kind] else { continue }
            print("\n\(kind.title)：\(count) 项")
            for item in list.items where item.kind == kind {
                let state = item.overdueDays > 0 ? "逾期 \(item.overdueDays) 天" : item.overdueDays == 0 ? "今日到期" : "还有 \(-item.overdueDays) 天"
                print("  \(item.dueDate)  \(state)  \(item.xiaoquName) \(item.houseAddress)  \(item.message)")
            }
        }
    }
}

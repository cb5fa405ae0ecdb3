import ArgumentParser
import Foundation
import SyncProtocol
import UpstreamServer

/// `renfang-upstream case create …` (issue a 协查/核查 case into the inbox) and `case feedback` (list the
/// feedback records received).
struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract: "Issue 协查/核查 cases to appliances and list their feedback.",
        subcommands: [Create.self, Feedback.self]
    )

    /// `case create`: queues one `verification.case` message (protocol-docs/sync-protocol.md §7.1).
    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue a verification case (协查/核查) for appliances; prints the cursor and the case id.")

        @OptionGroup var database: DatabaseOption
        @Option(name: .customLong("case-id"), help: "The case number (default HC-<date>-<random>).") var caseId: String?
        @Option(name: .long, help: "协查 or 核查.") var type = "核查"
        @Option(name: .customLong("id-number"), help: "ID number of the person (optional).") var idNumber: String?
        @Option(name: .long, help: "Name of the person.") var name: String
        @Option(name: .long, help: "Sex code: 1 男, 2 女, 0, 9.") var sex: String
        @Option(name: .customLong("birth-date"), help: "Birth date, YYYY-MM-DD.") var birthDate: String
        @Option(name: .long, help: "The address asked about (现居住地址).") var address: String
        @Option(name: .customLong("item"), help: "An item to verify (repeat; default 姓名, 性别, 出生日期, 现居住地址).") var items: [String] = []
        @Option(name: .long, help: "Deadline YYYY-MM-DD, or +N / -N days from today (default +7).") var deadline = "+7"
        @Option(name: .long, help: "The requesting unit.") var unit: String
        @Option(name: .long, help: "A note for the appliance operators.") var note: String?
        @Option(name: .long, help: "Only for this appliance (default: every appliance).") var appliance: String?

        func validate() throws {
            guard ["协查", "核查"].contains(type) else { throw ValidationError("--type is 协查 or 核查") }
            guard ["0", "1", "2", "9"].contains(sex) else { throw ValidationError("--sex is 0, 1, 2 or 9") }
            guard Self.isDate(birthDate) else { throw ValidationError("--birth-date is YYYY-MM-DD") }
            guard Self.offset(deadline) != nil || Self.isDate(deadline) else {
                throw ValidationError("--deadline is YYYY-MM-DD, +DAYS or -DAYS")
            }
        }

        /// `+N` / `-N` days.
        static func offset(_ text: String) -> Int? {
            guard text.hasPrefix("+") || text.hasPrefix("-") else { return nil }
            return text.hasPrefix("+") ? Int(text.dropFirst()) : Int(text)
        }

        static func isDate(_ text: String) -> Bool {
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyy-MM-dd"
            formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
            return text.count == 10 && formatter.date(from: text) != nil
        }

        func run() throws {
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyy-MM-dd"
            formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
            formatter.locale = Locale(identifier: "en_US_POSIX")
            let due = Self.offset(deadline).map { formatter.string(from: Date().addingTimeInterval(Double($0) * 86_400)) } ?? deadline
            let id = caseId ?? "HC-\(formatter.string(from: Date()).replacingOccurrences(of: "-", with: ""))-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
            let body = VerificationCaseBody(
                caseId: id, type: type, person: .init(idNumber: idNumber, name: name, sex: sex, birthDate: birthDate),
                address: address, items: items.isEmpty ? ["姓名", "性别", "出生日期", "现居住地址"] : items, deadline: due, unit: unit,
                note: note)
            do {
                let store = try UpstreamStore(path: database.db)
                let cursor = try store.push(kind: .verificationCase, body: try CanonicalJSON.value(of: body), applianceId: appliance)
                print("\(cursor) \(id)")
            } catch {
                throw fail(error)
            }
        }
    }

    /// `case feedback`: the feedback records received, one line each.
    struct Feedback: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the case feedback records received (协查反馈).")

        @OptionGroup var database: DatabaseOption
        @Option(name: .long, help: "Only from this appliance.") var appliance: String?
        @Flag(name: .long, help: "Print each payload (canonical JSON) too.") var payload = false

        func run() throws {
            do {
                for item in try UpstreamStore(path: database.db).caseFeedback(applianceId: appliance) {
                    print("\(item.applianceId) case=\(item.caseNo) outcome=\(item.outcome)" + (item.reason.map { " reason=\($0)" } ?? "")
                          + " unit=\(item.unit) record=\(item.recordId)")
                    if payload { print(item.payload) }
                }
            } catch {
                throw fail(error)
            }
        }
    }
}

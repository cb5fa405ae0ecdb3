import Foundation
import GRDB

extension RegisterStore {
    /// The to-do list (待办提醒) of the actor's scope on a day: every ``ReminderKind`` rule evaluated on the
    /// register, at most `options.limitPerKind` items per kind (counts complete).
    ///
    /// Police and desk get every kind; admin gets the house kinds only (no personal data); kiosks,
    /// security officers and auditors are refused.
    public func reminders(for actor: Actor, options reminderOptions: ReminderOptions = ReminderOptions()) async throws -> ReminderList {
        switch actor.role {
        case .admin, .police, .desk: break
        default: throw RegistryError.denied("查看待办提醒")
        }
        let today = reminderOptions.today ?? self.today
        let kinds = reminderOptions.kinds.filter { !$0.aboutPeople || actor.can(.readPeople) }
        let timeZone = options.timeZone
        return try await read(actor) { db, scope in
            let rules = ReminderQueries(db: db, scope: scope, today: today, timeZone: timeZone,
                                        limit: max(0, reminderOptions.limitPerKind), options: reminderOptions)
            var items: [Reminder] = []
            var counts: [ReminderKind: Int] = [:]
            for kind in ReminderKind.allCases where kinds.contains(kind) {
                let (list, count) = try rules.evaluate(kind)
                items += list
                counts[kind] = count
            }
            return ReminderList(today: today, items: items, counts: counts)
        }
    }
}

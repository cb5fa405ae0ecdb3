import Foundation
import GRDB

extension Actor {
    /// The daemon's daily auto-cancellation job: recorded in the audit log under this user id. Its role is
    /// `admin` for the scope (the whole register); the job shows no personal data to anyone.
    public static let autoCancellation = Actor(userId: "renfangd.autoCancel", role: .admin)
    /// The daemon's retention housekeeping (pruning the card-read history).
    public static let retention = Actor(userId: "renfangd.retention", role: .admin)
}

/// What one auto-cancellation run did.
public struct AutoCancellationResult: Sendable, Hashable, Codable {
    /// The day the rule was evaluated for.
    public var today: RegisterDate
    /// The stays cancelled (注销标识 2), in the order cancelled.
    public var cancelled: [UUID]
}

extension RegisterStore {
    /// 自动注销: cancels every active stay in the actor's scope whose planned stay expired more than 30
    /// days before `now`'s day (`today − expiry > 30`): 注销标识 2, departure date = expiry + 31 days
    /// (``ReminderRules/autoCancelDate(expiry:)`` — the day a daily run cancels it; a late run writes the
    /// same date, so the result does not depend on when the daemon ran), reason
    /// "拟居住期限届满逾期30日未续期，自动注销", `departed_by` = the actor. One audit entry
    /// (`stay.autoCancel`) and one ``RecordChange`` (注销) per stay, in transactions of up to 200 stays.
    ///
    /// Idempotent: a cancelled stay is no longer active, so a second run on the same day cancels nothing.
    /// The daemon calls it daily with ``Actor/autoCancellation``; police and desk may run it for their
    /// scope.
    public func runAutoCancellation(now: Date, by actor: Actor = .autoCancellation) async throws -> AutoCancellationResult {
        switch actor.role {
        case .admin, .police, .desk: break
        default: throw RegistryError.denied("执行自动注销")
        }
        let today = Timestamp.day(now, in: options.timeZone)
        var cancelled: [UUID] = []
        while true {
            let batch = try await perform(actor, action: "stay.autoCancel") { db, journal, scope in
                try self.autoCancelBatch(db, today: today, scope: scope, limit: 200, journal: &journal)
            }
            cancelled += batch
            if batch.count < 200 { break }
        }
        if !cancelled.isEmpty {
            Self.logger.info("stay.autoCancel", metadata: ["count": "\(cancelled.count)", "today": "\(today)"])
        }
        return AutoCancellationResult(today: today, cancelled: cancelled)
    }

    private func autoCancelBatch(_ db: Database, today: RegisterDate, scope: Scope, limit: Int,
                                 journal: inout Journal) throws -> [UUID] {
        let latestExpiry = today.adding(days: -(ReminderRules.autoCancelAfterDays + 1))
        let rules = ReminderQueries(db: db, scope: scope, today: today, timeZone: options.timeZone, limit: limit,
                                    options: ReminderOptions())
        let due = try rules.plannedStays(expiryFrom: nil, to: latestExpiry).sorted { ($0.due, $0.id) < ($1.due, $1.id) }
        var done: [UUID] = []
        for candidate in due.prefix(limit) {
            let before = try journal.before(db, .stay, id: candidate.id)
            try RowWriter.update(db, .stay, id: candidate.id, [
                ("departure_date", ReminderRules.autoCancelDate(expiry: candidate.due).description),
                ("departure_reason", "拟居住期限届满逾期\(ReminderRules.autoCancelAfterDays)日未续期，自动注销"),
                ("cancel_flag", StayCancelFlag.autoCancelled.rawValue), ("departed_by", journal.actor.userId),
            ], at: journal.at)
            try journal.record(db, .stay, id: candidate.id, operation: .cancel, before: before, detail: "expiry=\(candidate.due)")
            if let uuid = try String.fetchOne(db, sql: "SELECT uuid FROM stay WHERE id = ?", arguments: [candidate.id])
                .flatMap(UUID.init(uuidString:)) {
                done.append(uuid)
            }
        }
        return done
    }

    /// 续期: extends the planned stay (拟居住期限) of an active stay in scope to a longer code, whose
    /// expiry is not before today. Audited as `stay.extend` (修改).
    public func extendPlannedStay(stay: UUID, to plannedStay: String, by actor: Actor) async throws -> Stay {
        try actor.require(.registerPeople)
        return try await perform(actor, action: "stay.extend") { db, journal, scope in
            let row = try Lookup.stay(db, stay, scope).orNotFound(.stay)
            var check = self.checker()
            if row["departure_date"] as String? != nil {
                check.add(FieldError(code: "stay.notActive", field: .stay, message: "该\"居住登记\"已注销"))
            }
            let code = check.code(plannedStay, .plannedStay, .plannedStay, required: true)
            if let code, let arrival = row.date("arrival_date"),
               let newExpiry = ReminderRules.plannedStayExpiry(arrival: arrival, plannedStay: code) {
                let old = (row["planned_stay"] as String?).flatMap(ReminderRules.plannedStayMonths) ?? 0
                if (ReminderRules.plannedStayMonths(code) ?? 0) <= old {
                    check.add(.invalid(.plannedStay, "续期后的期限必须长于原期限"))
                } else if newExpiry < self.today {
                    check.add(.invalid(.plannedStay, "续期后的期限（至 \(newExpiry)）仍已到期，请选择更长的期限或办理注销"))
                }
            }
            try check.finish()
            let id: Int64 = row["id"]
            let before = try journal.before(db, .stay, id: id)
            try RowWriter.update(db, .stay, id: id, [("planned_stay", code)], at: journal.at)
            try journal.record(db, .stay, id: id, operation: .update, before: before)
            return try self.stay(db, id: id)
        }
    }
}

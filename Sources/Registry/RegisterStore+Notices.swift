import Foundation
import GRDB
import Spreadsheet

/// Notices (通知公告) from above, 通报 upward, the to-do list (待办事宜) and the progress table of cases.
extension RegisterStore {
    // MARK: - Notices

    /// Stores a notice received from upstream server `source` (inbox message `messageId`) inside `db`'s
    /// transaction; idempotent by (source, message id). `level` is `info`, `warning` or `urgent` (anything
    /// else is kept as `info`); `isPublic` puts it in the banner of the big screen.
    @discardableResult
    public func receiveNotice(title: String, text: String, level: String, isPublic: Bool, source: String, messageId: String,
                              in db: Database) throws -> UUID {
        if let known = try String.fetchOne(db, sql: "SELECT uuid FROM notice WHERE source = ? AND message_id = ?",
                                           arguments: [source, messageId]).flatMap(UUID.init(uuidString:)) {
            return known
        }
        var check = checker()
        let title = check.required(title, .notice, max: 200)
        try check.finish()
        let at = nowText
        let uuid = UUID.random()
        try db.execute(sql: """
            INSERT INTO notice (uuid, source, message_id, title, text, level, is_public, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [uuid.dbText, source, messageId, title, text, ["info", "warning", "urgent"].contains(level) ? level : "info",
                             isPublic ? 1 : 0, at])
        let journal = Journal(actor: .inbox(source), action: "notice.receive", at: at, sink: options.changeSink)
        try journal.audit(db, targetKind: "notice", targetUuid: uuid.dbText)
        return uuid
    }

    /// The notices, newest first, each with whether the caller has read it; `unreadOnly` leaves the read
    /// ones out. For police and desk users.
    public func notices(unreadOnly: Bool = false, limit: Int = 200, for actor: Actor) async throws -> [Notice] {
        try actor.require(.answerCases)
        return try await read(actor) { db, _ in try Self.notices(db, user: actor.userId, unreadOnly: unreadOnly, limit: limit) }
    }

    static func notices(_ db: Database, user: String, unreadOnly: Bool, limit: Int) throws -> [Notice] {
        try Row.fetchAll(db, sql: """
            SELECT n.*, r.read_at FROM notice n LEFT JOIN notice_read r ON r.notice_id = n.id AND r.user_id = ?
            WHERE (? = 0 OR r.read_at IS NULL) ORDER BY n.received_at DESC, n.id DESC LIMIT ?
            """, arguments: [user, unreadOnly ? 1 : 0, max(0, limit)]).map(notice)
    }

    static func notice(_ row: Row) -> Notice {
        Notice(uuid: row.uuid("uuid"), source: row["source"], title: row["title"], text: row["text"], level: row["level"],
               isPublic: row["is_public"] as Int64 == 1, receivedAt: row["received_at"], read: row["read_at"] as String? != nil,
               readAt: row["read_at"])
    }

    /// Marks a notice read by the caller (once; marking again changes nothing). Audited.
    @discardableResult
    public func markNoticeRead(_ uuid: UUID, by actor: Actor) async throws -> Notice {
        try actor.require(.answerCases)
        return try await perform(actor, action: "notice.read") { db, journal, _ in
            let id = try Int64.fetchOne(db, sql: "SELECT id FROM notice WHERE uuid = ?", arguments: [uuid.dbText]).orNotFound(.notice)
            try db.execute(sql: "INSERT INTO notice_read (notice_id, user_id, read_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                           arguments: [id, actor.userId, journal.at])
            if db.changesCount > 0 { try journal.audit(db, targetKind: "notice", targetUuid: uuid.dbText) }
            let row = try Row.fetchOne(db, sql: """
                SELECT n.*, r.read_at FROM notice n LEFT JOIN notice_read r ON r.notice_id = n.id AND r.user_id = ? WHERE n.id = ?
                """, arguments: [actor.userId, id])!
            return Self.notice(row)
        }
    }

    /// The public notices for the banner of the big screen: received in the last `days` days, newest
    /// first, at most `limit` (titles and texts only go out; no personal data is in a notice).
    public func publicNotices(days: Int = 30, limit: Int = 5) async throws -> [Notice] {
        let since = Timestamp.text(options.clock().addingTimeInterval(-Double(days) * 86_400))
        return try await writer.readOffPool { db in
            try Row.fetchAll(db, sql: """
                SELECT n.*, NULL AS read_at FROM notice n WHERE is_public = 1 AND received_at >= ?
                ORDER BY received_at DESC, id DESC LIMIT ?
                """, arguments: [since, limit]).map(Self.notice)
        }
    }

    // MARK: - 通报

    /// Writes a 通报 upward (e.g. a resident who left): a `report` record routed through the outbox like any
    /// record, audited. 人员离开/人员到达 need the person; the 小区 is the given one, else the person's
    /// current (or last) stay's.
    public func createReport(_ draft: ReportDraft, by actor: Actor) async throws -> CommunityReport {
        try actor.require(.answerCases)
        return try await perform(actor, action: "report.create") { db, journal, scope in
            var check = self.checker()
            if draft.type == nil { check.add(.required(.reportType)) }
            let summary = check.required(draft.summary, .reportSummary, max: 2000)
            let occurredOn = check.date(draft.occurredOn ?? self.today, .occurredOn, required: true)
            var personId: Int64?
            if let person = draft.person {
                personId = try Lookup.person(db, person, scope).orNotFound(.person)["id"]
            } else if let type = draft.type, type != .other {
                check.add(.required(.person))
            }
            var xiaoquId: Int64?
            if let xiaoqu = draft.xiaoqu {
                xiaoquId = try Lookup.xiaoqu(db, xiaoqu, scope).orNotFound(.xiaoqu)["id"]
            } else if let personId, let id = try Self.personXiaoqu(db, personId: personId),
                      try Row.fetchOne(db, SQLRequest<Row>(literal: SQL(sql: "SELECT 1 FROM xiaoqu WHERE id = ? AND ", arguments: [id]) + scope.xiaoquFilter("id"))) != nil {
                xiaoquId = id
            } else {
                check.add(.required(.xiaoqu))
            }
            try check.finish()
            let id = try RowWriter.insert(db, .report, [
                ("xiaoqu_id", xiaoquId), ("person_id", personId), ("report_type", draft.type!.rawValue),
                ("occurred_on", occurredOn!.description), ("summary", summary), ("reported_by", actor.userId),
            ], at: journal.at)
            try journal.record(db, .report, id: id, operation: .create, before: nil)
            return try Self.report(db, id: id)!
        }
    }

    /// The 通报 of the caller's scope, newest first.
    public func reports(limit: Int = 200, for actor: Actor) async throws -> [CommunityReport] {
        try actor.require(.answerCases)
        return try await read(actor) { db, scope in
            try Row.fetchAll(db, SQLRequest<Row>(literal: SQL(sql: """
                SELECT r.*, x.uuid AS xiaoqu_uuid, p.uuid AS person_uuid FROM community_report r JOIN xiaoqu x ON x.id = r.xiaoqu_id
                LEFT JOIN person p ON p.id = r.person_id
                """) + SQL(sql: " WHERE ") + scope.xiaoquFilter("r.xiaoqu_id") + SQL(sql: " ORDER BY r.id DESC LIMIT ?", arguments: [max(0, limit)])))
                .map(Self.report)
        }
    }

    static func report(_ db: Database, id: Int64) throws -> CommunityReport? {
        try Row.fetchOne(db, sql: """
            SELECT r.*, x.uuid AS xiaoqu_uuid, p.uuid AS person_uuid FROM community_report r JOIN xiaoqu x ON x.id = r.xiaoqu_id
            LEFT JOIN person p ON p.id = r.person_id WHERE r.id = ?
            """, arguments: [id]).map(report)
    }

    static func report(_ row: Row) -> CommunityReport {
        CommunityReport(uuid: row.uuid("uuid"), type: ReportType(rawValue: row["report_type"]) ?? .other,
                        xiaoquUuid: row.uuid("xiaoqu_uuid"), personUuid: row.optionalUUID("person_uuid"),
                        occurredOn: row.date("occurred_on")!, summary: row["summary"], reportedBy: row["reported_by"],
                        createdAt: row["created_at"])
    }

    // MARK: - To-do list

    /// The to-do list (待办事宜) of the caller: the open cases of their scope (paired and unpaired, by
    /// deadline, with overdue state), the register's reminders (``reminders(for:options:)``) and the
    /// notices they have not read, with counts. `today` defaults to the register's clock (Asia/Shanghai).
    public func todo(for actor: Actor, today day: RegisterDate? = nil, limit: Int = 200) async throws -> TodoList {
        try actor.require(.answerCases)
        let today = day ?? self.today
        let reminders = try await self.reminders(for: actor, options: ReminderOptions(today: today, limitPerKind: limit))
        let (cases, notices) = try await read(actor) { db, scope in
            let rows = try Lookup.rows(db, "SELECT c.*, p.uuid AS person_uuid, x.uuid AS xiaoqu_uuid FROM verification_case c "
                                       + "LEFT JOIN person p ON p.id = c.person_id LEFT JOIN xiaoqu x ON x.id = c.xiaoqu_id",
                                       where: SQL(sql: "c.state IN ('new', 'paired', 'unpaired')"), filter: Self.caseFilter(scope),
                                       order: "c.deadline, c.id")
            let cases = try rows.map { try self.caseView(db, $0, scope: scope, today: today, full: false) }
            let notices = try Self.notices(db, user: actor.userId, unreadOnly: true, limit: 10_000)
            return (cases, notices)
        }
        let reminderCount = reminders.counts.values.reduce(0, +)
        let counts: [String: Int] = [
            "cases": cases.count, "overdueCases": cases.filter(\.overdue).count,
            "unpairedCases": cases.filter { $0.state == .unpaired }.count, "reminders": reminderCount,
            "notices": notices.count, "total": cases.count + reminderCount + notices.count,
        ]
        return TodoList(today: today, cases: Array(cases.prefix(limit)), reminders: reminders.items,
                        notices: Array(notices.prefix(limit)), counts: counts)
    }

    /// The counts of the caller's to-do list without the lists (``TodoCounts``): open cases of their scope,
    /// overdue (past the deadline, `today` by default the register's clock) and unpaired, and their unread
    /// notices. Two counting queries; the badge in the navigation of /desk and /police polls it.
    public func todoCounts(for actor: Actor, today day: RegisterDate? = nil) async throws -> TodoCounts {
        try actor.require(.answerCases)
        let today = day ?? self.today
        return try await read(actor) { db, scope in
            let cases = try Row.fetchOne(db, SQLRequest<Row>(literal: SQL(sql: """
                SELECT count(*) AS open, ifnull(sum(c.deadline < ?), 0) AS overdue, ifnull(sum(c.state = 'unpaired'), 0) AS unpaired
                FROM verification_case c WHERE c.state <> 'answered' AND
                """, arguments: [today.description]) + Self.caseFilter(scope)))!
            let notices = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM notice n WHERE NOT EXISTS (SELECT 1 FROM notice_read r WHERE r.notice_id = n.id AND r.user_id = ?)
                """, arguments: [actor.userId]) ?? 0
            return TodoCounts(today: today, cases: cases["open"], overdueCases: cases["overdue"], unpairedCases: cases["unpaired"],
                              notices: notices)
        }
    }

    // MARK: - Progress table

    /// The progress table (协查进度表) of the cases received from `from` to `to` (inclusive, days in Asia/
    /// Shanghai) in the caller's scope: per requesting unit, received, answered, open, overdue (open past
    /// the deadline today, or answered after it) and answered per outcome, with totals.
    public func caseProgress(from: RegisterDate, to: RegisterDate, for actor: Actor) async throws -> CaseProgress {
        try actor.require(.answerCases)
        if to < from {
            throw RegistryError.validation([FieldError(code: "date.order", field: .period, message: "\"\(Field.period.label)\"的结束日期不能早于开始日期")])
        }
        let today = self.today.description
        return try await read(actor) { db, scope in
            let rows = try Row.fetchAll(db, SQLRequest<Row>(literal: SQL(sql: """
                SELECT c.requesting_unit AS unit, count(*) AS received,
                       sum(c.state = 'answered') AS answered,
                       sum(c.state <> 'answered') AS open,
                       sum((c.state <> 'answered' AND c.deadline < ?) OR (c.state = 'answered' AND c.answered_on > c.deadline)) AS overdue,
                       \(Self.outcomeSums)
                FROM verification_case c LEFT JOIN case_feedback f ON f.case_id = c.id
                WHERE c.received_on BETWEEN ? AND ?
                """, arguments: [today, from.description, to.description]) + SQL(sql: " AND ") + Self.caseFilter(scope)
                + SQL(sql: " GROUP BY c.requesting_unit ORDER BY c.requesting_unit")))
            let list = rows.map { row in
                CaseProgressRow(unit: row["unit"], received: row["received"], answered: row["answered"], open: row["open"],
                                overdue: row["overdue"],
                                byOutcome: Dictionary(uniqueKeysWithValues: CaseOutcome.allCases.map { ($0.rawValue, row[$0.rawValue] as Int? ?? 0) }))
            }
            var total = CaseProgressRow(unit: "合计", received: 0, answered: 0, open: 0, overdue: 0,
                                        byOutcome: Dictionary(uniqueKeysWithValues: CaseOutcome.allCases.map { ($0.rawValue, 0) }))
            for row in list {
                total.received += row.received
                total.answered += row.answered
                total.open += row.open
                total.overdue += row.overdue
                for (key, value) in row.byOutcome { total.byOutcome[key, default: 0] += value }
            }
            return CaseProgress(from: from, to: to, rows: list, total: total)
        }
    }

    /// `sum(f.outcome = 'x') AS x` for every ``CaseOutcome`` (raw values are plain identifiers).
    static let outcomeSums = CaseOutcome.allCases.map { "sum(f.outcome = '\($0.rawValue)') AS \($0.rawValue)" }.joined(separator: ", ")

    /// The progress table as a sheet: one row per unit and the totals.
    public static func progressTable(_ progress: CaseProgress) -> SpreadsheetTable {
        let header = ["发起单位", "收到", "已反馈", "未反馈", "逾期"] + CaseOutcome.allCases.map(\.label)
        let rows = (progress.rows + [progress.total]).map { row in
            [row.unit, String(row.received), String(row.answered), String(row.open), String(row.overdue)]
                + CaseOutcome.allCases.map { String(row.byOutcome[$0.rawValue] ?? 0) }
        }
        return SpreadsheetTable(header: header, rows: rows)
    }

    /// Writes the progress table to `url` (`.xlsx` or `.csv`) and records the export in the audit log.
    public func exportCaseProgress(from: RegisterDate, to: RegisterDate, to url: URL, by actor: Actor) async throws -> CaseProgress {
        let progress = try await caseProgress(from: from, to: to, for: actor)
        guard ["xlsx", "csv"].contains(url.pathExtension.lowercased()) else {
            throw RegistryError(.exportFailed, "导出文件名须以 .xlsx 或 .csv 结尾：\(url.lastPathComponent)")
        }
        do {
            try Spreadsheet.write(Self.progressTable(progress), to: url, sheetName: "协查进度")
        } catch {
            throw RegistryError(.exportFailed, "导出文件无法写入：\(error)")
        }
        try await recordExport(kind: "caseProgress", rowCount: progress.rows.count,
                               parameters: "\(from.description)..\(to.description)", by: actor)
        return progress
    }
}

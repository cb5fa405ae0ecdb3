import Foundation
import GRDB

/// The SQL of the reminder rules, in one read transaction.
///
/// The rules on stays and declarations run in two steps: the candidates (row id and what the due date
/// is computed from) with index-friendly conditions only — a planned stay's expiry window becomes one
/// arrival-date range per planned-stay code (``ReminderRules/earliestArrival(months:expiryOnOrAfter:)``),
/// so no date function runs per row — then the details of the first `limit` by due date.
struct ReminderQueries {
    let db: Database
    let scope: Scope
    let today: RegisterDate
    let timeZone: TimeZone
    let limit: Int
    let options: ReminderOptions

    /// A record due on a day.
    struct Candidate: Sendable {
        var id: Int64
        var due: RegisterDate
    }

    /// The items (sorted, limited) and the full count of a kind.
    func evaluate(_ kind: ReminderKind) throws -> ([Reminder], Int) {
        let days = ReminderRules.expiringWithinDays
        switch kind {
        case .plannedStayExpiring:
            return try listed(kind, plannedStays(expiryFrom: today, to: today.adding(days: days)), table: .stay)
        case .plannedStayExpired:
            return try listed(kind, plannedStays(expiryFrom: nil, to: today.adding(days: -1)), table: .stay)
        case .residencePermitEligible:
            return try listed(kind, residencePermit(), table: .stay)
        case .unregisteredTenant:
            return try listed(kind, unregisteredTenants(), table: .declaration)
        case .inspectionDue:
            return limited(try inspections())
        case .lateTenantRegistration:
            return limited(try lateRegistrations())
        }
    }

    private func limited(_ all: [Reminder]) -> ([Reminder], Int) {
        let sorted = all.sorted { ($0.dueDate, $0.houseAddress) < ($1.dueDate, $1.houseAddress) }
        return (Array(sorted.prefix(limit)), all.count)
    }

    /// The first `limit` candidates by due date, with their details; the count of all.
    private func listed(_ kind: ReminderKind, _ candidates: [Candidate], table: RecordKind) throws -> ([Reminder], Int) {
        let first = candidates.sorted { ($0.due, $0.id) < ($1.due, $1.id) }.prefix(limit)
        guard !first.isEmpty else { return ([], candidates.count) }
        let due = Dictionary(uniqueKeysWithValues: first.map { ($0.id, $0.due) })
        let ids = first.map(\.id)
        let sql = table == .stay
            ? "SELECT s.id AS record_id, s.uuid AS stay_uuid, \(Self.who) FROM stay s JOIN house h ON h.id = s.house_id"
                + " JOIN xiaoqu x ON x.id = h.xiaoqu_id JOIN person p ON p.id = s.person_id WHERE s.id IN "
            : "SELECT d.id AS record_id, d.uuid AS declaration_uuid, \(Self.who) FROM declaration d JOIN house h ON h.id = d.house_id"
                + " JOIN xiaoqu x ON x.id = h.xiaoqu_id JOIN person p ON p.id = d.person_id WHERE d.id IN "
        let items = try QueryRows.map(db, SQL(sql: sql + "(\(databaseQuestionMarks(count: ids.count)))",
                                              arguments: StatementArguments(ids))) { row -> (Int64, Reminder) in
            let id: Int64 = row["record_id"]
            return (id, reminder(kind, row, due: due[id] ?? today))
        }
        let order = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        return (items.sorted { order[$0.0] ?? 0 < order[$1.0] ?? 0 }.map(\.1), candidates.count)
    }

    /// Columns common to the details: the person, the house, the 小区.
    static let who = """
        p.uuid AS person_uuid, p.name AS person_name, p.id_number_masked, h.uuid AS house_uuid,
        h.address AS house_address, x.uuid AS xiaoqu_uuid, x.name AS xiaoqu_name
        """

    /// Active stays in scope whose planned stay ends in `[from, to]` (either end open), with their expiry.
    func plannedStays(expiryFrom from: RegisterDate?, to: RegisterDate) throws -> [Candidate] {
        var ranges: [SQL] = []
        for code in ["1", "2", "3", "4", "5", "6"] {
            let months = ReminderRules.plannedStayMonths(code)!
            let latest = ReminderRules.latestArrival(months: months, expiryOnOrBefore: to)
            if let from {
                let earliest = ReminderRules.earliestArrival(months: months, expiryOnOrAfter: from)
                ranges.append(SQL(sql: "(s.planned_stay = ? AND s.arrival_date BETWEEN ? AND ?)",
                                  arguments: [code, earliest.description, latest.description]))
            } else {
                ranges.append(SQL(sql: "(s.planned_stay = ? AND s.arrival_date <= ?)", arguments: [code, latest.description]))
            }
        }
        var any = ranges[0]
        for range in ranges.dropFirst() { any = any + SQL(sql: " OR ") + range }
        // A few 小区: from their houses (`stay_house_period`). A station or more: one pass over the active
        // stays' own index, which holds the arrival and the planned stay (no table read per stay).
        let tables: String
        if case .xiaoqus = scope {
            tables = "stay s JOIN house h ON h.id = s.house_id"
        } else {
            tables = "stay s INDEXED BY stay_active_arrival CROSS JOIN house h ON h.id = s.house_id"
        }
        let sql = SQL(sql: "SELECT s.id, s.arrival_date, s.planned_stay FROM \(tables)"
                      + " WHERE s.departure_date IS NULL AND (") + any + SQL(sql: ") AND ") + scope.xiaoquFilter("h.xiaoqu_id")
        return try QueryRows.map(db, sql) { row -> Candidate? in
            guard let arrival = RegisterDate.parseStored(row[1]), let code = row[2] as String?,
                  let expiry = ReminderRules.plannedStayExpiry(arrival: arrival, plannedStay: code),
                  expiry <= to, from.map({ expiry >= $0 }) ?? true
            else { return nil }
            return Candidate(id: row[0], due: expiry)
        }.compactMap { $0 }
    }

    /// Residents from another city, 6 months or more in the house, with no 居住证申领 matter open or done.
    private func residencePermit() throws -> [Candidate] {
        let months = ReminderRules.residencePermitMonths
        let latest = ReminderRules.latestArrival(months: months, expiryOnOrBefore: today)
        let sql = SQL(sql: """
            SELECT s.id, s.arrival_date FROM stay s JOIN house h ON h.id = s.house_id JOIN xiaoqu x ON x.id = h.xiaoqu_id
            JOIN community c ON c.id = x.community_id JOIN person p ON p.id = s.person_id
            WHERE s.departure_date IS NULL AND s.arrival_date <= ? AND p.native_region IS NOT NULL
              AND NOT \(RecordSource.sameCitySQL("p.native_region", "c.region_code"))
              AND NOT EXISTS (SELECT 1 FROM service_matter m WHERE m.applicant_person_id = s.person_id
                              AND m.matter_type = '02' AND m.state IN (1, 2, 3))
              AND
            """, arguments: [latest.description]) + SQL(sql: " ") + scope.xiaoquFilter("h.xiaoqu_id")
        return try QueryRows.map(db, sql) { row -> Candidate? in
            RegisterDate.parseStored(row[1]).map { Candidate(id: row[0], due: $0.adding(months: months)) }
        }.compactMap { $0 }
    }

    /// Tenant declarations whose declared arrival has no registered stay covering it.
    private func unregisteredTenants() throws -> [Candidate] {
        let sql = SQL(sql: """
            SELECT d.id, d.arrival_date FROM declaration d JOIN house h ON h.id = d.house_id
            WHERE (d.housing_type = '02' OR h.rental_status IN (1, 2))
              AND NOT EXISTS (SELECT 1 FROM stay s WHERE s.person_id = d.person_id AND s.house_id = d.house_id
                              AND (s.departure_date IS NULL OR s.departure_date >= d.arrival_date))
              AND
            """) + SQL(sql: " ") + scope.xiaoquFilter("h.xiaoqu_id")
        return try QueryRows.map(db, sql) { row -> Candidate? in
            RegisterDate.parseStored(row[1]).map { Candidate(id: row[0], due: $0.adding(days: ReminderRules.tenantRegistrationDays)) }
        }.compactMap { $0 }
    }

    /// Rented houses not inspected for 4 months (computed in Swift: the creation date is a UTC time).
    private func inspections() throws -> [Reminder] {
        let rows = try QueryRows.map(db, SQL(sql: """
            SELECT h.uuid AS house_uuid, h.address AS house_address, h.created_at, x.uuid AS xiaoqu_uuid,
                   x.name AS xiaoqu_name, (SELECT max(i.inspected_on) FROM inspection i WHERE i.house_id = h.id) AS last
            FROM house h JOIN xiaoqu x ON x.id = h.xiaoqu_id
            WHERE h.rental_status IN (1, 2) AND h.status = 0 AND
            """) + SQL(sql: " ") + scope.xiaoquFilter("h.xiaoqu_id")) { row -> Reminder? in
            guard let reference = row.date("last") ?? localDay(row["created_at"]) else { return nil }
            let due = reference.adding(months: ReminderRules.inspectionEveryMonths)
            guard due <= today else { return nil }
            var item = reminder(.inspectionDue, row, due: due)
            if row["last"] == nil { item.message = "出租房屋自登记之日（\(reference)）起未巡查，应于 \(due) 前巡查" }
            return item
        }
        return rows.compactMap { $0 }
    }

    /// Tenant stays registered in the look-back window more than 3 days after arrival (driven by the
    /// registration time, `stay_created`).
    private func lateRegistrations() throws -> [Reminder] {
        let start = Timestamp.startOfDay(today.adding(days: -options.lateRegistrationLookbackDays), in: timeZone)
        let rows = try QueryRows.map(db, SQL(sql: """
            SELECT s.id AS record_id, s.uuid AS stay_uuid, s.arrival_date, s.created_at, \(Self.who)
            FROM stay s CROSS JOIN house h ON h.id = s.house_id JOIN xiaoqu x ON x.id = h.xiaoqu_id
            JOIN person p ON p.id = s.person_id
            WHERE s.created_at >= ? AND (s.relation = '91' OR s.housing_type = '02') AND
            """, arguments: [start]) + SQL(sql: " ") + scope.xiaoquFilter("h.xiaoqu_id")) { row -> Reminder? in
            guard let arrival = row.date("arrival_date"), let registered = localDay(row["created_at"]) else { return nil }
            let due = arrival.adding(days: ReminderRules.tenantRegistrationDays)
            guard registered > due, registered <= today else { return nil }
            var item = reminder(.lateTenantRegistration, row, due: due)
            item.overdueDays = due.days(until: registered)
            item.message = "承租人 \(arrival) 到达，\(registered) 才登记，超过3日时限 \(item.overdueDays) 天"
            return item
        }
        return rows.compactMap { $0 }
    }

    private func localDay(_ text: String?) -> RegisterDate? {
        text.flatMap(Timestamp.parse).map { Timestamp.day($0, in: timeZone) }
    }
}

import Foundation
import GRDB
import IDCard

/// The SQL of the data-quality checks. Every check is one or more SELECTs with the same columns
/// (`record_kind`, `record_id`, `record_uuid`, `field`, `detail`, `person_name`, `id_number_masked`,
/// `xiaoqu_name`), joined with UNION ALL, cut to the scope: people through ``Scope/personLinkFilter(_:)`` (``Scope/personFilter(_:)`` as one EXISTS per link),
/// stays and houses through their house's 小区.
struct DataQualityChecks {
    let db: Database
    let scope: Scope
    let today: RegisterDate
    let codes: any CodeValidator
    /// Whether the actor may see people (else only house and 小区 records are checked).
    let people: Bool

    /// The SELECTs of a kind (none: nothing to check).
    func selects(_ kind: DataQualityKind) throws -> [SQL] {
        switch kind {
        case .missingField: return missing
        case .invalidCode: return try invalidCodes()
        case .duplicatePerson:
            // The groups from the (name, birth_date) index alone, then the few people in them.
            return [personSelect(field: nil, detail: "g.n", from: """
                (SELECT q.name, q.birth_date, count(*) AS n
                 FROM (SELECT name, birth_date FROM person GROUP BY name, birth_date HAVING count(*) > 1) d
                 CROSS JOIN person q ON q.name = d.name AND q.birth_date = d.birth_date
                 GROUP BY q.name, q.birth_date HAVING sum(q.duplicate_confirmed = 0) >= 2) g
                CROSS JOIN person p ON p.name = g.name AND p.birth_date = g.birth_date
                """, where: SQL(sql: "1"))]
        case .multipleActiveStays:
            return [staySelect(field: nil, detail: "g.n", join: """
                JOIN (SELECT person_id, count(*) AS n FROM stay WHERE departure_date IS NULL GROUP BY person_id
                      HAVING count(*) > 1) g ON g.person_id = s.person_id
                """, where: SQL(sql: "s.departure_date IS NULL"))]
        case .birthAfterArrival:
            // Each person's first arrival in scope (from the index alone), compared with the birth date once
            // per person; only the people found have their stays read.
            return [staySelect(field: .arrivalDate, detail: "p.birth_date", from: """
                (SELECT s.person_id, min(s.arrival_date) AS first FROM house h
                 CROSS JOIN stay s INDEXED BY stay_house_period ON s.house_id = h.id
                 WHERE \(Self.placeholder) GROUP BY s.person_id) f
                CROSS JOIN person p ON p.id = f.person_id AND p.birth_date > f.first
                CROSS JOIN stay s ON s.person_id = p.id CROSS JOIN house h ON h.id = s.house_id
                """, where: SQL(sql: "s.arrival_date < p.birth_date"))]
        case .departureBeforeArrival:
            return [staySelect(field: .departureDate, detail: "s.arrival_date", where: SQL(sql: "s.departure_date < s.arrival_date"))]
        case .minorHouseholder:
            return [staySelect(field: .relation, detail: "p.birth_date", where: SQL(
                sql: "s.departure_date IS NULL AND s.relation = '02' AND p.birth_date > ?",
                arguments: [today.adding(years: -18).description]))]
        case .minorRelation:
            let adult = RegisterDate.sqlAddingMonths("s.arrival_date", "-216")
            return [staySelect(field: .relation, detail: "s.relation", where: SQL(
                sql: "s.departure_date IS NULL AND s.relation IN ('10', '50') AND p.birth_date > \(adult)"))]
        case .futureDate:
            let day = today.description
            return [personSelect(field: .birthDate, detail: "p.birth_date", where: SQL(sql: "p.birth_date > ?", arguments: [day])),
                    staySelect(field: .arrivalDate, detail: "s.arrival_date", fromStays: true,
                               where: SQL(sql: "s.arrival_date > ?", arguments: [day])),
                    staySelect(field: .departureDate, detail: "s.departure_date", fromStays: true,
                               where: SQL(sql: "s.departure_date > ?", arguments: [day]))]
        case .stayInCancelledHouse:
            return [staySelect(field: .house, detail: "h.cancelled_on", where: SQL(sql: "s.departure_date IS NULL AND h.status = 1"))]
        case .idNumberWarning:
            return [personSelect(field: .idNumber, detail: "p.warnings", where: SQL(sql: "p.warnings <> '[]'"))]
        }
    }

    // MARK: Missing fields

    private var missing: [SQL] {
        var list: [SQL] = []
        if people {
            list += [
                personSelect(field: .idNumber, where: SQL(sql: "p.document_type IN ('1', '2', '3', '4') AND p.id_number_hash IS NULL")),
                personSelect(field: .nation, where: SQL(sql: "p.document_type = '1' AND p.nation IS NULL")),
                personSelect(field: .nativeRegion, where: SQL(sql: "p.document_type IN ('1', '2') AND p.native_region IS NULL")),
                personSelect(field: .phone, where: SQL(sql: """
                    p.phone_hash IS NULL AND EXISTS (SELECT 1 FROM stay a WHERE a.person_id = p.id AND a.departure_date IS NULL)
                    """)),
            ]
            for (field, column) in [(Field.plannedStay, "planned_stay"), (.residenceReason, "residence_reason"), (.housingType, "housing_type")] {
                list.append(staySelect(field: field, where: SQL(sql: "s.departure_date IS NULL AND s.\(column) IS NULL")))
            }
        }
        let rented = "h.status = 0 AND h.rental_status IN (1, 2)"
        list += [
            houseSelect(field: .rentalFilingNumber, where: "\(rented) AND h.rental_filing_number IS NULL"),
            houseSelect(field: .securityPerson, where: "\(rented) AND h.security_person_id IS NULL"),
            xiaoquSelect(field: .officerName, where: "x.officer_name IS NULL"),
            xiaoquSelect(field: .propertyCompany, where: "x.property_company IS NULL"),
        ]
        return list
    }

    // MARK: Invalid codes

    /// Distinct stored values of each coded column, checked against the dictionaries; the rows holding a
    /// bad one are selected with `IN`.
    private func invalidCodes() throws -> [SQL] {
        guard people else { return [] }
        var list: [SQL] = []
        let personColumns: [(Field, String, (String) -> Bool)] = [
            (.nation, "nation", { codes.contains($0, in: .nation) }),
            (.nativeRegion, "native_region", { Regions.name(forCode: $0) != nil }),
        ]
        let personValues = try distinctValues("person")
        for (field, column, valid) in personColumns {
            let bad = personValues[column, default: []].filter { !valid($0) }.sorted()
            if !bad.isEmpty { list.append(personSelect(field: field, detail: "p.\(column)", where: Self.in("p.\(column)", bad))) }
        }
        let stayColumns: [(Field, String, CodeTable)] = [
            (.relation, "relation", .relation), (.residenceReason, "residence_reason", .residenceReason),
            (.housingType, "housing_type", .housingType),
        ]
        let stayValues = try distinctValues("stay")
        for (field, column, table) in stayColumns {
            let bad = stayValues[column, default: []].filter { !codes.contains($0, in: table) }.sorted()
            if !bad.isEmpty { list.append(staySelect(field: field, detail: "s.\(column)", where: Self.in("s.\(column)", bad))) }
        }
        let declarationColumns: [(Field, String, CodeTable)] = [
            (.maritalStatus, "marital_status", .maritalStatus), (.politicalStatus, "political_status", .politicalStatus),
            (.education, "education", .education), (.housingType, "housing_type", .housingType),
            (.residenceReason, "residence_reason", .residenceReason),
        ]
        let declarationValues = try distinctValues("declaration")
        for (field, column, table) in declarationColumns {
            let bad = declarationValues[column, default: []].filter { !codes.contains($0, in: table) }.sorted()
            if !bad.isEmpty { list.append(declarationSelect(field: field, column: column, bad: bad)) }
        }
        return list
    }

    /// The coded columns checked, per table.
    static let codedColumns: [String: [String]] = [
        "person": ["nation", "native_region"],
        "stay": ["relation", "residence_reason", "housing_type"],
        "declaration": ["marital_status", "political_status", "education", "housing_type", "residence_reason"],
    ]

    /// The distinct values of the coded columns of `table`, by column, in one scan of the table.
    private func distinctValues(_ table: String) throws -> [String: Set<String>] {
        let columns = Self.codedColumns[table] ?? []
        var values: [String: Set<String>] = [:]
        let cursor = try Row.fetchCursor(db, sql: "SELECT DISTINCT \(columns.joined(separator: ", ")) FROM \(table)")
        while let row = try cursor.next() {
            for (index, column) in columns.enumerated() {
                if let value = row[index] as String? { values[column, default: []].insert(value) }
            }
        }
        return values
    }

    private static func `in`(_ column: String, _ values: [String]) -> SQL {
        SQL(sql: "\(column) IN (\(databaseQuestionMarks(count: values.count)))", arguments: StatementArguments(values))
    }

    // MARK: SELECTs by record kind

    private func personSelect(field: Field?, detail: String = "NULL", from: String = "person p", where condition: SQL) -> SQL {
        SQL(sql: """
            SELECT 'person' AS record_kind, p.id AS record_id, p.uuid AS record_uuid, \(Self.text(field?.rawValue)) AS field,
                   \(detail) AS detail, p.name AS person_name, p.id_number_masked, NULL AS xiaoqu_name
            FROM \(from) WHERE
            """) + SQL(sql: " ") + condition + SQL(sql: " AND ") + scope.personLinkFilter("p.id")
    }

    /// Stays, read from the houses in scope (`stay_house_period`) — or, `fromStays`, from an index of
    /// the stay condition (a date range) — in a fixed order (`CROSS JOIN`), so that a station-wide
    /// check reads its 小区's stays and not every stay of the register.
    ///
    /// From the houses, the stays are read through `stay_house_period` (`INDEXED BY`): the conditions on
    /// its columns (dates, person) are checked in the index and only the stays found are read from the
    /// table — the planner otherwise picks `stay_house` and reads every stay row.
    ///
    /// `from` replaces the tables (it must bind `s`, `p`, `h`); ``placeholder`` in it stands for the
    /// scope condition on `h`.
    private func staySelect(field: Field?, detail: String = "NULL", join: String = "", fromStays: Bool = false,
                            from: String? = nil, where condition: SQL) -> SQL {
        let tables = from
            ?? (fromStays ? "stay s CROSS JOIN house h ON h.id = s.house_id CROSS JOIN person p ON p.id = s.person_id"
                : "house h CROSS JOIN stay s INDEXED BY stay_house_period ON s.house_id = h.id CROSS JOIN person p ON p.id = s.person_id")
        let head = """
            SELECT 'stay' AS record_kind, s.id AS record_id, s.uuid AS record_uuid, \(Self.text(field?.rawValue)) AS field,
                   \(detail) AS detail, p.name AS person_name, p.id_number_masked, x.name AS xiaoqu_name
            FROM \(tables) JOIN xiaoqu x ON x.id = h.xiaoqu_id \(join) WHERE
            """
        // The scope condition wherever the tables ask for it, then once more on the outer `h`.
        let parts = head.components(separatedBy: Self.placeholder)
        var sql = SQL(sql: parts[0])
        for part in parts.dropFirst() { sql = sql + scope.xiaoquFilter("h.xiaoqu_id") + SQL(sql: part) }
        return sql + SQL(sql: " ") + condition + SQL(sql: " AND ") + scope.xiaoquFilter("h.xiaoqu_id")
    }

    /// Stands for the scope condition inside a custom `from` of ``staySelect``.
    static let placeholder = "/*scope*/"

    private func declarationSelect(field: Field, column: String, bad: [String]) -> SQL {
        SQL(sql: """
            SELECT 'declaration' AS record_kind, d.id AS record_id, d.uuid AS record_uuid, '\(field.rawValue)' AS field,
                   d.\(column) AS detail, d.name AS person_name, p.id_number_masked, x.name AS xiaoqu_name
            FROM declaration d JOIN person p ON p.id = d.person_id JOIN house h ON h.id = d.house_id
            JOIN xiaoqu x ON x.id = h.xiaoqu_id WHERE
            """) + SQL(sql: " ") + Self.in("d.\(column)", bad) + SQL(sql: " AND ") + scope.xiaoquFilter("h.xiaoqu_id")
    }

    private func houseSelect(field: Field, where condition: String) -> SQL {
        SQL(sql: """
            SELECT 'house' AS record_kind, h.id AS record_id, h.uuid AS record_uuid, '\(field.rawValue)' AS field,
                   h.address AS detail, NULL AS person_name, NULL AS id_number_masked, x.name AS xiaoqu_name
            FROM house h JOIN xiaoqu x ON x.id = h.xiaoqu_id WHERE \(condition) AND
            """) + SQL(sql: " ") + scope.xiaoquFilter("h.xiaoqu_id")
    }

    private func xiaoquSelect(field: Field, where condition: String) -> SQL {
        SQL(sql: """
            SELECT 'xiaoqu' AS record_kind, x.id AS record_id, x.uuid AS record_uuid, '\(field.rawValue)' AS field,
                   NULL AS detail, NULL AS person_name, NULL AS id_number_masked, x.name AS xiaoqu_name
            FROM xiaoqu x WHERE \(condition) AND
            """) + SQL(sql: " ") + scope.xiaoquFilter("x.id")
    }

    private static func text(_ value: String?) -> String {
        value.map { "'\($0)'" } ?? "NULL"
    }
}

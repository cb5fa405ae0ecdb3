import Foundation
import GRDB
#if canImport(GRDBSQLite)
import GRDBSQLite
#elseif canImport(SQLite3)
import SQLite3
#endif

/// The SQL of one occupancy query: the stays overlapping the period, in houses in scope, counted per
/// place (``nodeCounts``) and per (居住事由, 住所类别, province, age band) (``breakdownCounts``).
///
/// A stay overlaps `[from, to]` when `arrival_date ≤ to` and (no departure or `departure_date ≥ from`);
/// every stay counted as an arrival, a departure or living is one of them, and the three counts are
/// sums of conditions over them. The selection is driven from the houses of the places asked for
/// (`house_room` starts with `xiaoqu_id`, `house_building`), then their stays through the covering
/// index `stay_house_period (house_id, departure_date, arrival_date, …)` of migration
/// `v2.statistics`: two index ranges per house (`departure_date IS NULL` and `≥ from`), no table
/// lookup for the stay.
struct OccupancyPlan: Sendable {
    let query: OccupancyQuery
    let places: PlaceFilter
    let scope: Scope
    /// Conditions on the person (`p`): name prefix, ID-number hash.
    let personConditions: [SQL]

    private var from: String { query.from.description }
    private var to: String { query.to.description }
    private var joinsPerson: Bool { !personConditions.isEmpty }

    /// The column grouping the node query: the 小区 for 社区 and 小区 rows (社区 are summed from their
    /// 小区), the building, or the house.
    var nodeColumn: String {
        switch query.groupBy {
        case .community, .xiaoqu: "h.xiaoqu_id"
        case .building: "h.building_id"
        case .house: "h.id"
        }
    }

    /// `FROM … WHERE …` of the stays counted.
    ///
    /// The join order is fixed with `CROSS JOIN` (SQLite keeps the tables of a CROSS JOIN in the order
    /// written) so that the plan does not depend on the statistics of the moment: from the houses, or
    /// from the people when the query names them (name prefix: `person_name_birth`; ID number:
    /// `person_identity`), then their stays (`stay_person`).
    func selection(person: Bool) -> SQL {
        var sql: SQL
        if joinsPerson {
            sql = SQL(sql: "FROM person p CROSS JOIN stay s ON s.person_id = p.id CROSS JOIN house h ON h.id = s.house_id")
        } else {
            sql = SQL(sql: "FROM house h CROSS JOIN stay s ON s.house_id = h.id")
            if person { sql = sql + SQL(sql: " CROSS JOIN person p ON p.id = s.person_id") }
        }
        var conditions = [scope.xiaoquFilter("h.xiaoqu_id")] + places.conditions(house: "h")
        conditions.append(SQL(sql: "(s.departure_date IS NULL OR s.departure_date >= ?) AND s.arrival_date <= ?",
                              arguments: [from, to]))
        conditions += personConditions
        return sql + SQL(sql: " WHERE ") + QueryText.all(conditions)
    }

    /// The three counts as aggregate columns.
    var countColumns: SQL {
        SQL(sql: """
            sum(s.arrival_date >= ?) AS arrivals, sum(s.departure_date <= ?) AS departures,
            sum(s.departure_date IS NULL OR s.departure_date > ?) AS living
            """, arguments: [from, to, to])
    }

    /// Counts per node (`node`, `arrivals`, `departures`, `living`).
    var nodeCounts: SQL {
        SQL(sql: "SELECT \(nodeColumn) AS node, ") + countColumns + SQL(sql: " ")
            + selection(person: false) + SQL(sql: " GROUP BY \(nodeColumn)")
    }

    /// Counts per (`reason`, `housing`, `province`, `band`): the age band is 0–3 for 0–17, 18–34, 35–59,
    /// 60+ at `to`, by comparing the birth date with `to` minus 18, 35 and 60 years (someone born on
    /// 2007-06-30 is 18 on 2025-06-30).
    var breakdownCounts: SQL {
        let t = AgeBand.allCases.dropFirst().map { query.to.adding(years: -$0.lowestAge).description }
        return SQL(sql: """
            SELECT s.residence_reason AS reason, s.housing_type AS housing, substr(p.native_region, 1, 2) AS province,
                   CASE WHEN p.birth_date > ? THEN 0 WHEN p.birth_date > ? THEN 1 WHEN p.birth_date > ? THEN 2 ELSE 3 END AS band,
            """, arguments: StatementArguments(t)) + countColumns + SQL(sql: " ") + selection(person: true)
            + SQL(sql: " GROUP BY reason, housing, province, band")
    }

    /// The statements run for this query, in order.
    var statements: [SQL] {
        query.breakdowns ? [nodeCounts, breakdownCounts] : [nodeCounts]
    }
}

/// SQL text with its arguments written in as literals, for running the same statement elsewhere (the
/// `sqlite3` tool in the benchmark, `EXPLAIN QUERY PLAN` in tests).
public struct LiteralSQL: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The statement, without parameters.
    public var text: String

    /// The statement.
    public var description: String { text }

    /// Prepares `sql` in `db` with its arguments bound and takes SQLite's expanded text of it
    /// (`sqlite3_expanded_sql`: each parameter replaced by its value as an SQL literal).
    static func make(_ sql: SQL, _ db: Database) throws -> LiteralSQL {
        let statement = try db.makeStatement(literal: sql)
        guard let expanded = sqlite3_expanded_sql(statement.sqliteStatement) else {
            return LiteralSQL(text: statement.sql)
        }
        defer { sqlite3_free(expanded) }
        return LiteralSQL(text: String(cString: expanded))
    }
}

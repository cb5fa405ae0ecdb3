import Foundation
import GRDB

/// The rows of an occupancy report: every place of the requested level in scope and under the parent
/// (so a building where nobody lives still shows, with zeros), filled with the counts of the node query.
enum OccupancyNodes {
    static func rows(_ db: Database, plan: OccupancyPlan, counts: [Int64?: OccupancyCounts]) throws -> [OccupancyRow] {
        let level = plan.query.groupBy
        let places = plan.places
        var conditions: [SQL]
        let select: String
        switch level {
        case .community:
            select = "SELECT c.id, c.uuid, c.name FROM community c"
            conditions = [plan.scope.communityFilter("c.id")]
            if let id = places.communityId { conditions.append(SQL(sql: "c.id = ?", arguments: [id])) }
            if let id = places.xiaoquId {
                conditions.append(SQL(sql: "c.id = (SELECT community_id FROM xiaoqu WHERE id = ?)", arguments: [id]))
            }
            if let id = places.buildingId {
                conditions.append(SQL(sql: "c.id = (SELECT x.community_id FROM building b JOIN xiaoqu x ON x.id = b.xiaoqu_id WHERE b.id = ?)",
                                      arguments: [id]))
            }
        case .xiaoqu:
            select = "SELECT x.id, x.uuid, x.name FROM xiaoqu x"
            conditions = xiaoquConditions(plan, column: "x.id")
            if let id = places.buildingId {
                conditions.append(SQL(sql: "x.id = (SELECT xiaoqu_id FROM building WHERE id = ?)", arguments: [id]))
            }
        case .building:
            select = "SELECT b.id, b.uuid, b.name FROM building b"
            conditions = xiaoquConditions(plan, column: "b.xiaoqu_id")
            if let id = places.buildingId { conditions.append(SQL(sql: "b.id = ?", arguments: [id])) }
        case .house:
            select = "SELECT h.id, h.uuid, h.address AS name FROM house h"
            conditions = xiaoquConditions(plan, column: "h.xiaoqu_id")
            if let id = places.buildingId { conditions.append(SQL(sql: "h.building_id = ?", arguments: [id])) }
        }
        let nodeCounts = level == .community ? try communityCounts(db, counts) : counts
        var rows = try QueryRows.map(db, SQL(sql: "\(select) WHERE ") + QueryText.all(conditions)) { row in
            OccupancyRow(level: level, uuid: row.uuid("uuid"), name: row["name"],
                         counts: nodeCounts[row["id"] as Int64?] ?? OccupancyCounts())
        }
        if level == .building, let loose = counts[nil], !loose.isZero {
            rows.append(OccupancyRow(level: .building, uuid: nil, name: "（不属于楼栋的房屋）", counts: loose))
        }
        return rows.sorted { ($0.name, $0.uuid?.uuidString ?? "") < ($1.name, $1.uuid?.uuidString ?? "") }
    }

    /// Scope and 社区 / 小区 restrictions on a column holding `xiaoqu.id`.
    private static func xiaoquConditions(_ plan: OccupancyPlan, column: String) -> [SQL] {
        var conditions = [plan.scope.xiaoquFilter(column)]
        if let id = plan.places.communityId {
            conditions.append(SQL(sql: "\(column) IN (SELECT id FROM xiaoqu WHERE community_id = ?)", arguments: [id]))
        }
        if let id = plan.places.xiaoquId { conditions.append(SQL(sql: "\(column) = ?", arguments: [id])) }
        return conditions
    }

    /// Counts per 小区 summed per 社区.
    private static func communityCounts(_ db: Database, _ counts: [Int64?: OccupancyCounts]) throws -> [Int64?: OccupancyCounts] {
        let ids = counts.keys.compactMap { $0 }
        guard !ids.isEmpty else { return [:] }
        let pairs = try Row.fetchAll(db, sql: "SELECT id, community_id FROM xiaoqu WHERE id IN (\(databaseQuestionMarks(count: ids.count)))",
                                     arguments: StatementArguments(ids))
        var result: [Int64?: OccupancyCounts] = [:]
        for pair in pairs {
            result[pair["community_id"] as Int64?, default: OccupancyCounts()] += counts[pair["id"] as Int64?] ?? OccupancyCounts()
        }
        return result
    }
}

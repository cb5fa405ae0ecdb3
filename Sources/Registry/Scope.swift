import Foundation
import GRDB

/// What part of the register an actor may see, resolved to row ids inside a transaction. Every query
/// of the module goes through one of the filters below; colleagues adding queries use them too
/// (`WHERE \(scope.xiaoquFilter("h.xiaoqu_id"))`).
public enum Scope: Sendable, Hashable {
    /// Everything (admin, for places only: people need ``Capability/readPeople`` first).
    case everything
    /// The 小区 under one 派出所 (`station.id`).
    case station(Int64)
    /// These 小区 (`xiaoqu.id`).
    case xiaoqus(Set<Int64>)
    /// Nothing.
    case nothing

    /// The scope of `actor`. Unknown station or 小区 UUIDs resolve to nothing.
    public static func resolve(_ actor: Actor, in db: Database) throws -> Scope {
        switch actor.role {
        case .admin:
            return .everything
        case .securityOfficer, .auditor:
            return .nothing
        case let .police(station):
            guard let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM station WHERE uuid = ?"),
                                              arguments: [station.dbText])
            else { return .nothing }
            return .station(id)
        case let .desk(xiaoqus), let .kiosk(_, xiaoqus):
            guard !xiaoqus.isEmpty else { return .nothing }
            let uuids = xiaoqus.map(\.dbText)
            let ids = try Int64.fetchSet(
                db.cachedStatement(sql: "SELECT id FROM xiaoqu WHERE uuid IN (\(databaseQuestionMarks(count: uuids.count)))"),
                arguments: StatementArguments(uuids))
            return ids.isEmpty ? .nothing : .xiaoqus(ids)
        }
    }

    /// A condition on a column holding `xiaoqu.id`: true for the 小区 in scope.
    public func xiaoquFilter(_ column: String) -> SQL {
        switch self {
        case .everything:
            return SQL(sql: "1")
        case let .station(id):
            return SQL(sql: "\(column) IN (SELECT id FROM xiaoqu WHERE station_id = ?)", arguments: [id])
        case let .xiaoqus(ids):
            let sorted = ids.sorted()
            return SQL(sql: "\(column) IN (\(databaseQuestionMarks(count: sorted.count)))",
                       arguments: StatementArguments(sorted))
        case .nothing:
            return SQL(sql: "0")
        }
    }

    /// A condition on a column holding `person.id`: true for people linked to a 小区 in scope (a stay,
    /// current or past, in one of its houses; landlord or 治安责任人 of one of its houses; a declaration
    /// or a service matter there), through the `person_xiaoqu` view.
    public func personFilter(_ column: String) -> SQL {
        switch self {
        case .everything:
            return SQL(sql: "1")
        case .nothing:
            return SQL(sql: "0")
        default:
            let inner = xiaoquFilter("px.xiaoqu_id")
            return SQL(sql: "EXISTS (SELECT 1 FROM person_xiaoqu px WHERE px.person_id = \(column) AND ")
                + inner + SQL(sql: ")")
        }
    }

    /// A condition on a column holding `community.id`: the 社区 of the station (or holding one of its
    /// 小区), or holding one of the 小区 in scope.
    public func communityFilter(_ column: String) -> SQL {
        switch self {
        case .everything:
            return SQL(sql: "1")
        case let .station(id):
            return SQL(sql: "(\(column) IN (SELECT id FROM community WHERE station_id = ?) OR \(column) IN (SELECT community_id FROM xiaoqu WHERE station_id = ?))",
                       arguments: [id, id])
        case .xiaoqus:
            return SQL(sql: "\(column) IN (SELECT community_id FROM xiaoqu WHERE ") + xiaoquFilter("id") + SQL(sql: ")")
        case .nothing:
            return SQL(sql: "0")
        }
    }

    /// A condition on a column holding `station.id`.
    public func stationFilter(_ column: String) -> SQL {
        switch self {
        case .everything:
            return SQL(sql: "1")
        case let .station(id):
            return SQL(sql: "\(column) = ?", arguments: [id])
        case .xiaoqus:
            return SQL(sql: "\(column) IN (SELECT station_id FROM xiaoqu WHERE ") + xiaoquFilter("id") + SQL(sql: ")")
        case .nothing:
            return SQL(sql: "0")
        }
    }

    /// The ids of the 小区 in scope; `nil` means all of them.
    public func visibleXiaoquIds(in db: Database) throws -> Set<Int64>? {
        switch self {
        case .everything: return nil
        case let .station(id): return try Int64.fetchSet(db.cachedStatement(sql: "SELECT id FROM xiaoqu WHERE station_id = ?"), arguments: [id])
        case let .xiaoqus(ids): return ids
        case .nothing: return []
        }
    }
}

extension UUID {
    /// The form stored in `uuid` columns: lower-case, 36 characters.
    var dbText: String { lowercasedText }
}

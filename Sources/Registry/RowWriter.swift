import Foundation
import GRDB

/// Column values of one row to insert or update.
typealias Columns = [(String, (any DatabaseValueConvertible)?)]

/// Plain INSERT / UPDATE of business rows, adding `uuid`, `created_at` and `updated_at`.
enum RowWriter {
    /// Inserts a row with a fresh UUID and times `at`; returns its id.
    static func insert(_ db: Database, _ kind: RecordKind, _ columns: Columns, at: String) throws -> Int64 {
        let all: Columns = [("uuid", UUID.random().dbText), ("created_at", at), ("updated_at", at)] + columns
        let names = all.map(\.0).joined(separator: ", ")
        try db.cachedStatement(
            sql: "INSERT INTO \(kind.table) (\(names)) VALUES (\(databaseQuestionMarks(count: all.count)))").execute(
            arguments: StatementArguments(all.map(\.1)))
        return db.lastInsertedRowID
    }

    /// Updates row `id`, setting `updated_at` to `at`.
    static func update(_ db: Database, _ kind: RecordKind, id: Int64, _ columns: Columns, at: String) throws {
        let all: Columns = columns + [("updated_at", at)]
        let assignments = all.map { "\($0.0) = ?" }.joined(separator: ", ")
        try db.cachedStatement(sql: "UPDATE \(kind.table) SET \(assignments) WHERE id = ?").execute(
                       arguments: StatementArguments(all.map(\.1) + [id]))
    }
}

/// Finding rows by UUID within a scope. The statements are prepared once per connection and kept
/// (GRDB's statement cache): preparing them, with GRDB's authorizer, was a third of a registration.
enum Lookup {
    /// The first row of `select` (aliasing the table as `alias`) with this UUID and passing `filter`.
    static func row(_ db: Database, _ select: String, alias: String, uuid: UUID, filter: SQL) throws -> Row? {
        let sql = SQL(sql: "\(select) WHERE \(alias).uuid = ? AND ", arguments: [uuid.dbText]) + filter
        return try Row.fetchOne(db, SQLRequest<Row>(literal: sql, cached: true))
    }

    /// All rows of `select` matching `condition` and `filter`, in `order`.
    static func rows(_ db: Database, _ select: String, where condition: SQL, filter: SQL, order: String) throws -> [Row] {
        let sql = SQL(sql: "\(select) WHERE ") + condition + SQL(sql: " AND ") + filter + SQL(sql: " ORDER BY \(order)")
        return try Row.fetchAll(db, SQLRequest<Row>(literal: sql, cached: true))
    }

    static func station(_ db: Database, _ uuid: UUID, _ scope: Scope) throws -> Row? {
        try row(db, "SELECT s.* FROM station s", alias: "s", uuid: uuid, filter: scope.stationFilter("s.id"))
    }

    static func community(_ db: Database, _ uuid: UUID, _ scope: Scope) throws -> Row? {
        try row(db, Community.select, alias: "c", uuid: uuid, filter: scope.communityFilter("c.id"))
    }

    static func xiaoqu(_ db: Database, _ uuid: UUID, _ scope: Scope) throws -> Row? {
        try row(db, Xiaoqu.select, alias: "x", uuid: uuid, filter: scope.xiaoquFilter("x.id"))
    }

    static func building(_ db: Database, _ uuid: UUID, _ scope: Scope) throws -> Row? {
        try row(db, Building.select, alias: "b", uuid: uuid, filter: scope.xiaoquFilter("b.xiaoqu_id"))
    }

    static func unit(_ db: Database, _ uuid: UUID, _ scope: Scope) throws -> Row? {
        try row(db, BuildingUnit.select, alias: "u", uuid: uuid, filter: scope.xiaoquFilter("b.xiaoqu_id"))
    }

    static func house(_ db: Database, _ uuid: UUID, _ scope: Scope) throws -> Row? {
        try row(db, House.select, alias: "h", uuid: uuid, filter: scope.xiaoquFilter("h.xiaoqu_id"))
    }

    static func person(_ db: Database, _ uuid: UUID, _ scope: Scope) throws -> Row? {
        try row(db, "SELECT p.* FROM person p", alias: "p", uuid: uuid, filter: scope.personFilter("p.id"))
    }

    static func stay(_ db: Database, _ uuid: UUID, _ scope: Scope) throws -> Row? {
        try row(db, Stay.select, alias: "s", uuid: uuid, filter: scope.xiaoquFilter("h.xiaoqu_id"))
    }

    static func declaration(_ db: Database, _ uuid: UUID, _ scope: Scope) throws -> Row? {
        try row(db, ResidenceDeclaration.select, alias: "d", uuid: uuid, filter: scope.xiaoquFilter("h.xiaoqu_id"))
    }

    static func serviceMatter(_ db: Database, _ uuid: UUID, _ scope: Scope) throws -> Row? {
        try row(db, ServiceMatter.select, alias: "m", uuid: uuid, filter: scope.xiaoquFilter("m.xiaoqu_id"))
    }

    static func coordinator(_ db: Database, _ uuid: UUID, _ scope: Scope) throws -> Row? {
        try row(db, Coordinator.select, alias: "k", uuid: uuid, filter: scope.communityFilter("k.community_id"))
    }

    static func inspection(_ db: Database, _ uuid: UUID, _ scope: Scope) throws -> Row? {
        try row(db, Inspection.select, alias: "i", uuid: uuid, filter: scope.xiaoquFilter("h.xiaoqu_id"))
    }
}

extension Optional {
    /// The value, or `record.notFound` naming `field`.
    func orNotFound(_ field: Field) throws -> Wrapped {
        guard let value = self else { throw RegistryError.notFound(field) }
        return value
    }
}

import Foundation
import GRDB

/// Loading full records by row id (after a write, or after a scoped lookup).
extension RegisterStore {
    static func one(_ db: Database, _ select: String, alias: String, id: Int64) throws -> Row {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "\(select) WHERE \(alias).id = ?"), arguments: [id]) else {
            throw RegistryError(.notFound, "记录不存在")
        }
        return row
    }

    func station(_ db: Database, id: Int64) throws -> Station {
        Station(row: try Self.one(db, "SELECT s.* FROM station s", alias: "s", id: id))
    }

    func community(_ db: Database, id: Int64) throws -> Community {
        Community(row: try Self.one(db, Community.select, alias: "c", id: id))
    }

    func xiaoqu(_ db: Database, id: Int64) throws -> Xiaoqu {
        try Xiaoqu(row: try Self.one(db, Xiaoqu.select, alias: "x", id: id), cipher: cipher)
    }

    func building(_ db: Database, id: Int64) throws -> Building {
        Building(row: try Self.one(db, Building.select, alias: "b", id: id))
    }

    func unit(_ db: Database, id: Int64) throws -> BuildingUnit {
        BuildingUnit(row: try Self.one(db, BuildingUnit.select, alias: "u", id: id))
    }

    func house(_ db: Database, id: Int64) throws -> House {
        House(row: try Self.one(db, House.select, alias: "h", id: id))
    }

    func person(_ db: Database, id: Int64) throws -> Person {
        try Person(row: try Self.one(db, "SELECT p.* FROM person p", alias: "p", id: id), cipher: cipher)
    }

    func stay(_ db: Database, id: Int64) throws -> Stay {
        Stay(row: try Self.one(db, Stay.select, alias: "s", id: id))
    }

    func declaration(_ db: Database, id: Int64) throws -> ResidenceDeclaration {
        let row = try Self.one(db, ResidenceDeclaration.select, alias: "d", id: id)
        let minors = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM declaration_minor WHERE declaration_id = ? ORDER BY id"),
                                      arguments: [id]).map { try DeclaredMinor(row: $0, cipher: cipher) }
        return try ResidenceDeclaration(row: row, minors: minors, cipher: cipher)
    }

    func serviceMatter(_ db: Database, id: Int64) throws -> ServiceMatter {
        let row = try Self.one(db, ServiceMatter.select, alias: "m", id: id)
        let history = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM service_matter_event WHERE matter_id = ? ORDER BY id"),
                                       arguments: [id]).map(ServiceMatterEvent.init(row:))
        return try ServiceMatter(row: row, history: history, cipher: cipher)
    }

    func coordinator(_ db: Database, id: Int64) throws -> Coordinator {
        try Coordinator(row: try Self.one(db, Coordinator.select, alias: "k", id: id), cipher: cipher)
    }

    func assignment(_ db: Database, id: Int64) throws -> CoordinatorAssignment {
        CoordinatorAssignment(row: try Self.one(db, CoordinatorAssignment.select, alias: "ch", id: id))
    }

    func inspection(_ db: Database, id: Int64) throws -> Inspection {
        Inspection(row: try Self.one(db, Inspection.select, alias: "i", id: id))
    }
}

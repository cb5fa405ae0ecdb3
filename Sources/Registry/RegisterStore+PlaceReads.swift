import Foundation
import GRDB

/// Reads of places, cut to the caller's scope: records outside it are `nil` / absent, exactly as if
/// they did not exist.
extension RegisterStore {
    /// A 派出所 in scope.
    public func station(_ uuid: UUID, for actor: Actor) async throws -> Station? {
        try actor.require(.readPlaces)
        return try await read(actor) { db, scope in try Lookup.station(db, uuid, scope).map(Station.init(row:)) }
    }

    /// The stations in scope, by name.
    public func stations(for actor: Actor) async throws -> [Station] {
        try actor.require(.readPlaces)
        return try await read(actor) { db, scope in
            try Lookup.rows(db, "SELECT s.* FROM station s", where: SQL(sql: "1"), filter: scope.stationFilter("s.id"),
                            order: "s.name").map(Station.init(row:))
        }
    }

    /// A 社区 in scope.
    public func community(_ uuid: UUID, for actor: Actor) async throws -> Community? {
        try actor.require(.readPlaces)
        return try await read(actor) { db, scope in try Lookup.community(db, uuid, scope).map(Community.init(row:)) }
    }

    /// The 社区 in scope, by name.
    public func communities(for actor: Actor) async throws -> [Community] {
        try actor.require(.readPlaces)
        return try await read(actor) { db, scope in
            try Lookup.rows(db, Community.select, where: SQL(sql: "1"), filter: scope.communityFilter("c.id"),
                            order: "c.name").map(Community.init(row:))
        }
    }

    /// A 小区 in scope.
    public func xiaoqu(_ uuid: UUID, for actor: Actor) async throws -> Xiaoqu? {
        try actor.require(.readPlaces)
        return try await read(actor) { db, scope in
            try Lookup.xiaoqu(db, uuid, scope).map { try Xiaoqu(row: $0, cipher: self.cipher) }
        }
    }

    /// The 小区 in scope, by name.
    public func xiaoqus(for actor: Actor) async throws -> [Xiaoqu] {
        try actor.require(.readPlaces)
        return try await read(actor) { db, scope in
            try Lookup.rows(db, Xiaoqu.select, where: SQL(sql: "1"), filter: scope.xiaoquFilter("x.id"),
                            order: "x.name").map { try Xiaoqu(row: $0, cipher: self.cipher) }
        }
    }

    /// A 楼栋 in scope.
    public func building(_ uuid: UUID, for actor: Actor) async throws -> Building? {
        try actor.require(.readPlaces)
        return try await read(actor) { db, scope in try Lookup.building(db, uuid, scope).map(Building.init(row:)) }
    }

    /// The buildings of a 小区 in scope, by name.
    public func buildings(inXiaoqu xiaoqu: UUID, for actor: Actor) async throws -> [Building] {
        try actor.require(.readPlaces)
        return try await read(actor) { db, scope in
            _ = try Lookup.xiaoqu(db, xiaoqu, scope).orNotFound(.xiaoqu)
            return try Lookup.rows(db, Building.select, where: SQL(sql: "x.uuid = ?", arguments: [xiaoqu.dbText]),
                            filter: scope.xiaoquFilter("b.xiaoqu_id"), order: "b.name").map(Building.init(row:))
        }
    }

    /// A 单元 in scope.
    public func unit(_ uuid: UUID, for actor: Actor) async throws -> BuildingUnit? {
        try actor.require(.readPlaces)
        return try await read(actor) { db, scope in try Lookup.unit(db, uuid, scope).map(BuildingUnit.init(row:)) }
    }

    /// The units of a building in scope, by name.
    public func units(inBuilding building: UUID, for actor: Actor) async throws -> [BuildingUnit] {
        try actor.require(.readPlaces)
        return try await read(actor) { db, scope in
            _ = try Lookup.building(db, building, scope).orNotFound(.building)
            return try Lookup.rows(db, BuildingUnit.select, where: SQL(sql: "b.uuid = ?", arguments: [building.dbText]),
                            filter: scope.xiaoquFilter("b.xiaoqu_id"), order: "u.name").map(BuildingUnit.init(row:))
        }
    }

    /// A house in scope.
    public func house(_ uuid: UUID, for actor: Actor) async throws -> House? {
        try actor.require(.readPlaces)
        return try await read(actor) { db, scope in try Lookup.house(db, uuid, scope).map(House.init(row:)) }
    }

    /// The houses of a 小区 in scope, by building, unit and room.
    public func houses(inXiaoqu xiaoqu: UUID, for actor: Actor) async throws -> [House] {
        try actor.require(.readPlaces)
        return try await read(actor) { db, scope in
            _ = try Lookup.xiaoqu(db, xiaoqu, scope).orNotFound(.xiaoqu)
            return try Lookup.rows(db, House.select, where: SQL(sql: "x.uuid = ?", arguments: [xiaoqu.dbText]),
                            filter: scope.xiaoquFilter("h.xiaoqu_id"), order: "b.name, u.name, h.floor, h.room_number")
                .map(House.init(row:))
        }
    }

    /// The 注销 / 恢复 history of a house in scope, oldest first.
    public func statusChanges(ofHouse house: UUID, for actor: Actor) async throws -> [HouseStatusChange] {
        try actor.require(.readPlaces)
        return try await read(actor) { db, scope in
            _ = try Lookup.house(db, house, scope).orNotFound(.house)
            return try Lookup.rows(db, "SELECT c.* FROM house_status_change c JOIN house h ON h.id = c.house_id",
                            where: SQL(sql: "h.uuid = ?", arguments: [house.dbText]),
                            filter: scope.xiaoquFilter("h.xiaoqu_id"), order: "c.on_date, c.id")
                .map(HouseStatusChange.init(row:))
        }
    }

    /// The inspections of a house in scope, newest first.
    public func inspections(ofHouse house: UUID, for actor: Actor) async throws -> [Inspection] {
        try actor.require(.readPlaces)
        return try await read(actor) { db, scope in
            _ = try Lookup.house(db, house, scope).orNotFound(.house)
            return try Lookup.rows(db, Inspection.select, where: SQL(sql: "h.uuid = ?", arguments: [house.dbText]),
                            filter: scope.xiaoquFilter("h.xiaoqu_id"), order: "i.inspected_on DESC, i.id DESC")
                .map(Inspection.init(row:))
        }
    }

    /// A coordinator of a 社区 in scope.
    public func coordinator(_ uuid: UUID, for actor: Actor) async throws -> Coordinator? {
        try actor.require(.readPlaces)
        return try await read(actor) { db, scope in
            try Lookup.coordinator(db, uuid, scope).map { try Coordinator(row: $0, cipher: self.cipher) }
        }
    }
}

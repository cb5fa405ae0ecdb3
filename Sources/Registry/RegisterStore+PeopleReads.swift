import Foundation
import GRDB
import IDCard

/// Reads of people and what they did, cut to the caller's scope. A person is in scope when linked to
/// a 小区 in scope (``Scope/personFilter(_:)``); their stays, declarations and matters elsewhere stay
/// hidden.
extension RegisterStore {
    /// A person in scope.
    public func person(_ uuid: UUID, for actor: Actor) async throws -> Person? {
        try actor.require(.readPeople)
        return try await read(actor) { db, scope in
            try Lookup.person(db, uuid, scope).map { try Person(row: $0, cipher: self.cipher) }
        }
    }

    /// The person with this ID number (exact match on the normalised number, through the keyed hash), if
    /// in scope.
    public func person(idNumber: String, for actor: Actor) async throws -> Person? {
        try actor.require(.readPeople)
        let hash = cipher.hash(idNumber: idNumber)
        return try await read(actor) { db, scope in
            let sql = SQL(sql: "SELECT p.* FROM person p WHERE p.id_number_hash = ? AND ", arguments: [hash])
                + scope.personFilter("p.id")
            return try Row.fetchOne(db, SQLRequest<Row>(literal: sql)).map { try Person(row: $0, cipher: self.cipher) }
        }
    }

    /// The people in scope with this phone number (exact match through the keyed hash).
    public func people(phone: String, for actor: Actor) async throws -> [Person] {
        try actor.require(.readPeople)
        let hash = cipher.hash(phone: phone)
        return try await read(actor) { db, scope in
            try Lookup.rows(db, "SELECT p.* FROM person p", where: SQL(sql: "p.phone_hash = ?", arguments: [hash]),
                            filter: scope.personFilter("p.id"), order: "p.name, p.id")
                .map { try Person(row: $0, cipher: self.cipher) }
        }
    }

    /// The people living in a house in scope now (active stays), by arrival.
    public func residents(ofHouse house: UUID, for actor: Actor) async throws -> [Resident] {
        try actor.require(.readPeople)
        return try await read(actor) { db, scope in
            _ = try Lookup.house(db, house, scope).orNotFound(.house)
            return try Lookup.rows(db, Stay.select, where: SQL(sql: "h.uuid = ? AND s.departure_date IS NULL", arguments: [house.dbText]),
                            filter: scope.xiaoquFilter("h.xiaoqu_id"), order: "s.arrival_date, s.id")
                .map { row in Resident(stay: Stay(row: row), person: try self.person(db, id: row["person_id"])) }
        }
    }

    /// Everyone who ever lived in a house in scope (all stays), by arrival.
    public func stays(ofHouse house: UUID, for actor: Actor) async throws -> [Resident] {
        try actor.require(.readPeople)
        return try await read(actor) { db, scope in
            _ = try Lookup.house(db, house, scope).orNotFound(.house)
            return try Lookup.rows(db, Stay.select, where: SQL(sql: "h.uuid = ?", arguments: [house.dbText]),
                            filter: scope.xiaoquFilter("h.xiaoqu_id"), order: "s.arrival_date, s.id")
                .map { row in Resident(stay: Stay(row: row), person: try self.person(db, id: row["person_id"])) }
        }
    }

    /// A stay in scope.
    public func stay(_ uuid: UUID, for actor: Actor) async throws -> Stay? {
        try actor.require(.readPeople)
        return try await read(actor) { db, scope in try Lookup.stay(db, uuid, scope).map(Stay.init(row:)) }
    }

    /// A person's residence history: their stays in houses in scope, newest arrival first.
    public func residenceHistory(ofPerson person: UUID, for actor: Actor) async throws -> [ResidenceHistoryItem] {
        try actor.require(.readPeople)
        return try await read(actor) { db, scope in
            try Lookup.rows(db, ResidenceHistoryItem.select,
                            where: SQL(sql: "p.uuid = ?", arguments: [person.dbText]),
                            filter: scope.xiaoquFilter("h.xiaoqu_id"), order: "s.arrival_date DESC, s.id DESC")
                .map { row in
                    ResidenceHistoryItem(stay: Stay(row: row), houseAddress: row["house_address"],
                                         xiaoquUuid: row.uuid("xiaoqu_uuid"), xiaoquName: row["xiaoqu_name"])
                }
        }
    }

    /// A declaration in scope.
    public func declaration(_ uuid: UUID, for actor: Actor) async throws -> ResidenceDeclaration? {
        try actor.require(.readPeople)
        return try await read(actor) { db, scope in
            try Lookup.declaration(db, uuid, scope).map { try self.declaration(db, id: $0["id"]) }
        }
    }

    /// A person's declarations for houses in scope, newest first.
    public func declarations(ofPerson person: UUID, for actor: Actor) async throws -> [ResidenceDeclaration] {
        try actor.require(.readPeople)
        return try await read(actor) { db, scope in
            try Lookup.rows(db, ResidenceDeclaration.select, where: SQL(sql: "p.uuid = ?", arguments: [person.dbText]),
                            filter: scope.xiaoquFilter("h.xiaoqu_id"), order: "d.declared_on DESC, d.id DESC")
                .map { try self.declaration(db, id: $0["id"]) }
        }
    }

    /// A service matter in scope, with its history.
    public func serviceMatter(_ uuid: UUID, for actor: Actor) async throws -> ServiceMatter? {
        try actor.require(.readPeople)
        return try await read(actor) { db, scope in
            try Lookup.serviceMatter(db, uuid, scope).map { try self.serviceMatter(db, id: $0["id"]) }
        }
    }

    /// The service matters of a 小区 in scope, optionally only those in one state, newest first.
    public func serviceMatters(inXiaoqu xiaoqu: UUID, state: ServiceMatterState? = nil,
                               for actor: Actor) async throws -> [ServiceMatter] {
        try actor.require(.readPeople)
        return try await read(actor) { db, scope in
            let condition = state.map { SQL(sql: "x.uuid = ? AND m.state = ?", arguments: [xiaoqu.dbText, $0.rawValue]) }
                ?? SQL(sql: "x.uuid = ?", arguments: [xiaoqu.dbText])
            return try Lookup.rows(db, ServiceMatter.select, where: condition, filter: scope.xiaoquFilter("m.xiaoqu_id"),
                                   order: "m.opened_on DESC, m.id DESC")
                .map { try self.serviceMatter(db, id: $0["id"]) }
        }
    }
}

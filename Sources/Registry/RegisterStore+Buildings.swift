import Foundation
import GRDB

extension RegisterStore {
    /// Creates a 楼栋 in a 小区 in scope.
    public func createBuilding(_ draft: BuildingDraft, by actor: Actor) async throws -> Building {
        try actor.require(.manageHouses)
        return try await perform(actor, action: "building.create") { db, journal, scope in
            let xiaoqu = try Lookup.xiaoqu(db, try draft.xiaoqu.orRequired(.xiaoqu), scope).orNotFound(.xiaoqu)
            let columns = try self.buildingColumns(db, draft, xiaoquId: xiaoqu["id"], existingId: nil)
            let id = try RowWriter.insert(db, .building, columns, at: journal.at)
            try journal.record(db, .building, id: id, operation: .create, before: nil)
            return try self.building(db, id: id)
        }
    }

    /// Edits a 楼栋 (it stays in its 小区).
    public func updateBuilding(_ uuid: UUID, _ draft: BuildingDraft, by actor: Actor) async throws -> Building {
        try actor.require(.manageHouses)
        return try await perform(actor, action: "building.update") { db, journal, scope in
            let row = try Lookup.building(db, uuid, scope).orNotFound(.building)
            let id: Int64 = row["id"]
            if let x = draft.xiaoqu, x != row.uuid("xiaoqu_uuid") {
                throw RegistryError.validation([.invalid(.xiaoqu, "楼栋不能改属其他小区")])
            }
            let columns = try self.buildingColumns(db, draft, xiaoquId: row["xiaoqu_id"], existingId: id)
            let before = try journal.before(db, .building, id: id)
            try RowWriter.update(db, .building, id: id, columns, at: journal.at)
            try journal.record(db, .building, id: id, operation: .update, before: before)
            return try self.building(db, id: id)
        }
    }

    private func buildingColumns(_ db: Database, _ draft: BuildingDraft, xiaoquId: Int64, existingId: Int64?) throws -> Columns {
        var check = checker()
        let name = check.required(draft.name, .buildingName, max: 50)
        if let above = draft.floorsAbove, !(1...200).contains(above) { check.add(.invalid(.floorsAbove, "应为1至200")) }
        if let below = draft.floorsBelow, !(0...20).contains(below) { check.add(.invalid(.floorsBelow, "应为0至20")) }
        if let name, try Bool.fetchOne(db, sql: "SELECT 1 FROM building WHERE xiaoqu_id = ? AND name = ? AND id IS NOT ?",
                                       arguments: [xiaoquId, name, existingId]) == true {
            check.add(FieldError(code: "place.duplicate", field: .buildingName, message: "\"楼栋名称\"\(name)在该小区内已存在"))
        }
        try check.finish()
        return [("xiaoqu_id", xiaoquId), ("name", name), ("address", check.optional(draft.address, .address)),
                ("floors_above", draft.floorsAbove), ("floors_below", draft.floorsBelow)]
    }

    /// Creates a 单元 in a building in scope.
    public func createUnit(_ draft: UnitDraft, by actor: Actor) async throws -> BuildingUnit {
        try actor.require(.manageHouses)
        return try await perform(actor, action: "unit.create") { db, journal, scope in
            let building = try Lookup.building(db, try draft.building.orRequired(.building), scope).orNotFound(.building)
            let columns = try self.unitColumns(db, draft, buildingId: building["id"], existingId: nil)
            let id = try RowWriter.insert(db, .unit, columns, at: journal.at)
            try journal.record(db, .unit, id: id, operation: .create, before: nil)
            return try self.unit(db, id: id)
        }
    }

    /// Renames a 单元 (it stays in its building).
    public func updateUnit(_ uuid: UUID, _ draft: UnitDraft, by actor: Actor) async throws -> BuildingUnit {
        try actor.require(.manageHouses)
        return try await perform(actor, action: "unit.update") { db, journal, scope in
            let row = try Lookup.unit(db, uuid, scope).orNotFound(.unit)
            let id: Int64 = row["id"]
            if let b = draft.building, b != row.uuid("building_uuid") {
                throw RegistryError.validation([.invalid(.building, "单元不能改属其他楼栋")])
            }
            let columns = try self.unitColumns(db, draft, buildingId: row["building_id"], existingId: id)
            let before = try journal.before(db, .unit, id: id)
            try RowWriter.update(db, .unit, id: id, columns, at: journal.at)
            try journal.record(db, .unit, id: id, operation: .update, before: before)
            return try self.unit(db, id: id)
        }
    }

    private func unitColumns(_ db: Database, _ draft: UnitDraft, buildingId: Int64, existingId: Int64?) throws -> Columns {
        var check = checker()
        let name = check.required(draft.name, .unitName, max: 50)
        if let name, try Bool.fetchOne(db, sql: "SELECT 1 FROM unit WHERE building_id = ? AND name = ? AND id IS NOT ?",
                                       arguments: [buildingId, name, existingId]) == true {
            check.add(FieldError(code: "place.duplicate", field: .unitName, message: "\"单元名称\"\(name)在该楼栋内已存在"))
        }
        try check.finish()
        return [("building_id", buildingId), ("name", name)]
    }
}

extension Optional where Wrapped == UUID {
    /// The UUID, or `validation.failed` with `field.required` on `field`.
    func orRequired(_ field: Field) throws -> UUID {
        guard let value = self else { throw RegistryError.validation([.required(field)]) }
        return value
    }
}

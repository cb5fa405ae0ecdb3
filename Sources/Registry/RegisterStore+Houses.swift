import Foundation
import GRDB

extension RegisterStore {
    /// Creates a 房屋/户 in a 小区 in scope (optionally in a building and unit of that 小区). Naming a
    /// landlord or 治安责任人 needs the right to register people.
    public func createHouse(_ draft: HouseDraft, by actor: Actor) async throws -> House {
        try actor.require(.manageHouses)
        if draft.landlord != nil || draft.securityPerson != nil { try actor.require(.registerPeople) }
        return try await perform(actor, action: "house.create") { db, journal, scope in
            let xiaoqu = try Lookup.xiaoqu(db, try draft.xiaoqu.orRequired(.xiaoqu), scope).orNotFound(.xiaoqu)
            let columns = try self.houseColumns(db, draft, xiaoqu: xiaoqu, existing: nil, scope: scope, journal: &journal)
            let id = try RowWriter.insert(db, .house, columns, at: journal.at)
            try journal.record(db, .house, id: id, operation: .create, before: nil)
            return try self.house(db, id: id)
        }
    }

    /// Edits a house (every field of the draft replaces the stored one; the house stays in its 小区).
    public func updateHouse(_ uuid: UUID, _ draft: HouseDraft, by actor: Actor) async throws -> House {
        try actor.require(.manageHouses)
        if draft.landlord != nil || draft.securityPerson != nil { try actor.require(.registerPeople) }
        return try await perform(actor, action: "house.update") { db, journal, scope in
            let row = try Lookup.house(db, uuid, scope).orNotFound(.house)
            let id: Int64 = row["id"]
            if let x = draft.xiaoqu, x != row.uuid("xiaoqu_uuid") {
                throw RegistryError.validation([.invalid(.xiaoqu, "房屋不能改属其他小区")])
            }
            let xiaoqu = try Self.one(db, Xiaoqu.select, alias: "x", id: row["xiaoqu_id"])
            var draft = draft
            // Keep the people already named unless the draft names others (admins cannot name people).
            let keepLandlord = draft.landlord == nil ? row["landlord_person_id"] as Int64? : nil
            let keepSecurity = draft.securityPerson == nil ? row["security_person_id"] as Int64? : nil
            if draft.rentalStatus == .notRented { draft.landlord = nil }
            var columns = try self.houseColumns(db, draft, xiaoqu: xiaoqu, existing: row, scope: scope,
                                                keepLandlord: keepLandlord, journal: &journal)
            if keepSecurity != nil { columns = columns.map { $0.0 == "security_person_id" ? ($0.0, keepSecurity) : $0 } }
            let before = try journal.before(db, .house, id: id)
            try RowWriter.update(db, .house, id: id, columns, at: journal.at)
            try journal.record(db, .house, id: id, operation: .update, before: before)
            return try self.house(db, id: id)
        }
    }

    func houseColumns(
        _ db: Database, _ draft: HouseDraft, xiaoqu: Row, existing: Row?, scope: Scope,
        keepLandlord: Int64? = nil, journal: inout Journal
    ) throws -> Columns {
        var check = checker()
        let xiaoquId: Int64 = xiaoqu["id"]
        var buildingRow: Row?
        var unitRow: Row?
        if let unit = draft.unit {
            unitRow = try Lookup.unit(db, unit, scope).orNotFound(.unit)
            if let building = draft.building, building != unitRow?.uuid("building_uuid") {
                check.add(.invalid(.unit, "该单元不属于所选楼栋"))
            }
            buildingRow = try Self.one(db, Building.select, alias: "b", id: unitRow!["building_id"])
        } else if let building = draft.building {
            buildingRow = try Lookup.building(db, building, scope).orNotFound(.building)
        }
        if let buildingRow, buildingRow["xiaoqu_id"] as Int64 != xiaoquId {
            check.add(.invalid(.building, "该楼栋不属于所选小区"))
        }
        if let floor = draft.floor {
            let above: Int? = buildingRow?["floors_above"]
            let below: Int? = buildingRow?["floors_below"]
            if floor == 0 || floor > 200 || floor < -20 {
                check.add(.invalid(.floor, "楼层不能为0，应在-20至200之间"))
            } else if let above, floor > above {
                check.add(FieldError(code: "house.floorOutOfRange", field: .floor, message: "\"楼层\"\(floor)超出楼栋地上层数\(above)"))
            } else if floor < 0, let below, -floor > below {
                check.add(FieldError(code: "house.floorOutOfRange", field: .floor, message: "\"楼层\"\(floor)超出楼栋地下层数\(below)"))
            }
        }
        let room = check.required(draft.roomNumber, .roomNumber, max: 50)
        let usage = check.code(draft.usage, .houseUsage, .usage, required: true)
        if let area = draft.area, !(area > 0 && area < 100_000) { check.add(.invalid(.area, "必须大于0")) }
        var rentalUse: String?
        if draft.rentalStatus == .notRented {
            if draft.rentalUse != nil || draft.rentedRooms != nil || draft.rentedArea != nil {
                check.add(.invalid(.rentalStatus, "未出租的房屋不应填写出租用途、出租间数或出租面积"))
            }
        } else {
            rentalUse = check.code(draft.rentalUse, .rentalUse, .rentalUse, required: true)
            if draft.landlord == nil, keepLandlord == nil { check.add(.required(.landlord)) }
            if let rooms = draft.rentedRooms, rooms < 0 { check.add(.invalid(.rentedRooms, "不能为负数")) }
            if let rented = draft.rentedArea {
                if !(rented > 0) { check.add(.invalid(.rentedArea, "必须大于0")) }
                else if let area = draft.area, rented > area { check.add(.invalid(.rentedArea, "不能大于建筑面积")) }
            }
        }
        let filing = check.optional(draft.rentalFilingNumber, .rentalFilingNumber, max: 50)
        let buildingId: Int64? = buildingRow?["id"]
        let unitId: Int64? = unitRow?["id"]
        if let room, try Bool.fetchOne(db, sql: """
            SELECT 1 FROM house WHERE xiaoqu_id = ? AND ifnull(building_id, 0) = ? AND ifnull(unit_id, 0) = ?
            AND room_number = ? AND id IS NOT ?
            """, arguments: [xiaoquId, buildingId ?? 0, unitId ?? 0, room, existing?["id"] as Int64?]) == true {
            check.add(FieldError(code: "house.duplicate", field: .roomNumber, message: "\"房号\"\(room)在该位置已存在"))
        }
        var address = check.optional(draft.address, .houseAddress, max: 300)
        try check.finish()
        if address == nil {
            let parts: [String?] = [xiaoqu["address"], xiaoqu["name"], buildingRow?["name"], unitRow?["name"], room]
            address = parts.compactMap { $0 }.joined()
        }
        let landlordId = try draft.landlord.map { try resolvePerson(db, $0, field: .landlord, scope: scope, journal: &journal) }
            ?? (draft.rentalStatus == .notRented ? nil : keepLandlord)
        let securityId = try draft.securityPerson.map {
            try resolvePerson(db, $0, field: .securityPerson, scope: scope, journal: &journal)
        }
        return [
            ("xiaoqu_id", xiaoquId), ("building_id", buildingId), ("unit_id", unitId), ("floor", draft.floor),
            ("room_number", room), ("address", address), ("area", draft.area), ("usage", usage),
            ("rental_status", draft.rentalStatus.rawValue), ("rental_use", rentalUse),
            ("rented_rooms", draft.rentalStatus == .notRented ? nil : draft.rentedRooms),
            ("rented_area", draft.rentalStatus == .notRented ? nil : draft.rentedArea),
            ("landlord_person_id", landlordId), ("security_person_id", securityId), ("rental_filing_number", filing),
        ]
    }

    /// 注销: cancels a house (demolished, no longer a dwelling or rental) on a date, with a reason. A house
    /// with people still registered as living there cannot be cancelled (check them out first).
    public func cancelHouse(_ uuid: UUID, on date: RegisterDate?, reason: String?, by actor: Actor) async throws -> House {
        try actor.require(.manageHouses)
        return try await perform(actor, action: "house.cancel") { db, journal, scope in
            let row = try Lookup.house(db, uuid, scope).orNotFound(.house)
            let id: Int64 = row["id"]
            var check = self.checker()
            let date = check.date(date, .statusDate, required: true)
            let reason = check.required(reason, .statusReason, max: 200)
            if row["status"] as Int == HouseStatus.cancelled.rawValue {
                check.add(FieldError(code: "house.cancelled", field: .house, message: "\"房屋\"已注销"))
            }
            let living = try Int.fetchOne(db, sql: "SELECT count(*) FROM stay WHERE house_id = ? AND departure_date IS NULL",
                                          arguments: [id]) ?? 0
            if living > 0 {
                check.add(FieldError(code: "house.hasActiveStays", field: .house,
                                     message: "\"房屋\"仍有 \(living) 人登记在住，请先办理人走注销"))
            }
            check.order(date, notBefore: row.date("restored_on"), .statusDate, earlierName: "上次恢复日期")
            try check.finish()
            let before = try journal.before(db, .house, id: id)
            try RowWriter.update(db, .house, id: id, [
                ("status", HouseStatus.cancelled.rawValue), ("cancelled_on", date!.description), ("cancel_reason", reason),
                ("restored_on", nil), ("restore_reason", nil),
            ], at: journal.at)
            try journal.record(db, .house, id: id, operation: .cancel, before: before)
            try self.insertStatusChange(db, houseId: id, action: .cancel, date: date!, reason: reason!, journal: &journal)
            return try self.house(db, id: id)
        }
    }

    /// 恢复 (恢复出租): restores a cancelled house on a date (not before the cancellation), with a reason.
    public func restoreHouse(_ uuid: UUID, on date: RegisterDate?, reason: String?, by actor: Actor) async throws -> House {
        try actor.require(.manageHouses)
        return try await perform(actor, action: "house.restore") { db, journal, scope in
            let row = try Lookup.house(db, uuid, scope).orNotFound(.house)
            let id: Int64 = row["id"]
            var check = self.checker()
            let date = check.date(date, .statusDate, required: true)
            let reason = check.required(reason, .statusReason, max: 200)
            if row["status"] as Int != HouseStatus.cancelled.rawValue {
                check.add(FieldError(code: "house.notCancelled", field: .house, message: "\"房屋\"未注销，无需恢复"))
            }
            check.order(date, notBefore: row.date("cancelled_on"), .statusDate, earlierName: "注销日期")
            try check.finish()
            let before = try journal.before(db, .house, id: id)
            try RowWriter.update(db, .house, id: id, [
                ("status", HouseStatus.normal.rawValue), ("restored_on", date!.description), ("restore_reason", reason),
            ], at: journal.at)
            try journal.record(db, .house, id: id, operation: .update, before: before)
            try self.insertStatusChange(db, houseId: id, action: .restore, date: date!, reason: reason!, journal: &journal)
            return try self.house(db, id: id)
        }
    }

    private func insertStatusChange(_ db: Database, houseId: Int64, action: HouseStatusChange.Action,
                                    date: RegisterDate, reason: String, journal: inout Journal) throws {
        let id = try RowWriter.insert(db, .houseStatusChange, [
            ("house_id", houseId), ("action", action.rawValue), ("on_date", date.description), ("reason", reason),
            ("actor", journal.actor.userId),
        ], at: journal.at)
        try journal.record(db, .houseStatusChange, id: id, operation: .create, before: nil)
    }
}

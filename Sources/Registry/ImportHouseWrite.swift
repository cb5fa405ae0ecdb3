import Foundation
import GRDB
import IDCard

extension HouseRecord {
    /// Validates the row with the register's house checks (``RegisterStore/houseColumns``) and creates
    /// the house, or updates the existing one at the same place. For an existing house, columns the
    /// file does not have keep their stored values, and an empty landlord / 治安责任人 keeps the one
    /// recorded.
    func write(_ db: Database, _ context: inout ImportContext, journal: inout ImportJournal) throws -> RowResult {
        guard let place else { throw RowRefusal(status: .invalid, items: []) }
        if landlord != nil || securityPerson != nil, !context.actor.can(.registerPeople) {
            throw RowRefusal.invalid(landlord != nil ? .landlordName : .securityName, RegistryError.Code.permissionDenied.rawValue,
                                     "您的角色无权登记人员：请清空房东和治安责任人各列后再导入")
        }
        let xiaoqu = try context.xiaoqu(db, place, creation, journal: &journal)
        let (building, unit) = try context.buildingAndUnit(db, place, xiaoqu: xiaoqu, journal: &journal)
        let found = try context.existingHouse(db, xiaoqu: xiaoqu, building: building, unit: unit, room: place.room)
        let existing = try found.map { try RegisterStore.one(db, House.select, alias: "h", id: $0.id) }
        let stored = existing.map(House.init(row:))
        var draft = HouseDraft(
            xiaoqu: xiaoqu.uuid, building: building?.uuid, unit: unit?.uuid,
            floor: value(.floor, floor, stored?.floor), roomNumber: place.room,
            address: value(.houseAddress, address, stored?.address), area: value(.area, area, stored?.area),
            usage: value(.usage, usage, stored?.usage),
            rentalStatus: value(.rentalStatus, rentalStatus, stored?.rentalStatus) ?? .notRented,
            rentalUse: value(.rentalUse, rentalUse, stored?.rentalUse),
            rentedRooms: value(.rentedRooms, rentedRooms, stored?.rentedRooms),
            rentedArea: value(.rentedArea, rentedArea, stored?.rentedArea),
            landlord: landlord.map(PersonReference.identified), securityPerson: securityPerson.map(PersonReference.identified),
            rentalFilingNumber: value(.rentalFiling, rentalFilingNumber, stored?.rentalFilingNumber))
        let keepLandlord = draft.landlord == nil ? existing?["landlord_person_id"] as Int64? : nil
        let keepSecurity = draft.securityPerson == nil ? existing?["security_person_id"] as Int64? : nil
        if draft.rentalStatus == .notRented { draft.landlord = nil }
        let changesBefore = journal.journal.changes.count
        let xiaoquRow: Row = ["id": xiaoqu.id, "address": xiaoqu.address, "name": xiaoqu.name]
        var columns = try context.store.houseColumns(db, draft, xiaoqu: xiaoquRow, existing: existing, scope: context.scope,
                                                     keepLandlord: keepLandlord, journal: &journal.journal)
        if let keepSecurity { columns = columns.map { $0.0 == "security_person_id" ? ($0.0, keepSecurity) : $0 } }
        let peopleChanged = journal.journal.changes.count > changesBefore
        guard let existing, let found else {
            let (id, uuid) = try journal.create(db, .house, columns)
            let ref = HouseRef(id: id, uuid: uuid, xiaoquId: xiaoqu.id, status: 0,
                               address: columns.first { $0.0 == "address" }?.1 as? String ?? "")
            context.cache.put(house: ref, key: PlaceCache.houseKey(xiaoqu.id, building?.id, unit?.id, place.room))
            return RowResult(status: .created, warnings: warnings())
        }
        let changes = columns.changed(from: existing)
        if !changes.isEmpty {
            let before = try journal.before(db, .house, id: found.id)
            try RowWriter.update(db, .house, id: found.id, changes, at: journal.at)
            try journal.record(db, .house, id: found.id, operation: .update, before: before)
        }
        return RowResult(status: RowResult.status(created: false, updated: peopleChanged || !changes.isEmpty),
                         warnings: warnings())
    }

    /// The cell's value when the file has the column, else the stored one.
    private func value<T>(_ key: ColumnKey, _ cell: T?, _ stored: T?) -> T? {
        present.contains(key) ? cell : stored
    }

    /// ID-number warnings of the landlord and 治安责任人 (computed again: the register stores them).
    private func warnings() -> [RowRefusal.Item] {
        var items: [RowRefusal.Item] = []
        for (draft, column) in [(landlord, ColumnKey.landlordId), (securityPerson, .securityId)] {
            guard let number = draft?.idNumber else { continue }
            items += RowResult.idWarnings(IDNumber.validate(number, cardType: .resident), column: column)
        }
        return items
    }
}

import Foundation
import GRDB

/// Finding the places a row names (within the importer's scope), and creating the missing ones when
/// the import allows it (``ImportOptions/createPlaces``).
extension ImportContext {
    /// The 小区 of a row: by name (and 社区 name when given) among the 小区 in scope.
    mutating func xiaoqu(_ db: Database, _ names: PlaceNames, _ info: PlaceCreationInfo,
                         journal: inout ImportJournal) throws -> XiaoquRef {
        let key = PlaceCache.xiaoquKey(names.community, names.xiaoqu)
        if let found = cache.xiaoqus[key] { return found }
        var sql = SQL(sql: """
            SELECT x.id, x.uuid, x.name, x.address FROM xiaoqu x JOIN community c ON c.id = x.community_id
            WHERE x.name = ?
            """, arguments: [names.xiaoqu])
        if let community = names.community { sql = sql + SQL(sql: " AND c.name = ?", arguments: [community]) }
        let rows = try Row.fetchAll(db, SQLRequest<Row>(literal: sql + SQL(sql: " AND ") + scope.xiaoquFilter("x.id")))
        if rows.count > 1 {
            throw RowRefusal.invalid(.community, "place.ambiguous", "\"小区\"\(names.xiaoqu)在多个社区中都有，请填写\"社区\"")
        }
        if let row = rows.first {
            let ref = XiaoquRef(id: row["id"], uuid: row.uuid("uuid"), name: row["name"], address: row["address"])
            cache.put(xiaoqu: ref, key: key)
            return ref
        }
        guard options.createPlaces else {
            throw RowRefusal.invalid(.xiaoqu, RegistryError.Code.notFound.rawValue,
                                     "\"小区\"\(names.xiaoqu)不存在或不在您的管辖范围内（新建小区请使用 --create-places）")
        }
        guard actor.can(.managePlaces) else {
            throw RowRefusal.invalid(.xiaoqu, RegistryError.Code.permissionDenied.rawValue,
                                     "\"小区\"\(names.xiaoqu)不存在或不在您的管辖范围内，您的角色无权新建小区")
        }
        guard let communityName = names.community else {
            throw RowRefusal.invalid(.community, "field.required", "\"小区\"\(names.xiaoqu)不存在；新建小区须填写\"社区\"")
        }
        let community = try self.community(db, communityName, info, journal: &journal)
        var check = checker()
        let name = check.required(names.xiaoqu, .xiaoquName, max: 100)
        let address = check.required(info.xiaoquAddress ?? communityName + names.xiaoqu, .xiaoquAddress, max: 200)
        try check.finish()
        let (id, uuid) = try journal.create(db, .xiaoqu, [
            ("community_id", community.id), ("station_id", community.stationId), ("name", name),
            ("name_pinyin", store.pinyin(name)), ("address", address),
        ])
        let ref = XiaoquRef(id: id, uuid: uuid, name: name!, address: address!)
        cache.put(xiaoqu: ref, key: key, created: true)
        return ref
    }

    /// A 社区 in scope by name, or a new one under the police station of the importer.
    private mutating func community(_ db: Database, _ name: String, _ info: PlaceCreationInfo,
                                    journal: inout ImportJournal) throws -> (id: Int64, stationId: Int64) {
        let sql = SQL(sql: "SELECT id, station_id FROM community c WHERE c.name = ? AND ", arguments: [name])
            + scope.communityFilter("c.id")
        let rows = try Row.fetchAll(db, SQLRequest<Row>(literal: sql))
        if rows.count > 1 {
            throw RowRefusal.invalid(.community, "place.ambiguous", "\"社区\"\(name)不唯一（多个行政区划中都有），请先在系统中建立小区")
        }
        if let row = rows.first { return (row["id"], row["station_id"]) }
        let stationId: Int64
        switch scope {
        case let .station(id): stationId = id
        case .everything:
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM station ORDER BY id LIMIT 2")
            guard ids.count == 1 else {
                throw RowRefusal.invalid(.community, "field.required", "\"社区\"\(name)不存在；有多个派出所时请先在系统中建立社区")
            }
            stationId = ids[0]
        default:
            throw RowRefusal.invalid(.community, RegistryError.Code.notFound.rawValue, "\"社区\"\(name)不存在或不在您的管辖范围内")
        }
        var check = checker()
        let stationRegion = try String.fetchOne(db, sql: "SELECT region_code FROM station WHERE id = ?", arguments: [stationId])
        guard let regionText = info.regionCode ?? stationRegion else {
            throw RowRefusal.invalid(.regionCode, "field.required", "\"社区\"\(name)不存在；新建社区须填写\"行政区划\"（6位代码）")
        }
        let region = store.checkRegion(&check, regionText, .regionCode, required: true)
        let street = check.optional(info.streetOffice, .streetOffice, max: 100)
        let checkedName = check.required(name, .communityName, max: 100)
        if let region, try Bool.fetchOne(db, sql: "SELECT 1 FROM community WHERE region_code = ? AND name = ?",
                                         arguments: [region, name]) == true {
            check.add(FieldError(code: "place.duplicate", field: .communityName, message: "\"社区名称\"\(name)在该行政区划内已存在"))
        }
        try check.finish()
        let (id, _) = try journal.create(db, .community, [
            ("station_id", stationId), ("region_code", region), ("street_office", street), ("name", checkedName),
        ])
        cache.noteCommunityCreated()
        return (id, stationId)
    }

    /// The 楼栋 and 单元 of a row in its 小区 (created when missing and allowed).
    mutating func buildingAndUnit(_ db: Database, _ names: PlaceNames, xiaoqu: XiaoquRef,
                                  journal: inout ImportJournal) throws -> (building: PlaceRef?, unit: PlaceRef?) {
        guard let buildingName = names.building else {
            if names.unit != nil { throw RowRefusal.invalid(.building, "field.required", "填写\"单元\"时须填写\"楼栋\"") }
            return (nil, nil)
        }
        let building = try child(db, .building, parentColumn: "xiaoqu_id", parent: xiaoqu.id, name: buildingName,
                                 column: .building, journal: &journal)
        guard let unitName = names.unit else { return (building, nil) }
        let unit = try child(db, .unit, parentColumn: "building_id", parent: building.id, name: unitName,
                             column: .unit, journal: &journal)
        return (building, unit)
    }

    private mutating func child(_ db: Database, _ kind: RecordKind, parentColumn: String, parent: Int64, name: String,
                                column: ColumnKey, journal: inout ImportJournal) throws -> PlaceRef {
        let key = PlaceCache.childKey(parent, name)
        if let found = kind == .building ? cache.buildings[key] : cache.units[key] { return found }
        let label = kind == .building ? "楼栋" : "单元"
        if let row = try Row.fetchOne(db, sql: "SELECT id, uuid FROM \(kind.table) WHERE \(parentColumn) = ? AND name = ?",
                                      arguments: [parent, name]) {
            let ref = PlaceRef(id: row["id"], uuid: row.uuid("uuid"), name: name)
            kind == .building ? cache.put(building: ref, key: key) : cache.put(unit: ref, key: key)
            return ref
        }
        guard options.createPlaces else {
            throw RowRefusal.invalid(column, RegistryError.Code.notFound.rawValue,
                                     "\"\(label)\"\(name)不存在（新建请使用 --create-places）")
        }
        guard actor.can(.manageHouses) else {
            throw RowRefusal.invalid(column, RegistryError.Code.permissionDenied.rawValue, "您的角色无权新建\(label)")
        }
        guard name.count <= 50 else { throw RowRefusal.invalid(column, "field.tooLong", "\"\(label)\"超过50个字符") }
        let (id, uuid) = try journal.create(db, kind, [(parentColumn, parent), ("name", name)])
        let ref = PlaceRef(id: id, uuid: uuid, name: name)
        kind == .building ? cache.put(building: ref, key: key, created: true) : cache.put(unit: ref, key: key, created: true)
        return ref
    }

    /// The house at a place, if it exists (any status).
    mutating func existingHouse(_ db: Database, xiaoqu: XiaoquRef, building: PlaceRef?, unit: PlaceRef?,
                                room: String) throws -> HouseRef? {
        let key = PlaceCache.houseKey(xiaoqu.id, building?.id, unit?.id, room)
        if let found = cache.houses[key] { return found }
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, uuid, status, address FROM house
            WHERE xiaoqu_id = ? AND ifnull(building_id, 0) = ? AND ifnull(unit_id, 0) = ? AND room_number = ?
            """), arguments: [xiaoqu.id, building?.id ?? 0, unit?.id ?? 0, room])
        else { return nil }
        let ref = HouseRef(id: row["id"], uuid: row.uuid("uuid"), xiaoquId: xiaoqu.id, status: row["status"],
                           address: row["address"])
        cache.put(house: ref, key: key)
        return ref
    }

    /// The house a resident or declaration row names; for residents it is created (房屋用途 99 其他,
    /// 未出租) when missing and places may be created.
    mutating func house(_ db: Database, _ names: PlaceNames, _ info: PlaceCreationInfo,
                        journal: inout ImportJournal) throws -> HouseRef {
        let xiaoqu = try self.xiaoqu(db, names, info, journal: &journal)
        let (building, unit) = try buildingAndUnit(db, names, xiaoqu: xiaoqu, journal: &journal)
        if let found = try existingHouse(db, xiaoqu: xiaoqu, building: building, unit: unit, room: names.room) {
            return found
        }
        guard options.createPlaces, kind == .residents else {
            throw RowRefusal.invalid(.room, RegistryError.Code.notFound.rawValue, "\"房屋\"\(names.room)不存在"
                                     + (kind == .residents ? "（新建请使用 --create-places，或先导入房屋）" : "（请先导入房屋和住户）"))
        }
        guard actor.can(.manageHouses) else {
            throw RowRefusal.invalid(.room, RegistryError.Code.permissionDenied.rawValue, "您的角色无权新建房屋")
        }
        guard names.room.count <= 50 else { throw RowRefusal.invalid(.room, "field.tooLong", "\"房号\"超过50个字符") }
        let address = [xiaoqu.address, xiaoqu.name, building?.name, unit?.name, names.room].compactMap { $0 }.joined()
        let (id, uuid) = try journal.create(db, .house, [
            ("xiaoqu_id", xiaoqu.id), ("building_id", building?.id), ("unit_id", unit?.id), ("room_number", names.room),
            ("address", address), ("usage", "99"), ("rental_status", RentalStatus.notRented.rawValue),
        ])
        let ref = HouseRef(id: id, uuid: uuid, xiaoquId: xiaoqu.id, status: 0, address: address)
        cache.put(house: ref, key: PlaceCache.houseKey(xiaoqu.id, building?.id, unit?.id, names.room), created: true)
        return ref
    }
}

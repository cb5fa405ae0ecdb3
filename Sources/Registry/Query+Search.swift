import Foundation
import GRDB

extension RegisterStore {
    /// History search of stays (居住登记历史查询): by arrival period, ID number, name prefix or pinyin
    /// initials, 社区, 小区, 楼栋, 管辖民警 — see ``StaySearch``. Needs the right to read people (police,
    /// desk); cut to the caller's scope; paginated (`limit` at most ``StaySearch/maximumLimit``).
    ///
    /// Order: by name (then birth date, person, newest arrival) when searching by name or initials,
    /// newest arrival first otherwise. ID numbers in the hits follow ``IDNumberDisclosure``.
    public func searchStays(_ search: StaySearch, for actor: Actor) async throws -> StaySearchPage {
        try actor.require(.readPeople)
        let disclosure = IDNumberDisclosure.of(actor.role)
        let limit = min(max(search.limit, 1), StaySearch.maximumLimit)
        let offset = max(search.offset, 0)
        return try quickRead(actor) { db, scope in
            guard let sql = try self.staySearchSQL(db, search, scope: scope, disclosure: disclosure,
                                                   limit: limit + 1, offset: offset)
            else { return StaySearchPage(hits: [], offset: offset, limit: limit, hasMore: false) }
            // The stays of one person share one sealed ID number: open each distinct one once.
            var opened: [Data: String] = [:]
            var hits = try QueryRows.map(db, sql) { try self.staySearchHit($0, disclosure, opened: &opened) }
            let hasMore = hits.count > limit
            hits.removeLast(max(0, hits.count - limit))
            return StaySearchPage(hits: hits, offset: offset, limit: limit, hasMore: hasMore)
        }
    }

    /// The statement of a search (`nil` when a place named in it is outside the scope: nothing matches).
    func staySearchSQL(_ db: Database, _ search: StaySearch, scope: Scope, disclosure: IDNumberDisclosure,
                       limit: Int, offset: Int) throws -> SQL? {
        guard let places = try PlaceFilter.resolve(db, community: search.community, xiaoqu: search.xiaoqu,
                                                   building: search.building, scope: scope)
        else { return nil }
        var conditions = places.conditions(house: "h")
        if let from = search.arrivalFrom { conditions.append(SQL(sql: "s.arrival_date >= ?", arguments: [from.description])) }
        if let to = search.arrivalTo { conditions.append(SQL(sql: "s.arrival_date <= ?", arguments: [to.description])) }
        if let id = QueryText.clean(search.idNumber) {
            conditions.append(SQL(sql: "p.id_number_hash = ?", arguments: [cipher.hash(idNumber: id)]))
        }
        let name = QueryText.clean(search.namePrefix)
        let pinyin = QueryText.clean(search.pinyinPrefix)?.lowercased()
        if let name { conditions.append(QueryText.prefix("p.name", name)) }
        if let pinyin { conditions.append(QueryText.prefix("p.name_pinyin", pinyin)) }
        if let officer = QueryText.clean(search.officer) {
            conditions.append(SQL(sql: "(x.officer_name = ? OR x.officer_badge = ?)", arguments: [officer, officer]))
        }
        if search.activeOnly { conditions.append(SQL(sql: "s.departure_date IS NULL")) }
        conditions.append(scope.xiaoquFilter("h.xiaoqu_id"))
        let order = name != nil ? "p.name, p.birth_date, p.id, s.arrival_date DESC, s.id DESC"
            : pinyin != nil ? "p.name_pinyin, p.id, s.arrival_date DESC, s.id DESC"
            : "s.arrival_date DESC, s.id DESC"
        let idColumn = disclosure == .full ? ", p.id_number_enc" : ""
        // Columns by position (see `staySearchHit`); the ciphertext, for police only, comes last.
        return SQL(sql: """
            SELECT s.uuid, s.arrival_date, s.departure_date, s.cancel_flag, s.relation, s.planned_stay,
                   s.residence_reason, s.housing_type, p.uuid, p.name, p.sex, p.birth_date, p.id_number_masked,
                   h.uuid, h.address, b.name, x.uuid, x.name, x.officer_name, c.name\(idColumn)
            FROM stay s JOIN person p ON p.id = s.person_id JOIN house h ON h.id = s.house_id
            JOIN xiaoqu x ON x.id = h.xiaoqu_id JOIN community c ON c.id = x.community_id
            LEFT JOIN building b ON b.id = h.building_id
            WHERE
            """) + SQL(sql: " ") + QueryText.all(conditions)
            + SQL(sql: " ORDER BY \(order) LIMIT ? OFFSET ?", arguments: [limit, offset])
    }

    /// A hit from a row of ``staySearchSQL(_:_:scope:disclosure:limit:offset:)``, reading columns by
    /// position (a name lookup per column costs as much as the rest of the decoding).
    private func staySearchHit(_ row: Row, _ disclosure: IDNumberDisclosure, opened: inout [Data: String]) throws -> StaySearchHit {
        let masked: String? = row[12]
        var idNumber = masked
        if disclosure == .full, let sealed = row[20] as Data? {
            if let known = opened[sealed] {
                idNumber = known
            } else {
                let text = try cipher.openText(sealed, for: .personIdNumber)
                opened[sealed] = text
                idNumber = text
            }
        }
        func uuid(_ index: Int) -> UUID { (row[index] as String?).flatMap(UUID.parseStored) ?? UUID(uuid: nullUUIDBytes) }
        func date(_ index: Int) -> RegisterDate? { (row[index] as String?).flatMap(RegisterDate.parseStored) }
        return StaySearchHit(
            stayUuid: uuid(0), personUuid: uuid(8), houseUuid: uuid(13), name: row[9], sex: row[10],
            birthDate: date(11) ?? RegisterDate(year: 1900, month: 1, day: 1)!,
            idNumber: idNumber, idNumberIsFull: idNumber != nil && idNumber != masked,
            arrivalDate: date(1) ?? RegisterDate(year: 1900, month: 1, day: 1)!, departureDate: date(2),
            cancelFlag: StayCancelFlag(rawValue: row[3]) ?? .active, relation: row[4], plannedStay: row[5],
            residenceReason: row[6], housingType: row[7], houseAddress: row[14], buildingName: row[15],
            xiaoquUuid: uuid(16), xiaoquName: row[17], communityName: row[19], officerName: row[18])
    }
}

private let nullUUIDBytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

/// A 社区 / 小区 / 楼栋 restriction of a query, resolved to row ids inside the caller's scope.
struct PlaceFilter: Sendable, Hashable {
    var communityId: Int64?, xiaoquId: Int64?, buildingId: Int64?

    /// The ids of the places named, or `nil` when one of them does not exist or is outside the scope
    /// (the query then matches nothing, exactly as for a place that does not exist).
    static func resolve(_ db: Database, community: UUID?, xiaoqu: UUID?, building: UUID?, scope: Scope) throws -> PlaceFilter? {
        var filter = PlaceFilter()
        if let community {
            guard let row = try Lookup.community(db, community, scope) else { return nil }
            filter.communityId = row["id"]
        }
        if let xiaoqu {
            guard let row = try Lookup.xiaoqu(db, xiaoqu, scope) else { return nil }
            filter.xiaoquId = row["id"]
        }
        if let building {
            guard let row = try Lookup.building(db, building, scope) else { return nil }
            filter.buildingId = row["id"]
        }
        return filter
    }

    /// Conditions on the house alias `h`.
    func conditions(house h: String) -> [SQL] {
        var list: [SQL] = []
        if let communityId {
            list.append(SQL(sql: "\(h).xiaoqu_id IN (SELECT id FROM xiaoqu WHERE community_id = ?)", arguments: [communityId]))
        }
        if let xiaoquId { list.append(SQL(sql: "\(h).xiaoqu_id = ?", arguments: [xiaoquId])) }
        if let buildingId { list.append(SQL(sql: "\(h).building_id = ?", arguments: [buildingId])) }
        return list
    }
}

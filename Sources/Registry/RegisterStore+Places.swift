import Foundation
import GRDB
import IDCard

extension RegisterStore {
    /// Creates a 派出所 (admin only).
    public func createStation(_ draft: StationDraft, by actor: Actor) async throws -> Station {
        try actor.require(.manageStations)
        return try await perform(actor, action: "station.create") { db, journal, _ in
            var check = self.checker()
            let code = check.required(draft.code, .stationCode, max: 32)
            let name = check.required(draft.name, .stationName, max: 100)
            let region = self.checkRegion(&check, draft.regionCode, .regionCode, required: false)
            if let code, try Bool.fetchOne(db, sql: "SELECT 1 FROM station WHERE code = ?", arguments: [code]) == true {
                check.add(FieldError(code: "place.duplicate", field: .stationCode, message: "\"派出所机构代码\"\(code)已存在"))
            }
            try check.finish()
            let id = try RowWriter.insert(db, .station, [("code", code), ("name", name), ("region_code", region)],
                                          at: journal.at)
            try journal.record(db, .station, id: id, operation: .create, before: nil)
            return try self.station(db, id: id)
        }
    }

    /// Creates a 社区 (admin; police under their own station).
    public func createCommunity(_ draft: CommunityDraft, by actor: Actor) async throws -> Community {
        try actor.require(.managePlaces)
        return try await perform(actor, action: "community.create") { db, journal, scope in
            let columns = try self.communityColumns(db, draft, scope: scope, actor: actor, existingId: nil)
            let id = try RowWriter.insert(db, .community, columns, at: journal.at)
            try journal.record(db, .community, id: id, operation: .create, before: nil)
            return try self.community(db, id: id)
        }
    }

    /// Edits a 社区 (every field of the draft replaces the stored one).
    public func updateCommunity(_ uuid: UUID, _ draft: CommunityDraft, by actor: Actor) async throws -> Community {
        try actor.require(.managePlaces)
        return try await perform(actor, action: "community.update") { db, journal, scope in
            let row = try Lookup.community(db, uuid, scope).orNotFound(.community)
            let id: Int64 = row["id"]
            var draft = draft
            if draft.station == nil { draft.station = row.uuid("station_uuid") }
            let columns = try self.communityColumns(db, draft, scope: scope, actor: actor, existingId: id)
            let before = try journal.before(db, .community, id: id)
            try RowWriter.update(db, .community, id: id, columns, at: journal.at)
            try journal.record(db, .community, id: id, operation: .update, before: before)
            return try self.community(db, id: id)
        }
    }

    private func communityColumns(_ db: Database, _ draft: CommunityDraft, scope: Scope, actor: Actor,
                                  existingId: Int64?) throws -> Columns {
        var check = checker()
        var stationUuid = draft.station
        if stationUuid == nil, case let .police(own) = actor.role { stationUuid = own }
        var stationId: Int64?
        if let stationUuid {
            stationId = try Lookup.station(db, stationUuid, scope).orNotFound(.station)["id"]
        } else {
            check.add(.required(.station))
        }
        let name = check.required(draft.name, .communityName, max: 100)
        let region = checkRegion(&check, draft.regionCode, .regionCode, required: true)
        let street = check.optional(draft.streetOffice, .streetOffice, max: 100)
        if let name, let region, try Bool.fetchOne(
            db, sql: "SELECT 1 FROM community WHERE region_code = ? AND name = ? AND id IS NOT ?",
            arguments: [region, name, existingId]) == true {
            check.add(FieldError(code: "place.duplicate", field: .communityName, message: "\"社区名称\"\(name)在该行政区划内已存在"))
        }
        try check.finish()
        return [("station_id", stationId), ("region_code", region), ("street_office", street), ("name", name)]
    }

    /// Creates a 小区 with its 五位一体 parties (admin; police in a 社区 of their station).
    public func createXiaoqu(_ draft: XiaoquDraft, by actor: Actor) async throws -> Xiaoqu {
        try actor.require(.managePlaces)
        return try await perform(actor, action: "xiaoqu.create") { db, journal, scope in
            let columns = try self.xiaoquColumns(db, draft, scope: scope, existing: nil)
            let id = try RowWriter.insert(db, .xiaoqu, columns, at: journal.at)
            try journal.record(db, .xiaoqu, id: id, operation: .create, before: nil)
            return try self.xiaoqu(db, id: id)
        }
    }

    /// Edits a 小区 (desk users: their own 小区, without changing its station).
    public func updateXiaoqu(_ uuid: UUID, _ draft: XiaoquDraft, by actor: Actor) async throws -> Xiaoqu {
        try actor.require(.editXiaoqu)
        return try await perform(actor, action: "xiaoqu.update") { db, journal, scope in
            let row = try Lookup.xiaoqu(db, uuid, scope).orNotFound(.xiaoqu)
            let id: Int64 = row["id"]
            if let station = draft.station, station != row.uuid("station_uuid") {
                try actor.require(.managePlaces)
            }
            let columns = try self.xiaoquColumns(db, draft, scope: scope, existing: row)
            let before = try journal.before(db, .xiaoqu, id: id)
            try RowWriter.update(db, .xiaoqu, id: id, columns, at: journal.at)
            try journal.record(db, .xiaoqu, id: id, operation: .update, before: before)
            return try self.xiaoqu(db, id: id)
        }
    }

    private func xiaoquColumns(_ db: Database, _ draft: XiaoquDraft, scope: Scope, existing: Row?) throws -> Columns {
        var check = checker()
        var communityId: Int64? = existing?["community_id"]
        var stationId: Int64? = existing?["station_id"]
        if let existing {
            if let community = draft.community, community != existing.uuid("community_uuid") {
                check.add(.invalid(.community, "小区不能改属其他社区"))
            }
        } else if let community = draft.community {
            let row = try Lookup.community(db, community, scope).orNotFound(.community)
            communityId = row["id"]
            stationId = row["station_id"]
        } else {
            check.add(.required(.community))
        }
        if let station = draft.station {
            stationId = try Lookup.station(db, station, scope).orNotFound(.station)["id"]
        }
        let name = check.required(draft.name, .xiaoquName, max: 100)
        let address = check.required(draft.address, .xiaoquAddress, max: 200)
        let propertyPhone = checkPhone(&check, draft.propertyPhone, .propertyPhone)
        let officerPhone = checkPhone(&check, draft.officerPhone, .officerPhone)
        let columns: Columns = [
            ("community_id", communityId), ("station_id", stationId), ("name", name), ("name_pinyin", pinyin(name)),
            ("address", address), ("developer", check.optional(draft.developer, .developer)),
            ("builder", check.optional(draft.builder, .builder)),
            ("property_company", check.optional(draft.propertyCompany, .propertyCompany)),
            ("property_contact", check.optional(draft.propertyContact, .propertyContact, max: 50)),
            ("property_phone_enc", try cipher.seal(optional: propertyPhone, for: .xiaoquPropertyPhone)),
            ("officer_name", check.optional(draft.officerName, .officerName, max: 50)),
            ("officer_badge", check.optional(draft.officerBadge, .officerBadge, max: 20)),
            ("officer_phone_enc", try cipher.seal(optional: officerPhone, for: .xiaoquOfficerPhone)),
        ]
        if let name, let communityId, try Bool.fetchOne(
            db, sql: "SELECT 1 FROM xiaoqu WHERE community_id = ? AND name = ? AND id IS NOT ?",
            arguments: [communityId, name, existing?["id"] as Int64?]) == true {
            check.add(FieldError(code: "place.duplicate", field: .xiaoquName, message: "\"小区名称\"\(name)在该社区内已存在"))
        }
        try check.finish()
        return columns
    }

    /// A 6-digit GB/T 2260 code known to the region table (`field.badCode` otherwise).
    func checkRegion(_ check: inout Checker, _ value: String?, _ field: Field, required: Bool) -> String? {
        let text = required ? check.required(value, field, max: 16) : check.optional(value, field, max: 16)
        guard let text else { return nil }
        guard text.utf8.count == 6, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), Regions.name(forCode: text) != nil
        else {
            check.add(.badCode(field, text, path: check.path))
            return nil
        }
        return text
    }

    /// A phone number: normalised, `phone.invalid` when not 7–15 digits.
    func checkPhone(_ check: inout Checker, _ value: String?, _ field: Field, required: Bool = false) -> String? {
        let text = required ? check.required(value, field, max: 40) : check.optional(value, field, max: 40)
        guard let text else { return nil }
        guard PhoneNumber.isValid(text) else {
            check.add(FieldError(code: "phone.invalid", field: field,
                                 message: "\"\(field.label)\"不是有效的电话号码", path: check.path))
            return nil
        }
        return PhoneNumber.normalize(text)
    }
}

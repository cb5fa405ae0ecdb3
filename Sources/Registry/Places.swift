import Foundation
import GRDB

/// 派出所: the police station whose officers see every 小区 under it.
public struct Station: Sendable, Hashable, Codable {
    /// Record UUID.
    public var uuid: UUID
    /// 公安机关机构代码.
    public var code: String
    /// Name, e.g. 朝阳门派出所.
    public var name: String
    /// GB/T 2260 region.
    public var regionCode: String?
    /// Created / last updated (UTC).
    public var createdAt: String, updatedAt: String

    init(row: Row) {
        uuid = row.uuid("uuid")
        code = row["code"]
        name = row["name"]
        regionCode = row["region_code"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }
}

/// 社区: a residents' community, under a 派出所 (for police scope) and a 行政区划.
public struct Community: Sendable, Hashable, Codable {
    /// Record UUID.
    public var uuid: UUID
    /// The station covering it.
    public var stationUuid: UUID
    /// GB/T 2260 county-level region (6 digits).
    public var regionCode: String
    /// 街道 (sub-district office) name.
    public var streetOffice: String?
    /// Name.
    public var name: String
    /// Created / last updated (UTC).
    public var createdAt: String, updatedAt: String

    static let select = "SELECT c.*, s.uuid AS station_uuid FROM community c JOIN station s ON s.id = c.station_id"

    init(row: Row) {
        uuid = row.uuid("uuid")
        stationUuid = row.uuid("station_uuid")
        regionCode = row["region_code"]
        streetOffice = row["street_office"]
        name = row["name"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }
}

/// 小区: a residential compound, with its 五位一体 parties (developer, builder, property company) and
/// the police officer in charge.
public struct Xiaoqu: Sendable, Hashable, Codable {
    /// Record UUID.
    public var uuid: UUID
    /// Its 社区.
    public var communityUuid: UUID
    /// The 派出所 in charge.
    public var stationUuid: UUID
    /// Name, and its pinyin initials when a pinyin function is configured.
    public var name: String, namePinyin: String?
    /// Standard address (街路巷 + 门牌号).
    public var address: String
    /// 开发商, 建设单位.
    public var developer: String?, builder: String?
    /// 物业公司, its contact and phone.
    public var propertyCompany: String?, propertyContact: String?, propertyPhone: String?
    /// 管辖民警: name, badge number, phone.
    public var officerName: String?, officerBadge: String?, officerPhone: String?
    /// Created / last updated (UTC).
    public var createdAt: String, updatedAt: String

    static let select = """
        SELECT x.*, c.uuid AS community_uuid, s.uuid AS station_uuid
        FROM xiaoqu x JOIN community c ON c.id = x.community_id JOIN station s ON s.id = x.station_id
        """

    init(row: Row, cipher: DataCipher) throws {
        uuid = row.uuid("uuid")
        communityUuid = row.uuid("community_uuid")
        stationUuid = row.uuid("station_uuid")
        name = row["name"]
        namePinyin = row["name_pinyin"]
        address = row["address"]
        developer = row["developer"]
        builder = row["builder"]
        propertyCompany = row["property_company"]
        propertyContact = row["property_contact"]
        propertyPhone = try cipher.text(row, "property_phone_enc", .xiaoquPropertyPhone)
        officerName = row["officer_name"]
        officerBadge = row["officer_badge"]
        officerPhone = try cipher.text(row, "officer_phone_enc", .xiaoquOfficerPhone)
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }
}

/// 楼栋: a building of a 小区.
public struct Building: Sendable, Hashable, Codable {
    /// Record UUID.
    public var uuid: UUID
    /// Its 小区.
    public var xiaoquUuid: UUID
    /// Name, e.g. 3号楼.
    public var name: String
    /// 门(楼)牌 address.
    public var address: String?
    /// Floors above and below ground.
    public var floorsAbove: Int?, floorsBelow: Int?
    /// Created / last updated (UTC).
    public var createdAt: String, updatedAt: String

    static let select = "SELECT b.*, x.uuid AS xiaoqu_uuid FROM building b JOIN xiaoqu x ON x.id = b.xiaoqu_id"

    init(row: Row) {
        uuid = row.uuid("uuid")
        xiaoquUuid = row.uuid("xiaoqu_uuid")
        name = row["name"]
        address = row["address"]
        floorsAbove = row["floors_above"]
        floorsBelow = row["floors_below"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }
}

/// 单元: a stairway/entrance of a building.
public struct BuildingUnit: Sendable, Hashable, Codable {
    /// Record UUID.
    public var uuid: UUID
    /// Its building.
    public var buildingUuid: UUID
    /// Name, e.g. 2单元.
    public var name: String
    /// Created / last updated (UTC).
    public var createdAt: String, updatedAt: String

    static let select = "SELECT u.*, b.uuid AS building_uuid, b.xiaoqu_id AS xiaoqu_id FROM unit u JOIN building b ON b.id = u.building_id"

    init(row: Row) {
        uuid = row.uuid("uuid")
        buildingUuid = row.uuid("building_uuid")
        name = row["name"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }
}

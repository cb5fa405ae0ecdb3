import Foundation
import GRDB

/// 协管员: a community coordinator, assigned houses to look after.
public struct Coordinator: Sendable, Hashable, Codable {
    /// Record UUID.
    public var uuid: UUID
    /// The 社区 they work for.
    public var communityUuid: UUID
    /// 姓名 and pinyin initials, 编号, phone (decrypted).
    public var name: String, namePinyin: String?, staffNumber: String?, phone: String?
    /// Still working.
    public var active: Bool
    /// Created / last updated (UTC).
    public var createdAt: String, updatedAt: String

    static let select = "SELECT k.*, c.uuid AS community_uuid FROM coordinator k JOIN community c ON c.id = k.community_id"

    init(row: Row, cipher: DataCipher) throws {
        uuid = row.uuid("uuid")
        communityUuid = row.uuid("community_uuid")
        name = row["name"]
        namePinyin = row["name_pinyin"]
        staffNumber = row["staff_number"]
        phone = try cipher.text(row, "phone_enc", .coordinatorPhone)
        active = row["active"] == 1
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }
}

/// A coordinator's assignment to a house (table `coordinator_house`); one current per house.
public struct CoordinatorAssignment: Sendable, Hashable, Codable {
    /// Record UUID.
    public var uuid: UUID
    /// Who and which house.
    public var coordinatorUuid: UUID, houseUuid: UUID
    /// From, and until (when replaced).
    public var assignedOn: RegisterDate, endedOn: RegisterDate?

    static let select = """
        SELECT ch.*, k.uuid AS coordinator_uuid, h.uuid AS house_uuid
        FROM coordinator_house ch JOIN coordinator k ON k.id = ch.coordinator_id JOIN house h ON h.id = ch.house_id
        """

    init(row: Row) {
        uuid = row.uuid("uuid")
        coordinatorUuid = row.uuid("coordinator_uuid")
        houseUuid = row.uuid("house_uuid")
        assignedOn = row.date("assigned_on") ?? RegisterDate(year: 1970, month: 1, day: 1)!
        endedOn = row.date("ended_on")
    }
}

/// 巡查: an inspection of a house.
public struct Inspection: Sendable, Hashable, Codable {
    /// Record UUID.
    public var uuid: UUID
    /// The house, and the coordinator who inspected (if one did).
    public var houseUuid: UUID, coordinatorUuid: UUID?
    /// 巡查日期, 巡查人.
    public var inspectedOn: RegisterDate, inspectorName: String
    /// 巡查结果 (``CodeTable/inspectionResult``), 发现问题, 整改要求.
    public var result: String, findings: String?, rectification: String?
    /// Created / last updated (UTC).
    public var createdAt: String, updatedAt: String

    static let select = """
        SELECT i.*, h.uuid AS house_uuid, k.uuid AS coordinator_uuid
        FROM inspection i JOIN house h ON h.id = i.house_id LEFT JOIN coordinator k ON k.id = i.coordinator_id
        """

    init(row: Row) {
        uuid = row.uuid("uuid")
        houseUuid = row.uuid("house_uuid")
        coordinatorUuid = row.optionalUUID("coordinator_uuid")
        inspectedOn = row.date("inspected_on") ?? RegisterDate(year: 1970, month: 1, day: 1)!
        inspectorName = row["inspector_name"]
        result = row["result"]
        findings = row["findings"]
        rectification = row["rectification"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }
}

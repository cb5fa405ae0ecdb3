import Foundation
import GRDB

/// 出租状态 of a house.
public enum RentalStatus: Int, Sendable, Hashable, Codable {
    /// 0 未出租.
    case notRented = 0
    /// 1 出租 (whole house).
    case rented = 1
    /// 2 部分出租 (rooms, 合租).
    case partlyRented = 2
}

/// 注销标识 of a house: 0 正常, 1 注销 (demolished / no longer a dwelling or rental).
public enum HouseStatus: Int, Sendable, Hashable, Codable {
    /// 0 正常.
    case normal = 0
    /// 1 注销.
    case cancelled = 1
}

/// 房屋/户: a dwelling or shop, the unit of 以房管人.
public struct House: Sendable, Hashable, Codable {
    /// Record UUID.
    public var uuid: UUID
    /// Its 小区, and building and unit when it is in one.
    public var xiaoquUuid: UUID, buildingUuid: UUID?, unitUuid: UUID?
    /// Floor (negative below ground).
    public var floor: Int?
    /// 房号 / 门牌号 within the unit, building or 小区.
    public var roomNumber: String
    /// 门(楼)详址: the full standard address.
    public var address: String
    /// 建筑面积 in m².
    public var area: Double?
    /// 房屋用途 (``CodeTable/houseUsage``).
    public var usage: String
    /// 出租状态.
    public var rentalStatus: RentalStatus
    /// 出租用途 (``CodeTable/rentalUse``), rented rooms and area.
    public var rentalUse: String?, rentedRooms: Int?, rentedArea: Double?
    /// 房主 (landlord) and 治安责任人, as person records.
    public var landlordUuid: UUID?, securityPersonUuid: UUID?
    /// 租赁备案证号.
    public var rentalFilingNumber: String?
    /// 注销标识.
    public var status: HouseStatus
    /// Last 注销 date and reason.
    public var cancelledOn: RegisterDate?, cancelReason: String?
    /// Last 恢复 date and reason (after a 注销).
    public var restoredOn: RegisterDate?, restoreReason: String?
    /// The coordinator (协管员) currently assigned.
    public var coordinatorUuid: UUID?
    /// Created / last updated (UTC).
    public var createdAt: String, updatedAt: String

    static let select = """
        SELECT h.*, x.uuid AS xiaoqu_uuid, b.uuid AS building_uuid, u.uuid AS unit_uuid,
               lp.uuid AS landlord_uuid, sp.uuid AS security_uuid,
               (SELECT c.uuid FROM coordinator_house ch JOIN coordinator c ON c.id = ch.coordinator_id
                WHERE ch.house_id = h.id AND ch.ended_on IS NULL) AS coordinator_uuid
        FROM house h JOIN xiaoqu x ON x.id = h.xiaoqu_id
        LEFT JOIN building b ON b.id = h.building_id LEFT JOIN unit u ON u.id = h.unit_id
        LEFT JOIN person lp ON lp.id = h.landlord_person_id LEFT JOIN person sp ON sp.id = h.security_person_id
        """

    init(row: Row) {
        uuid = row.uuid("uuid")
        xiaoquUuid = row.uuid("xiaoqu_uuid")
        buildingUuid = row.optionalUUID("building_uuid")
        unitUuid = row.optionalUUID("unit_uuid")
        floor = row["floor"]
        roomNumber = row["room_number"]
        address = row["address"]
        area = row["area"]
        usage = row["usage"]
        rentalStatus = RentalStatus(rawValue: row["rental_status"]) ?? .notRented
        rentalUse = row["rental_use"]
        rentedRooms = row["rented_rooms"]
        rentedArea = row["rented_area"]
        landlordUuid = row.optionalUUID("landlord_uuid")
        securityPersonUuid = row.optionalUUID("security_uuid")
        rentalFilingNumber = row["rental_filing_number"]
        status = HouseStatus(rawValue: row["status"]) ?? .normal
        cancelledOn = row.date("cancelled_on")
        cancelReason = row["cancel_reason"]
        restoredOn = row.date("restored_on")
        restoreReason = row["restore_reason"]
        coordinatorUuid = row.optionalUUID("coordinator_uuid")
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }
}

/// One 注销 or 恢复 of a house (table `house_status_change`).
public struct HouseStatusChange: Sendable, Hashable, Codable {
    /// 1 注销, 2 恢复.
    public enum Action: Int, Sendable, Hashable, Codable {
        /// 1 注销.
        case cancel = 1
        /// 2 恢复 (恢复出租).
        case restore = 2
    }
    /// Record UUID.
    public var uuid: UUID
    /// What was done.
    public var action: Action
    /// Effective date.
    public var date: RegisterDate
    /// Why.
    public var reason: String
    /// Who (user id).
    public var actor: String
    /// Recorded at (UTC).
    public var createdAt: String

    init(row: Row) {
        uuid = row.uuid("uuid")
        action = Action(rawValue: row["action"]) ?? .cancel
        date = row.date("on_date") ?? RegisterDate(year: 1970, month: 1, day: 1)!
        reason = row["reason"]
        actor = row["actor"]
        createdAt = row["created_at"]
    }
}

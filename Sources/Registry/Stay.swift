import Foundation
import GRDB

/// 注销标识 of a stay: 0 normal (living there), 1 cancelled (人走注销), 2 auto-cancelled (30 days after an
/// expired planned stay).
public enum StayCancelFlag: Int, Sendable, Hashable, Codable {
    /// 0 正常.
    case active = 0
    /// 1 注销.
    case cancelled = 1
    /// 2 自动注销.
    case autoCancelled = 2
}

/// 人来登记 … 人走注销: a person living in a house from an arrival date until a departure.
public struct Stay: Sendable, Hashable, Codable {
    /// Record UUID.
    public var uuid: UUID
    /// Who and where.
    public var personUuid: UUID, houseUuid: UUID
    /// 到达本地日期 (arrival).
    public var arrivalDate: RegisterDate
    /// 与户主关系 (``CodeTable/relation``).
    public var relation: String
    /// 拟居住期限, 居住事由, 住所类别 codes.
    public var plannedStay: String?, residenceReason: String?, housingType: String?
    /// 离开日期 and 注销原因.
    public var departureDate: RegisterDate?, departureReason: String?
    /// 注销标识.
    public var cancelFlag: StayCancelFlag
    /// Who registered the arrival and the departure (user ids).
    public var registeredBy: String, departedBy: String?
    /// Created / last updated (UTC).
    public var createdAt: String, updatedAt: String

    /// Whether the person still lives there.
    public var isActive: Bool { departureDate == nil }

    static let select = """
        SELECT s.*, p.uuid AS person_uuid, h.uuid AS house_uuid, h.xiaoqu_id AS xiaoqu_id
        FROM stay s JOIN person p ON p.id = s.person_id JOIN house h ON h.id = s.house_id
        """

    init(row: Row) {
        uuid = row.uuid("uuid")
        personUuid = row.uuid("person_uuid")
        houseUuid = row.uuid("house_uuid")
        arrivalDate = row.date("arrival_date") ?? RegisterDate(year: 1900, month: 1, day: 1)!
        relation = row["relation"]
        plannedStay = row["planned_stay"]
        residenceReason = row["residence_reason"]
        housingType = row["housing_type"]
        departureDate = row.date("departure_date")
        departureReason = row["departure_reason"]
        cancelFlag = StayCancelFlag(rawValue: row["cancel_flag"]) ?? .active
        registeredBy = row["registered_by"]
        departedBy = row["departed_by"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }
}

/// A current resident of a house: the stay and the person.
public struct Resident: Sendable, Hashable, Codable {
    /// The stay.
    public var stay: Stay
    /// The person.
    public var person: Person
}

/// One stay of a person's residence history, with where it was.
public struct ResidenceHistoryItem: Sendable, Hashable, Codable {
    /// The stay.
    public var stay: Stay
    /// The house's address.
    public var houseAddress: String
    /// The 小区's UUID and name.
    public var xiaoquUuid: UUID, xiaoquName: String

    static let select = """
        SELECT s.*, p.uuid AS person_uuid, h.uuid AS house_uuid, h.xiaoqu_id AS xiaoqu_id,
               h.address AS house_address, x.uuid AS xiaoqu_uuid, x.name AS xiaoqu_name
        FROM stay s JOIN person p ON p.id = s.person_id JOIN house h ON h.id = s.house_id
        JOIN xiaoqu x ON x.id = h.xiaoqu_id
        """
}

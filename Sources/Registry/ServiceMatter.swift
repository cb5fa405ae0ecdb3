import Foundation
import GRDB

/// 办理状态 of a service matter: 受理 → 办理中 → 办结, or 退回 / 撤销 from 受理 or 办理中.
public enum ServiceMatterState: Int, Sendable, Hashable, Codable, CaseIterable {
    /// 1 受理.
    case accepted = 1
    /// 2 办理中.
    case inProgress = 2
    /// 3 办结.
    case completed = 3
    /// 4 退回.
    case returned = 4
    /// 5 撤销.
    case withdrawn = 5

    /// The Chinese name.
    public var label: String {
        switch self {
        case .accepted: "受理"
        case .inProgress: "办理中"
        case .completed: "办结"
        case .returned: "退回"
        case .withdrawn: "撤销"
        }
    }

    /// Whether no further transition is possible.
    public var isFinal: Bool { self == .completed || self == .returned || self == .withdrawn }

    /// The states reachable from this one.
    public var next: [ServiceMatterState] {
        switch self {
        case .accepted: [.inProgress, .returned, .withdrawn]
        case .inProgress: [.completed, .returned, .withdrawn]
        default: []
        }
    }
}

/// Where a matter was opened: 1 property desk, 2 self-service kiosk, 3 police.
public enum MatterChannel: Int, Sendable, Hashable, Codable {
    /// 1 物业服务台.
    case desk = 1
    /// 2 自助终端.
    case kiosk = 2
    /// 3 民警.
    case police = 3
}

/// 服务事项: a matter declared by staff or residents, tracked to completion.
public struct ServiceMatter: Sendable, Hashable, Codable {
    /// Record UUID.
    public var uuid: UUID
    /// Its 小区 and house.
    public var xiaoquUuid: UUID, houseUuid: UUID?
    /// The applicant (a person record when known), name and phone.
    public var applicantUuid: UUID?, applicantName: String, applicantPhone: String?
    /// 事项类型 (``CodeTable/serviceMatterType``) and content.
    public var matterType: String, summary: String
    /// Where it was opened.
    public var channel: MatterChannel
    /// Current state.
    public var state: ServiceMatterState
    /// 受理日期, 办结/退回/撤销日期, and the outcome text.
    public var openedOn: RegisterDate, closedOn: RegisterDate?, result: String?
    /// Every state change, oldest first.
    public var history: [ServiceMatterEvent]
    /// Created / last updated (UTC).
    public var createdAt: String, updatedAt: String

    static let select = """
        SELECT m.*, x.uuid AS xiaoqu_uuid, h.uuid AS house_uuid, p.uuid AS applicant_uuid
        FROM service_matter m JOIN xiaoqu x ON x.id = m.xiaoqu_id LEFT JOIN house h ON h.id = m.house_id
        LEFT JOIN person p ON p.id = m.applicant_person_id
        """

    init(row: Row, history: [ServiceMatterEvent], cipher: DataCipher) throws {
        uuid = row.uuid("uuid")
        xiaoquUuid = row.uuid("xiaoqu_uuid")
        houseUuid = row.optionalUUID("house_uuid")
        applicantUuid = row.optionalUUID("applicant_uuid")
        applicantName = row["applicant_name"]
        applicantPhone = try cipher.text(row, "applicant_phone_enc", .applicantPhone)
        matterType = row["matter_type"]
        summary = row["summary"]
        channel = MatterChannel(rawValue: row["channel"]) ?? .desk
        state = ServiceMatterState(rawValue: row["state"]) ?? .accepted
        openedOn = row.date("opened_on") ?? RegisterDate(year: 1970, month: 1, day: 1)!
        closedOn = row.date("closed_on")
        result = row["result"]
        self.history = history
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }
}

/// One state change of a service matter (table `service_matter_event`).
public struct ServiceMatterEvent: Sendable, Hashable, Codable {
    /// Record UUID.
    public var uuid: UUID
    /// From (`nil` when opened) and to.
    public var from: ServiceMatterState?, to: ServiceMatterState
    /// When (UTC) and who.
    public var at: String, actor: String
    /// 办理意见.
    public var note: String?

    init(row: Row) {
        uuid = row.uuid("uuid")
        from = (row["from_state"] as Int?).flatMap(ServiceMatterState.init(rawValue:))
        to = ServiceMatterState(rawValue: row["to_state"]) ?? .accepted
        at = row["at"]
        actor = row["actor"]
        note = row["note"]
    }
}

import Foundation
import GRDB

/// What a history search of stays (居住登记历史查询) looks for. Every criterion given must match (AND);
/// none given lists every stay in the caller's scope. Results are always cut to the caller's scope
/// (a stay is visible when its house is in a 小区 in scope).
public struct StaySearch: Sendable, Hashable, Codable {
    /// Arrival period, inclusive at both ends (到达本地日期 from … to).
    public var arrivalFrom: RegisterDate?, arrivalTo: RegisterDate?
    /// 身份号码: exact match of the normalised number, through the keyed hash.
    public var idNumber: String?
    /// 姓名 prefix (`张` finds 张伟 and 张三丰), compared character by character.
    public var namePrefix: String?
    /// Pinyin-initials prefix (`zw` finds 张伟), case-insensitive; needs `name_pinyin` to be filled.
    public var pinyinPrefix: String?
    /// 社区, 小区, 楼栋 (UUIDs; one outside the scope matches nothing).
    public var community: UUID?, xiaoqu: UUID?, building: UUID?
    /// 管辖民警 of the 小区: exact name or exact 警号.
    public var officer: String?
    /// Only stays still active (no departure).
    public var activeOnly: Bool
    /// Page size (1…500, default 50) and how many results to skip.
    public var limit: Int, offset: Int

    /// A search.
    public init(
        arrivalFrom: RegisterDate? = nil, arrivalTo: RegisterDate? = nil, idNumber: String? = nil,
        namePrefix: String? = nil, pinyinPrefix: String? = nil, community: UUID? = nil, xiaoqu: UUID? = nil,
        building: UUID? = nil, officer: String? = nil, activeOnly: Bool = false, limit: Int = 50, offset: Int = 0
    ) {
        self.arrivalFrom = arrivalFrom
        self.arrivalTo = arrivalTo
        self.idNumber = idNumber
        self.namePrefix = namePrefix
        self.pinyinPrefix = pinyinPrefix
        self.community = community
        self.xiaoqu = xiaoqu
        self.building = building
        self.officer = officer
        self.activeOnly = activeOnly
        self.limit = limit
        self.offset = offset
    }

    /// The largest page.
    public static let maximumLimit = 500
}

/// One stay found by a search, with who and where (enough for a result list).
public struct StaySearchHit: Sendable, Hashable, Codable {
    /// The stay, the person and the house.
    public var stayUuid: UUID, personUuid: UUID, houseUuid: UUID
    /// 姓名, 性别, 出生日期.
    public var name: String, sex: String, birthDate: RegisterDate
    /// 身份号码 as the caller's role may see it (see ``IDNumberDisclosure``): in full for police, masked
    /// (`1101**********002X`) for everyone else.
    public var idNumber: String?
    /// Whether ``idNumber`` is the full number.
    public var idNumberIsFull: Bool
    /// 到达本地日期, 离开日期, 注销标识.
    public var arrivalDate: RegisterDate, departureDate: RegisterDate?, cancelFlag: StayCancelFlag
    /// 与户主关系, 拟居住期限, 居住事由, 住所类别 codes.
    public var relation: String, plannedStay: String?, residenceReason: String?, housingType: String?
    /// The house's address, its building's name, its 小区 and 社区.
    public var houseAddress: String, buildingName: String?
    /// The 小区 and 社区.
    public var xiaoquUuid: UUID, xiaoquName: String, communityName: String
    /// 管辖民警 of the 小区.
    public var officerName: String?
}

/// A page of search results.
public struct StaySearchPage: Sendable, Hashable, Codable {
    /// The hits of this page, in the search's order.
    public var hits: [StaySearchHit]
    /// The page asked for.
    public var offset: Int, limit: Int
    /// Whether more hits follow this page.
    public var hasMore: Bool
}

/// How much of an ID number a role sees in search hits (``StaySearchHit/idNumber``). Reminders and
/// data-quality findings carry the masked number only, for every role: they are to-do lists, and the
/// record they name is one click away.
///
/// - `police`: the full number — officers verify identities and act on them (协查, 核查).
/// - `desk`: masked — property staff work on many people at once in lists; the full number of one
///   person is on that person's record (``RegisterStore/person(_:for:)``), which they open deliberately.
/// - everyone else: no personal data at all (admin, kiosk, security officer and auditor cannot search).
public enum IDNumberDisclosure: Sendable, Hashable {
    /// The full number.
    case full
    /// `1101**********002X`.
    case masked

    /// The disclosure for a role.
    public static func of(_ role: Role) -> IDNumberDisclosure {
        if case .police = role { return .full }
        return .masked
    }
}

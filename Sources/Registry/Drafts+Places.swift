import Foundation

/// Input of ``RegisterStore/createStation(_:by:)``.
public struct StationDraft: Sendable, Hashable {
    /// 公安机关机构代码 (required, unique).
    public var code: String?
    /// Name (required).
    public var name: String?
    /// GB/T 2260 region (optional).
    public var regionCode: String?

    /// A draft.
    public init(code: String? = nil, name: String? = nil, regionCode: String? = nil) {
        self.code = code
        self.name = name
        self.regionCode = regionCode
    }
}

/// Input of ``RegisterStore/createCommunity(_:by:)`` and ``RegisterStore/updateCommunity(_:_:by:)``.
public struct CommunityDraft: Sendable, Hashable {
    /// The covering station (police callers: their own, the default).
    public var station: UUID?
    /// GB/T 2260 county-level region, 6 digits (required).
    public var regionCode: String?
    /// 街道.
    public var streetOffice: String?
    /// Name (required, unique within the region).
    public var name: String?

    /// A draft.
    public init(station: UUID? = nil, regionCode: String? = nil, streetOffice: String? = nil, name: String? = nil) {
        self.station = station
        self.regionCode = regionCode
        self.streetOffice = streetOffice
        self.name = name
    }
}

/// Input of ``RegisterStore/createXiaoqu(_:by:)`` and ``RegisterStore/updateXiaoqu(_:_:by:)``.
public struct XiaoquDraft: Sendable, Hashable {
    /// Its 社区 (required on creation; a 小区 does not move).
    public var community: UUID?
    /// The station in charge (default: the 社区's).
    public var station: UUID?
    /// Name (required, unique within the 社区), address (required).
    public var name: String?, address: String?
    /// 五位一体 parties.
    public var developer: String?, builder: String?, propertyCompany: String?, propertyContact: String?,
               propertyPhone: String?
    /// 管辖民警.
    public var officerName: String?, officerBadge: String?, officerPhone: String?

    /// A draft.
    public init(
        community: UUID? = nil, station: UUID? = nil, name: String? = nil, address: String? = nil,
        developer: String? = nil, builder: String? = nil, propertyCompany: String? = nil,
        propertyContact: String? = nil, propertyPhone: String? = nil, officerName: String? = nil,
        officerBadge: String? = nil, officerPhone: String? = nil
    ) {
        self.community = community
        self.station = station
        self.name = name
        self.address = address
        self.developer = developer
        self.builder = builder
        self.propertyCompany = propertyCompany
        self.propertyContact = propertyContact
        self.propertyPhone = propertyPhone
        self.officerName = officerName
        self.officerBadge = officerBadge
        self.officerPhone = officerPhone
    }
}

/// Input of ``RegisterStore/createBuilding(_:by:)`` and ``RegisterStore/updateBuilding(_:_:by:)``.
public struct BuildingDraft: Sendable, Hashable {
    /// Its 小区 (required on creation).
    public var xiaoqu: UUID?
    /// Name (required, unique within the 小区).
    public var name: String?
    /// 门牌 address.
    public var address: String?
    /// Floors above (1–200) and below (0–20) ground.
    public var floorsAbove: Int?, floorsBelow: Int?

    /// A draft.
    public init(xiaoqu: UUID? = nil, name: String? = nil, address: String? = nil, floorsAbove: Int? = nil,
                floorsBelow: Int? = nil) {
        self.xiaoqu = xiaoqu
        self.name = name
        self.address = address
        self.floorsAbove = floorsAbove
        self.floorsBelow = floorsBelow
    }
}

/// Input of ``RegisterStore/createUnit(_:by:)`` and ``RegisterStore/updateUnit(_:_:by:)``.
public struct UnitDraft: Sendable, Hashable {
    /// Its building (required on creation).
    public var building: UUID?
    /// Name (required, unique within the building).
    public var name: String?

    /// A draft.
    public init(building: UUID? = nil, name: String? = nil) {
        self.building = building
        self.name = name
    }
}

/// A person named in a house (landlord, 治安责任人): an existing record in scope, or identified by
/// their details (found by ID number, created when new).
public enum PersonReference: Sendable, Hashable {
    /// An existing person record.
    case existing(UUID)
    /// A person identified by a document (an ID number is required).
    case identified(PersonDraft)
}

/// Input of ``RegisterStore/createHouse(_:by:)`` and ``RegisterStore/updateHouse(_:_:by:)``.
public struct HouseDraft: Sendable, Hashable {
    /// Its 小区 (required on creation; a house does not change 小区).
    public var xiaoqu: UUID?
    /// Building and unit, when it is in one (the unit's building must be the building).
    public var building: UUID?, unit: UUID?
    /// Floor, within the building's floors.
    public var floor: Int?
    /// 房号 (required; unique within the unit / building / 小区).
    public var roomNumber: String?
    /// 门(楼)详址; default: 小区 address + building + unit + room.
    public var address: String?
    /// 建筑面积 m² (> 0).
    public var area: Double?
    /// 房屋用途 (``CodeTable/houseUsage``, required).
    public var usage: String?
    /// 出租状态; a rented house needs a landlord.
    public var rentalStatus: RentalStatus
    /// 出租用途 (``CodeTable/rentalUse``), rooms, area.
    public var rentalUse: String?, rentedRooms: Int?, rentedArea: Double?
    /// 房主 and 治安责任人.
    public var landlord: PersonReference?, securityPerson: PersonReference?
    /// 租赁备案证号.
    public var rentalFilingNumber: String?

    /// A draft.
    public init(
        xiaoqu: UUID? = nil, building: UUID? = nil, unit: UUID? = nil, floor: Int? = nil,
        roomNumber: String? = nil, address: String? = nil, area: Double? = nil, usage: String? = nil,
        rentalStatus: RentalStatus = .notRented, rentalUse: String? = nil, rentedRooms: Int? = nil,
        rentedArea: Double? = nil, landlord: PersonReference? = nil, securityPerson: PersonReference? = nil,
        rentalFilingNumber: String? = nil
    ) {
        self.xiaoqu = xiaoqu
        self.building = building
        self.unit = unit
        self.floor = floor
        self.roomNumber = roomNumber
        self.address = address
        self.area = area
        self.usage = usage
        self.rentalStatus = rentalStatus
        self.rentalUse = rentalUse
        self.rentedRooms = rentedRooms
        self.rentedArea = rentedArea
        self.landlord = landlord
        self.securityPerson = securityPerson
        self.rentalFilingNumber = rentalFilingNumber
    }
}

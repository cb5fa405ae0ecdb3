import Foundation

/// Who is asking: every query and operation of the register takes one. The module cuts everything
/// to the actor's scope itself (``Scope``); callers never filter.
public struct Actor: Sendable, Hashable, CustomStringConvertible {
    /// The user id (login name, or the device name for kiosks). Written to the audit log.
    public var userId: String
    /// The role, with its scope.
    public var role: Role

    /// An actor.
    public init(userId: String, role: Role) {
        self.userId = userId
        self.role = role
    }

    /// `userId(role)`.
    public var description: String { "\(userId)(\(role.name))" }
}

/// The roles of the appliance (design.md, Privacy and security) and their scope.
///
/// | role | places | people, stays, declarations | other |
/// |---|---|---|---|
/// | admin | all; creates stations, 社区, 小区 | none (三员分立: no personal data) | coordinators |
/// | securityOfficer | none | none | (users and keys, elsewhere) |
/// | auditor | none | none | audit log |
/// | police(station) | 小区 of the station | read and write | coordinators, exports |
/// | desk(小区) | its 小区 | read and write | exports |
/// | kiosk(device, 小区) | its 小区 (houses) | self-service only: register from a card, declare, open a matter | |
public enum Role: Sendable, Hashable {
    /// System administrator: the place hierarchy and coordinators, no personal data.
    case admin
    /// Security officer (安全保密管理员): no register data.
    case securityOfficer
    /// Auditor (安全审计员): the audit log only.
    case auditor
    /// Police (派出所 level): everything in the 小区 under the station.
    case police(station: UUID)
    /// Property desk (小区 level): everything in these 小区.
    case desk(xiaoqus: Set<UUID>)
    /// A self-service kiosk: the self-service flow for the card just read, in these 小区.
    case kiosk(device: String, xiaoqus: Set<UUID>)

    /// `admin`, `securityOfficer`, `auditor`, `police`, `desk`, `kiosk`.
    public var name: String {
        switch self {
        case .admin: "admin"
        case .securityOfficer: "securityOfficer"
        case .auditor: "auditor"
        case .police: "police"
        case .desk: "desk"
        case .kiosk: "kiosk"
        }
    }
}

/// What an operation needs from the actor's role (the scope is checked separately, per record).
enum Capability: Sendable {
    case manageStations
    case managePlaces  // create 社区 / 小区
    case editXiaoqu  // edit a 小区's details and 五位一体 parties
    case manageHouses  // buildings, units, houses (without people)
    case readPlaces
    case readPeople
    case registerPeople  // register, check in / out, transfer, landlords
    case selfRegister  // register from a card (kiosk)
    case declare
    case openMatter
    case progressMatter
    case manageCoordinators
    case inspect
    case export
    case readAudit
    case answerCases  // 协查/核查: pair, re-pair, answer; 通报; notices and the to-do list

    var description: String {
        switch self {
        case .manageStations: "管理派出所"
        case .managePlaces: "新建社区或小区"
        case .editXiaoqu: "修改小区信息"
        case .manageHouses: "管理楼栋、单元和房屋"
        case .readPlaces: "查看房屋信息"
        case .readPeople: "查看人员信息"
        case .registerPeople: "办理人员登记"
        case .selfRegister: "自助登记"
        case .declare: "办理居住登记申报"
        case .openMatter: "受理服务事项"
        case .progressMatter: "办理服务事项"
        case .manageCoordinators: "管理协管员"
        case .inspect: "登记巡查"
        case .export: "导出数据"
        case .readAudit: "查看审计日志"
        case .answerCases: "办理协查核查"
        }
    }
}

extension Actor {
    /// Whether the role allows `capability` (anywhere in its scope).
    func can(_ capability: Capability) -> Bool {
        switch (role, capability) {
        case (.admin, .manageStations), (.admin, .managePlaces), (.admin, .editXiaoqu),
             (.admin, .manageHouses), (.admin, .readPlaces), (.admin, .manageCoordinators):
            return true
        case (.auditor, .readAudit):
            return true
        case (.police, let c):
            return c != .manageStations && c != .readAudit
        case (.desk, let c):
            return ![.manageStations, .managePlaces, .manageCoordinators, .readAudit, .selfRegister].contains(c)
        case (.kiosk, .readPlaces), (.kiosk, .selfRegister), (.kiosk, .declare), (.kiosk, .openMatter):
            return true
        default:
            return false
        }
    }

    /// Throws ``RegistryError/Code/permissionDenied`` unless the role allows `capability`.
    func require(_ capability: Capability) throws {
        guard can(capability) else { throw RegistryError.denied(capability.description) }
    }

    /// Self-service callers (kiosks) register from a card; staff need ``Capability/registerPeople``.
    func requireRegistration(fromCard: Bool) throws {
        if fromCard, can(.selfRegister) { return }
        try require(.registerPeople)
    }
}

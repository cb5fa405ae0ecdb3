import Foundation

/// What ``RegisterExporter`` exports.
public struct ExportOptions: Sendable, Hashable {
    /// One 小区 (it must be in the exporter's scope); `nil`: every 小区 in scope.
    public var xiaoqu: UUID?
    /// Residents: only current stays (no 离开日期); else every stay, ended ones with their departure.
    public var currentOnly: Bool
    /// Mask ID numbers (`1101**********002X`) and phones (`138****8001`) even for a role that may
    /// export them in full. A masked file cannot be imported back.
    public var mask: Bool

    /// Options (defaults: every 小区 in scope, every stay, full values where the role allows).
    public init(xiaoqu: UUID? = nil, currentOnly: Bool = false, mask: Bool = false) {
        self.xiaoqu = xiaoqu
        self.currentOnly = currentOnly
        self.mask = mask
    }

    /// The canonical text of the options, whose digest goes into the export's audit entry.
    var parameters: String {
        CanonicalJSON.object([
            ("xiaoqu", CanonicalJSON.json(xiaoqu?.dbText)), ("currentOnly", currentOnly ? "true" : "false"),
            ("mask", mask ? "true" : "false"),
        ])
    }
}

/// An export written.
public struct ExportResult: Sendable, Hashable {
    /// The kind exported.
    public var kind: SheetKind
    /// The file written.
    public var url: URL
    /// Data rows written (the header not counted).
    public var rows: Int
    /// Whether ID numbers and phones were masked.
    public var masked: Bool
    /// Whether the people columns (landlord, 治安责任人) were left empty (roles without access to
    /// personal data).
    public var peopleOmitted: Bool
    /// The audit entry recording the export.
    public var auditSeq: Int64
}

/// How much personal data an export carries, decided by the exporter's role.
///
/// | role | kinds | ID numbers and phones | names of people |
/// |---|---|---|---|
/// | police(station) | all | full (masked with ``ExportOptions/mask``) | yes |
/// | desk(小区) | all | full (masked with ``ExportOptions/mask``) | yes |
/// | admin | houses only | empty | empty (三员分立: no personal data) |
/// | kiosk, auditor, securityOfficer | none | – | – |
enum ExportDisclosure: Sendable {
    case full
    case masked
    /// No personal data at all: people columns empty.
    case placesOnly

    static func of(_ actor: Actor, kind: SheetKind, mask: Bool) throws -> ExportDisclosure {
        if actor.can(.export), actor.can(.readPeople) { return mask ? .masked : .full }
        if kind == .houses, actor.can(.readPlaces), actor.can(.manageHouses) { return .placesOnly }
        throw RegistryError.denied(kind == .houses ? "导出房屋" : Capability.export.description + "（人员信息）")
    }
}

import Foundation
import IDCard
import Registry

/// A person as the API shows them: the register's record without the photo and fingerprint bytes (only
/// whether they are there).
struct PersonView: Encodable {
    struct Warning: Encodable {
        var code: String
        var message: String
    }

    var uuid: UUID
    var documentType: String
    var idNumber: String?, idNumberMasked: String?
    var name: String, namePinyin: String?, englishName: String?
    var sex: String, nation: String?
    var birthDate: RegisterDate
    var nativeRegion: String?, address: String?
    var cardIssuer: String?, cardValidFrom: String?, cardValidTo: String?, passNumber: String?,
        cardIssueCount: String?, cardNationality: String?, cardNumber: String?, cardReader: String?
    var appendedAddresses: [String]
    var phone: String?
    var hasPhoto: Bool
    var fingerprintCount: Int
    var warnings: [Warning]
    var entryMethod: String
    var duplicateConfirmed: Bool
    var createdAt: String, updatedAt: String

    init(_ p: Person) {
        uuid = p.uuid
        documentType = p.documentType.rawValue
        idNumber = p.idNumber
        idNumberMasked = p.idNumberMasked
        name = p.name
        namePinyin = p.namePinyin
        englishName = p.englishName
        sex = p.sex
        nation = p.nation
        birthDate = p.birthDate
        nativeRegion = p.nativeRegion
        address = p.address
        cardIssuer = p.cardIssuer
        cardValidFrom = p.cardValidFrom
        cardValidTo = p.cardValidTo
        passNumber = p.passNumber
        cardIssueCount = p.cardIssueCount
        cardNationality = p.cardNationality
        cardNumber = p.cardNumber
        cardReader = p.cardReader
        appendedAddresses = p.appendedAddresses
        phone = p.phone
        hasPhoto = p.photoWlt != nil
        fingerprintCount = p.fingerprints.count
        warnings = p.warnings.map { Warning(code: $0.rawValue, message: $0.message) }
        entryMethod = p.entryMethod == .cardRead ? "cardRead" : "manual"
        duplicateConfirmed = p.duplicateConfirmed
        createdAt = p.createdAt
        updatedAt = p.updatedAt
    }
}

/// A current (or past) resident of a house: the stay and the person.
struct ResidentView: Encodable {
    var stay: Stay
    var person: PersonView

    init(_ r: Resident) {
        stay = r.stay
        person = PersonView(r.person)
    }
}

/// The answer of a registration (人来登记).
struct RegistrationView: Encodable {
    var person: PersonView
    var stay: Stay
    var personCreated: Bool
    var warnings: [PersonView.Warning]
    var confirmedFindings: [FindingView]

    init(_ r: Registration) {
        person = PersonView(r.person)
        stay = r.stay
        personCreated = r.personCreated
        warnings = r.warnings.map { .init(code: $0.rawValue, message: $0.message) }
        confirmedFindings = r.confirmedFindings.map(FindingView.init)
    }
}

/// The answer of a transfer.
struct TransferView: Encodable {
    var departed: Stay
    var arrived: Stay
    var confirmedFindings: [FindingView]

    init(_ t: Transfer) {
        departed = t.departed
        arrived = t.arrived
        confirmedFindings = t.confirmedFindings.map(FindingView.init)
    }
}

/// The answer of a declaration.
struct DeclarationResultView: Encodable {
    var declaration: ResidenceDeclaration
    var warnings: [PersonView.Warning]

    init(_ r: DeclarationResult) {
        declaration = r.declaration
        warnings = r.warnings.map { .init(code: $0.rawValue, message: $0.message) }
    }
}

/// The API names of the alert states.
enum AlertStateName {
    static func name(_ state: AlertState) -> String {
        switch state {
        case .new: "new"
        case .acknowledged: "acknowledged"
        case .dispatched: "dispatched"
        case .closed: "closed"
        }
    }

    static func state(_ name: String) -> AlertState? {
        AlertState.allCases.first { self.name($0) == name }
    }
}

/// An alert as the API shows it: states by name, with their Chinese label.
struct AlertView: Encodable {
    var uuid: UUID
    var listId: String, listVersion: Int64
    var level: Int, category: String, instructions: String
    var matchedBy: String
    var maskedIdNumber: String?, maskedName: String?
    var device: String, xiaoquUuid: UUID, houseUuid: UUID?
    var state: String, stateLabel: String
    var next: [String]
    var firstSeenAt: String, lastSeenAt: String, scanCount: Int
    var acknowledged: AlertStep?, dispatched: AlertStep?, closed: AlertStep?
    var createdAt: String, updatedAt: String

    init(_ a: Alert) {
        uuid = a.uuid
        listId = a.listId
        listVersion = a.listVersion
        level = a.level
        category = a.category
        instructions = a.instructions
        matchedBy = a.matchedBy
        maskedIdNumber = a.maskedIdNumber
        maskedName = a.maskedName
        device = a.device
        xiaoquUuid = a.xiaoquUuid
        houseUuid = a.houseUuid
        state = AlertStateName.name(a.state)
        stateLabel = a.state.label
        next = a.state.next.map(AlertStateName.name)
        firstSeenAt = a.firstSeenAt
        lastSeenAt = a.lastSeenAt
        scanCount = a.scanCount
        acknowledged = a.acknowledged
        dispatched = a.dispatched
        closed = a.closed
        createdAt = a.createdAt
        updatedAt = a.updatedAt
    }
}

/// The API names of the service-matter states.
enum MatterStateName {
    static func name(_ state: ServiceMatterState) -> String {
        switch state {
        case .accepted: "accepted"
        case .inProgress: "inProgress"
        case .completed: "completed"
        case .returned: "returned"
        case .withdrawn: "withdrawn"
        }
    }

    static func state(_ name: String) -> ServiceMatterState? {
        ServiceMatterState.allCases.first { self.name($0) == name }
    }
}

/// A service matter with its states by name.
struct ServiceMatterView: Encodable {
    struct Event: Encodable {
        var uuid: UUID
        var from: String?, to: String
        var at: String, actor: String
        var note: String?
    }

    var uuid: UUID
    var xiaoquUuid: UUID, houseUuid: UUID?
    var applicantUuid: UUID?, applicantName: String, applicantPhone: String?
    var matterType: String, summary: String
    var channel: String
    var state: String, stateLabel: String
    var next: [String]
    var openedOn: RegisterDate, closedOn: RegisterDate?, result: String?
    var history: [Event]
    var createdAt: String, updatedAt: String

    init(_ m: ServiceMatter) {
        uuid = m.uuid
        xiaoquUuid = m.xiaoquUuid
        houseUuid = m.houseUuid
        applicantUuid = m.applicantUuid
        applicantName = m.applicantName
        applicantPhone = m.applicantPhone
        matterType = m.matterType
        summary = m.summary
        channel = switch m.channel {
        case .desk: "desk"
        case .kiosk: "kiosk"
        case .police: "police"
        }
        state = MatterStateName.name(m.state)
        stateLabel = m.state.label
        next = m.state.next.map(MatterStateName.name)
        openedOn = m.openedOn
        closedOn = m.closedOn
        result = m.result
        history = m.history.map {
            Event(uuid: $0.uuid, from: $0.from.map(MatterStateName.name), to: MatterStateName.name($0.to), at: $0.at,
                  actor: $0.actor, note: $0.note)
        }
        createdAt = m.createdAt
        updatedAt = m.updatedAt
    }
}

import Foundation
import Hummingbird
import Registry

// MARK: Request bodies. Keys are the register's field names (``Field``), so a field error names the key
// the page sent.

/// The person part of a manual registration (flat in the body).
struct PersonFields: Decodable {
    var documentType: DocumentType?
    var idNumber: String?, name: String?, englishName: String?, sex: String?, nation: String?
    var birthDate: RegisterDate?
    var address: String?, nativeRegion: String?, phone: String?

    var draft: PersonDraft {
        PersonDraft(documentType: documentType ?? .residentCard, idNumber: idNumber, name: name, englishName: englishName,
                    sex: sex, nation: nation, birthDate: birthDate, address: address, nativeRegion: nativeRegion, phone: phone)
    }
}

/// The stay part of a registration (flat in the body).
struct StayFields: Decodable {
    var arrivalDate: RegisterDate?
    var relation: String?, plannedStay: String?, residenceReason: String?, housingType: String?

    var draft: StayDraft {
        StayDraft(arrivalDate: arrivalDate, relation: relation, plannedStay: plannedStay, residenceReason: residenceReason,
                  housingType: housingType)
    }
}

/// What the operator confirmed after a 409 `confirmation.required`.
struct ConfirmFields: Decodable {
    var allowMultipleStays: Bool?
    var confirmDuplicate: Bool?

    static func draft(_ fields: ConfirmFields?) -> Confirmations {
        Confirmations(allowMultipleStays: fields?.allowMultipleStays ?? false, confirmDuplicate: fields?.confirmDuplicate ?? false)
    }
}

private enum BodyKeys: String, CodingKey {
    case house, person, reader, token, phone, confirm
}

/// POST /registrations: 人来登记 of a person typed in.
struct ManualRegistrationRequest: Decodable {
    var house: UUID?
    var person: PersonFields
    var stay: StayFields
    var confirm: ConfirmFields?

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: BodyKeys.self)
        house = try c.decodeIfPresent(UUID.self, forKey: .house)
        confirm = try c.decodeIfPresent(ConfirmFields.self, forKey: .confirm)
        person = try PersonFields(from: decoder)
        stay = try StayFields(from: decoder)
    }
}

/// POST /registrations/card: 人来登记 from the card just read on a reader.
struct CardRegistrationRequest: Decodable {
    var reader: String?
    var house: UUID?
    var phone: String?
    var stay: StayFields
    var confirm: ConfirmFields?

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: BodyKeys.self)
        reader = try c.decodeIfPresent(String.self, forKey: .reader)
        house = try c.decodeIfPresent(UUID.self, forKey: .house)
        phone = try c.decodeIfPresent(String.self, forKey: .phone)
        confirm = try c.decodeIfPresent(ConfirmFields.self, forKey: .confirm)
        stay = try StayFields(from: decoder)
    }
}

/// POST /check-ins: 人来登记 of a person already in the register.
struct CheckInRequest: Decodable {
    var person: UUID?
    var house: UUID?
    var stay: StayFields
    var confirm: ConfirmFields?

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: BodyKeys.self)
        person = try c.decodeIfPresent(UUID.self, forKey: .person)
        house = try c.decodeIfPresent(UUID.self, forKey: .house)
        confirm = try c.decodeIfPresent(ConfirmFields.self, forKey: .confirm)
        stay = try StayFields(from: decoder)
    }
}

/// POST /stays/{id}/check-out: 人走注销.
struct CheckOutRequest: Decodable {
    var departureDate: RegisterDate?
    var departureReason: String?

    var draft: DepartureDraft { DepartureDraft(departureDate: departureDate, reason: departureReason) }
}

/// POST /stays/{id}/transfer: out of this house into another, atomically.
struct TransferRequest: Decodable {
    var house: UUID?
    var departure: CheckOutRequest
    var arrival: StayFields
    var confirm: ConfirmFields?

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: BodyKeys.self)
        house = try c.decodeIfPresent(UUID.self, forKey: .house)
        confirm = try c.decodeIfPresent(ConfirmFields.self, forKey: .confirm)
        departure = try CheckOutRequest(from: decoder)
        arrival = try StayFields(from: decoder)
    }
}

/// POST /stays/{id}/extension: a new 拟居住期限.
struct ExtendStayRequest: Decodable {
    var plannedStay: String?
}

/// A 随行未成年家庭成员 row.
struct MinorFields: Decodable {
    var name: String?, sex: String?, birthDate: RegisterDate?, idNumber: String?, relation: String?

    var draft: MinorDraft { MinorDraft(name: name, sex: sex, birthDate: birthDate, idNumber: idNumber, relation: relation) }
}

/// POST /declarations (and the kiosk's, without `person`): 居住登记申报.
struct DeclarationRequest: Decodable {
    var person: UUID?, house: UUID?
    var declaredOn: RegisterDate?
    var currentAddress: String?
    var housingType: String?, residenceReason: String?
    var maritalStatus: String?, politicalStatus: String?, education: String?, militaryService: String?
    var arrivalDate: RegisterDate?, plannedStay: String?
    var applyResidencePermit: Bool?
    var phone: String?
    var hasEmployer: Bool?
    var occupation: String?, employerName: String?, employerManager: String?, employerPhone: String?, employerAddress: String?
    var yearsWorked: Int?
    var labourContract: String?, insurance: String?
    var minors: [MinorFields]?
    /// Kiosk only: the card token shown by GET /kiosk/{device}/card.
    var token: UUID?

    func draft(person: UUID?) -> DeclarationDraft {
        DeclarationDraft(
            person: person, house: house, declaredOn: declaredOn, currentAddress: currentAddress, housingType: housingType,
            residenceReason: residenceReason, maritalStatus: maritalStatus, politicalStatus: politicalStatus,
            education: education, militaryService: militaryService, arrivalDate: arrivalDate, plannedStay: plannedStay,
            applyResidencePermit: applyResidencePermit, phone: phone, hasEmployer: hasEmployer, occupation: occupation,
            employerName: employerName, employerManager: employerManager, employerPhone: employerPhone,
            employerAddress: employerAddress, yearsWorked: yearsWorked, labourContract: labourContract, insurance: insurance,
            minors: (minors ?? []).map(\.draft))
    }
}

/// POST /service-matters: 受理服务事项.
struct ServiceMatterRequest: Decodable {
    var xiaoqu: UUID?, house: UUID?, applicant: UUID?
    var applicantName: String?, applicantPhone: String?
    var matterType: String?, summary: String?
    var openedOn: RegisterDate?

    var draft: ServiceMatterDraft {
        ServiceMatterDraft(xiaoqu: xiaoqu, house: house, applicant: applicant, applicantName: applicantName,
                           applicantPhone: applicantPhone, matterType: matterType, summary: summary, openedOn: openedOn)
    }
}

/// POST /service-matters/{id}/progress and /alerts/{id}/progress: a state change by name, with a note.
struct ProgressRequest: Decodable {
    var to: String?
    var note: String?
}

/// POST /coordinators: 协管员.
struct CoordinatorRequest: Decodable {
    var community: UUID?
    var coordinatorName: String?, staffNumber: String?, phone: String?

    var draft: CoordinatorDraft { CoordinatorDraft(community: community, name: coordinatorName, staffNumber: staffNumber, phone: phone) }
}

/// POST /coordinators/{id}/assignments.
struct AssignmentRequest: Decodable {
    var houses: [UUID]?
    var assignedOn: RegisterDate?
}

func required<T>(_ value: T?, _ field: Field) throws -> T {
    guard let value else { throw APIError.invalid(field: field.rawValue, "\"\(field.label)\"不能为空", code: "field.required") }
    return value
}

extension WebAPI {
    /// People: registrations (by hand, from a reader, check-in), stays (check-out, transfer, extension),
    /// people and their history, declarations, service matters, coordinators.
    static func addPeopleRoutes(to api: RouterGroup<APIContext>, _ services: WebAPIServices) {
        let register = services.register

        api.post("registrations") { request, context -> Response in
            let actor = try context.requireActor()
            let body = try await APIJSON.decode(ManualRegistrationRequest.self, from: request)
            let outcome = try await register.register(person: body.person.draft, into: try required(body.house, .house),
                                                      stay: body.stay.draft, confirm: ConfirmFields.draft(body.confirm), by: actor)
            return try registrationResponse(outcome)
        }

        api.post("registrations/card") { request, context -> Response in
            let actor = try context.requireActor()
            let body = try await APIJSON.decode(CardRegistrationRequest.self, from: request)
            let reader = try required(body.reader, .card)
            guard let entry = services.cards.fresh(reader: reader, within: services.options.cardFreshness) else {
                throw APIError(.notFound, code: "card.none", message: "该读卡器上没有刚读取的证件，请重新放置证件", field: "reader")
            }
            let outcome = try await register.register(card: entry.card, into: try required(body.house, .house), stay: body.stay.draft,
                                                      phone: body.phone, confirm: ConfirmFields.draft(body.confirm), by: actor)
            return try registrationResponse(outcome)
        }

        api.post("check-ins") { request, context -> Response in
            let actor = try context.requireActor()
            let body = try await APIJSON.decode(CheckInRequest.self, from: request)
            let outcome = try await register.checkIn(person: try required(body.person, .person), into: try required(body.house, .house),
                                                     stay: body.stay.draft, confirm: ConfirmFields.draft(body.confirm), by: actor)
            return try registrationResponse(outcome)
        }

        api.get("stays/{id}") { _, context -> Response in
            let actor = try context.requireActor()
            guard let stay = try await register.stay(try context.uuid(), for: actor) else { throw APIError.notFound }
            return try APIJSON.response(stay)
        }

        api.post("stays/{id}/check-out") { request, context -> Response in
            let actor = try context.requireActor()
            let id = try context.uuid()
            let body = try await APIJSON.decode(CheckOutRequest.self, from: request)
            return try APIJSON.response(try await register.checkOut(stay: id, body.draft, by: actor))
        }

        api.post("stays/{id}/transfer") { request, context -> Response in
            let actor = try context.requireActor()
            let id = try context.uuid()
            let body = try await APIJSON.decode(TransferRequest.self, from: request)
            let outcome = try await register.transfer(stay: id, to: try required(body.house, .house), departure: body.departure.draft,
                                                      arrival: body.arrival.draft, confirm: ConfirmFields.draft(body.confirm), by: actor)
            switch outcome {
            case let .done(transfer): return try APIJSON.response(TransferView(transfer), status: .created)
            case let .needsConfirmation(findings): return try ConfirmationRequired.response(findings)
            }
        }

        api.post("stays/{id}/extension") { request, context -> Response in
            let actor = try context.requireActor()
            let id = try context.uuid()
            let body = try await APIJSON.decode(ExtendStayRequest.self, from: request)
            return try APIJSON.response(try await register.extendPlannedStay(stay: id, to: try required(body.plannedStay, .plannedStay), by: actor))
        }

        api.get("houses/{id}/residents") { _, context -> Response in
            let actor = try context.requireActor()
            return try APIJSON.response(try await register.residents(ofHouse: try context.uuid(), for: actor).map(ResidentView.init))
        }

        api.get("houses/{id}/stays") { _, context -> Response in
            let actor = try context.requireActor()
            return try APIJSON.response(try await register.stays(ofHouse: try context.uuid(), for: actor).map(ResidentView.init))
        }

        api.get("people") { request, context -> Response in
            let actor = try context.requireActor()
            if let idNumber = request.query("idNumber") {
                let person = try await register.person(idNumber: idNumber, for: actor)
                return try APIJSON.response(person.map { [PersonView($0)] } ?? [])
            }
            if let phone = request.query("phone") {
                return try APIJSON.response(try await register.people(phone: phone, for: actor).map(PersonView.init))
            }
            throw APIError.invalid(field: "idNumber", "请填写\"身份号码\"或\"联系方式\"", code: "field.required")
        }

        api.get("people/{id}") { _, context -> Response in
            let actor = try context.requireActor()
            guard let person = try await register.person(try context.uuid(), for: actor) else { throw APIError.notFound }
            return try APIJSON.response(PersonView(person))
        }

        api.get("people/{id}/history") { _, context -> Response in
            let actor = try context.requireActor()
            return try APIJSON.response(try await register.residenceHistory(ofPerson: try context.uuid(), for: actor))
        }

        api.get("people/{id}/declarations") { _, context -> Response in
            let actor = try context.requireActor()
            return try APIJSON.response(try await register.declarations(ofPerson: try context.uuid(), for: actor))
        }

        api.post("declarations") { request, context -> Response in
            let actor = try context.requireActor()
            let body = try await APIJSON.decode(DeclarationRequest.self, from: request)
            let result = try await register.declareResidence(body.draft(person: body.person), by: actor)
            return try APIJSON.response(DeclarationResultView(result), status: .created)
        }

        api.get("declarations/{id}") { _, context -> Response in
            let actor = try context.requireActor()
            guard let declaration = try await register.declaration(try context.uuid(), for: actor) else { throw APIError.notFound }
            return try APIJSON.response(declaration)
        }

        api.get("service-matters") { request, context -> Response in
            let actor = try context.requireActor()
            guard let xiaoqu = try request.queryUUID("xiaoqu") else {
                throw APIError.invalid(field: "xiaoqu", "\"小区\"不能为空", code: "field.required")
            }
            var state: ServiceMatterState?
            if let name = request.query("state") {
                guard let value = MatterStateName.state(name) else { throw APIError.invalid(field: "state", "\"办理状态\"的取值无效") }
                state = value
            }
            return try APIJSON.response(try await register.serviceMatters(inXiaoqu: xiaoqu, state: state, for: actor).map(ServiceMatterView.init))
        }

        api.post("service-matters") { request, context -> Response in
            let actor = try context.requireActor()
            let body = try await APIJSON.decode(ServiceMatterRequest.self, from: request)
            return try APIJSON.response(ServiceMatterView(try await register.openServiceMatter(body.draft, by: actor)), status: .created)
        }

        api.get("service-matters/{id}") { _, context -> Response in
            let actor = try context.requireActor()
            guard let matter = try await register.serviceMatter(try context.uuid(), for: actor) else { throw APIError.notFound }
            return try APIJSON.response(ServiceMatterView(matter))
        }

        api.post("service-matters/{id}/progress") { request, context -> Response in
            let actor = try context.requireActor()
            let id = try context.uuid()
            let body = try await APIJSON.decode(ProgressRequest.self, from: request)
            guard let state = MatterStateName.state(try required(body.to, .state)) else {
                throw APIError.invalid(field: "to", "\"办理状态\"的取值无效（inProgress、completed、returned 或 withdrawn）")
            }
            return try APIJSON.response(ServiceMatterView(try await register.progressServiceMatter(id, to: state, note: body.note, by: actor)))
        }

        api.post("coordinators") { request, context -> Response in
            let actor = try context.requireActor()
            let body = try await APIJSON.decode(CoordinatorRequest.self, from: request)
            return try APIJSON.response(try await register.createCoordinator(body.draft, by: actor), status: .created)
        }

        api.get("coordinators/{id}") { _, context -> Response in
            let actor = try context.requireActor()
            guard let coordinator = try await register.coordinator(try context.uuid(), for: actor) else { throw APIError.notFound }
            return try APIJSON.response(coordinator)
        }

        api.post("coordinators/{id}/assignments") { request, context -> Response in
            let actor = try context.requireActor()
            let id = try context.uuid()
            let body = try await APIJSON.decode(AssignmentRequest.self, from: request)
            let houses = try required(body.houses, .house)
            return try APIJSON.response(try await register.assignCoordinator(id, houses: houses, on: body.assignedOn, by: actor), status: .created)
        }
    }

    static func registrationResponse(_ outcome: Outcome<Registration>) throws -> Response {
        switch outcome {
        case let .done(registration): try APIJSON.response(RegistrationView(registration), status: .created)
        case let .needsConfirmation(findings): try ConfirmationRequired.response(findings)
        }
    }
}

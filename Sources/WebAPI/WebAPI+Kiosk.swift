import Foundation
import Hummingbird
import IDCard
import Registry

/// GET /kiosk/{device}/card: the card on the kiosk's reader, masked. `present` is false when there is no
/// fresh card (a 200, so the polling page logs no errors).
struct KioskCardView: Encodable {
    var present: Bool
    var token: UUID?
    var maskedName: String?
    var maskedIdNumber: String?
    var kind: String?
    var sex: String?
    var birthYear: Int?
    var hasPhoto: Bool?
    var readAt: Date?
    var expiresAt: Date?

    static let none = KioskCardView(present: false)
}

/// A house the kiosk may declare into (no personal data).
struct KioskHouse: Encodable {
    var uuid: UUID
    var xiaoquUuid: UUID, buildingUuid: UUID?, unitUuid: UUID?
    var roomNumber: String, address: String
}

/// GET /kiosk/{device}/places: the kiosk's 小区 with their buildings, units and houses.
struct KioskPlaces: Encodable {
    var tree: PlaceTree
    var houses: [KioskHouse]
}

/// POST /kiosk/{device}/declaration: the declaration fields plus the stay's 与户主关系 and the card token.
struct KioskDeclarationRequest: Decodable {
    var declaration: DeclarationRequest
    var relation: String?
    var confirm: ConfirmFields?

    private enum Keys: String, CodingKey { case relation, confirm }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        relation = try c.decodeIfPresent(String.self, forKey: .relation)
        confirm = try c.decodeIfPresent(ConfirmFields.self, forKey: .confirm)
        declaration = try DeclarationRequest(from: decoder)
    }
}

/// The receipt of a kiosk declaration: nothing a passer-by could learn from.
struct KioskReceipt: Encodable {
    var declaration: UUID
    var declaredOn: RegisterDate
    var maskedName: String
    var houseAddress: String
    var registered: Bool
}

extension WebAPI {
    /// The kiosk (no login): the device is one of ``WebAPIOptions/kiosks``, called from one of its allowed
    /// addresses, acting as `Role.kiosk` on the card just read on its reader. Nothing here depends on
    /// the watchlist: the answers are the same for a listed person as for anyone else.
    static func addKioskRoutes(to api: RouterGroup<APIContext>, _ services: WebAPIServices) {
        let register = services.register

        api.get("kiosk/{device}/card") { _, context -> Response in
            let binding = try kioskBinding(context, services)
            guard let entry = services.cards.fresh(reader: binding.reader, within: services.options.cardFreshness) else {
                return try APIJSON.response(KioskCardView.none)
            }
            return try APIJSON.response(kioskCardView(entry, freshness: services.options.cardFreshness))
        }

        api.get("kiosk/{device}/places") { _, context -> Response in
            let binding = try kioskBinding(context, services)
            let actor = kioskActor(binding)
            let tree = try await placeTree(register, actor: actor)
            var houses: [KioskHouse] = []
            for xiaoqu in binding.xiaoqus.sorted(by: { $0.uuidString < $1.uuidString }) {
                for house in try await register.houses(inXiaoqu: xiaoqu, for: actor) where house.status == .normal {
                    houses.append(KioskHouse(uuid: house.uuid, xiaoquUuid: house.xiaoquUuid, buildingUuid: house.buildingUuid,
                                             unitUuid: house.unitUuid, roomNumber: house.roomNumber, address: house.address))
                }
            }
            return try APIJSON.response(KioskPlaces(tree: tree, houses: houses))
        }

        api.post("kiosk/{device}/declaration") { request, context -> Response in
            let binding = try kioskBinding(context, services)
            let actor = kioskActor(binding)
            let body = try await APIJSON.decode(KioskDeclarationRequest.self, from: request)
            guard let entry = services.cards.fresh(reader: binding.reader, within: services.options.cardFreshness),
                  body.declaration.token == nil || body.declaration.token == entry.token
            else {
                throw APIError(.conflict, code: "card.none", message: "没有读取到证件或证件已过期，请重新放置身份证", field: "token")
            }
            let house = try required(body.declaration.house, .house)
            let today = RegisterDate.today
            let stay = StayDraft(arrivalDate: body.declaration.arrivalDate ?? today, relation: body.relation,
                                 plannedStay: body.declaration.plannedStay, residenceReason: body.declaration.residenceReason,
                                 housingType: body.declaration.housingType)
            // 人来登记 and 居住登记申报 in one transaction: a field error of either writes nothing, so the
            // person can correct it on the kiosk and confirm again.
            // Someone already living in the house declares for their stay (registered: false in the receipt).
            let outcome = try await register.registerAndDeclare(
                card: entry.card, into: house, stay: stay, phone: body.declaration.phone,
                declaration: body.declaration.draft(person: nil), confirm: ConfirmFields.draft(body.confirm), by: actor)
            let done: SelfServiceDeclaration
            switch outcome {
            case let .done(value): done = value
            case let .needsConfirmation(findings): return try ConfirmationRequired.response(findings)
            }
            let registration = done.registration, result = done.declaration
            services.cards.take(reader: binding.reader, token: entry.token)
            return try APIJSON.response(KioskReceipt(
                declaration: result.declaration.uuid, declaredOn: result.declaration.declaredOn,
                maskedName: Alert.maskName(registration.person.name), houseAddress: result.declaration.currentAddress,
                registered: done.newStay), status: .created)
        }
    }

    /// The kiosk named in the path, if the caller's address is one of its allowed ones.
    static func kioskBinding(_ context: APIContext, _ services: WebAPIServices) throws -> KioskBinding {
        guard let device = context.parameters.get("device"),
              let binding = services.options.kiosks.first(where: { $0.device == device })
        else {
            throw APIError(.notFound, code: "kiosk.unknown", message: "自助终端不存在", field: "device")
        }
        guard let address = context.remoteAddress, binding.allowedAddresses.contains(address) else {
            throw APIError(.forbidden, code: "kiosk.forbidden", message: "此设备不能使用该自助终端")
        }
        return binding
    }

    static func kioskActor(_ binding: KioskBinding) -> Actor {
        Actor(userId: "kiosk:\(binding.device)", role: .kiosk(device: binding.device, xiaoqus: binding.xiaoqus))
    }

    static func kioskCardView(_ entry: CardBoard.Entry, freshness: Duration) -> KioskCardView {
        let text = entry.card.text
        let kind = switch text.cardType {
        case .resident: "resident"
        case .hkMacaoTaiwan: "hkMacaoTaiwan"
        case .foreigner2017: "foreignerOld"
        case .foreigner2023: "foreignerNew"
        case .physicalOnly: "unknown"
        }
        var birthYear: Int?
        if case let .date(year, _, _)? = text.birthDate { birthYear = year }
        return KioskCardView(
            present: true, token: entry.token, maskedName: Alert.maskName(text.name ?? text.englishName ?? ""),
            maskedIdNumber: text.idNumber.map(Alert.maskIdNumber), kind: kind, sex: text.sexText, birthYear: birthYear,
            hasPhoto: entry.card.photoWlt != nil, readAt: entry.readAt,
            expiresAt: entry.readAt.addingTimeInterval(freshness.seconds))
    }
}

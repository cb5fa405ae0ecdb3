import Accounts
import Feed
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IDCard
import NIOCore
@testable import Registry
import Testing
@testable import WebAPI

/// A register with two stations, their 社区 and 小区, a building and houses, and the domain routes served
/// on a loopback port. Requests act as one of the named actors through `X-Test-Actor` (the session
/// middleware of the accounts work is replaced by ``TestActorMiddleware`` here, so these tests do not
/// depend on logins; `DomainLoginTests` goes through the real one).
struct DomainWorld: Sendable {
    let register: RegisterStore
    let services: WebAPIServices
    let stationA: Station, stationB: Station
    let xiaoquA: Xiaoqu, xiaoquA2: Xiaoqu, xiaoquB: Xiaoqu
    let buildingA: Building
    let houseA: House, houseA2: House, houseB: House
    let actors: [String: Actor]

    static let kioskDevice = "kiosk-1"
    static let kioskReader = "sim:kiosk"

    init(kioskAddresses: Set<String> = ["127.0.0.1", "::1"]) async throws {
        let register = try RegisterStore.openTemporary()
        let admin = Actor(userId: "admin", role: .admin)
        stationA = try await register.createStation(StationDraft(code: "110105001", name: "安贞派出所", regionCode: "110105"), by: admin)
        stationB = try await register.createStation(StationDraft(code: "110105002", name: "和平里派出所", regionCode: "110105"), by: admin)
        let communityA = try await register.createCommunity(CommunityDraft(station: stationA.uuid, regionCode: "110105", name: "安慧里社区"), by: admin)
        let communityB = try await register.createCommunity(CommunityDraft(station: stationB.uuid, regionCode: "110105", name: "和平里社区"), by: admin)
        xiaoquA = try await register.createXiaoqu(XiaoquDraft(community: communityA.uuid, name: "阳光花园", address: "安慧里一区"), by: admin)
        xiaoquA2 = try await register.createXiaoqu(XiaoquDraft(community: communityA.uuid, name: "月亮湾", address: "安慧里二区"), by: admin)
        xiaoquB = try await register.createXiaoqu(XiaoquDraft(community: communityB.uuid, name: "和平家园", address: "和平里七区"), by: admin)
        buildingA = try await register.createBuilding(BuildingDraft(xiaoqu: xiaoquA.uuid, name: "1号楼", floorsAbove: 6), by: admin)
        houseA = try await register.createHouse(HouseDraft(xiaoqu: xiaoquA.uuid, building: buildingA.uuid, floor: 3, roomNumber: "301", usage: "01"), by: admin)
        houseA2 = try await register.createHouse(HouseDraft(xiaoqu: xiaoquA2.uuid, roomNumber: "101", usage: "01"), by: admin)
        houseB = try await register.createHouse(HouseDraft(xiaoqu: xiaoquB.uuid, roomNumber: "202", usage: "01"), by: admin)
        actors = [
            "admin": admin,
            "deskA": Actor(userId: "deskA", role: .desk(xiaoqus: [xiaoquA.uuid])),
            "deskA2": Actor(userId: "deskA2", role: .desk(xiaoqus: [xiaoquA2.uuid])),
            "policeA": Actor(userId: "policeA", role: .police(station: stationA.uuid)),
            "policeB": Actor(userId: "policeB", role: .police(station: stationB.uuid)),
            "auditor": Actor(userId: "auditor", role: .auditor),
            "security": Actor(userId: "security", role: .securityOfficer),
        ]
        var options = WebAPIOptions()
        options.kiosks = [KioskBinding(device: Self.kioskDevice, reader: Self.kioskReader, xiaoqus: [xiaoquA.uuid],
                                       allowedAddresses: kioskAddresses)]
        options.eventHeartbeat = .seconds(1)
        options.maxUploadBytes = 256 * 1024
        services = WebAPIServices(register: register, accounts: try AccountStore(register: register), bus: EventBus(),
                                  readers: StaticReaders(), options: options)
        self.register = register
    }

    /// The domain routes behind the test session middleware.
    func router() -> Router<APIContext> {
        let router = Router(context: APIContext.self)
        router.add(middleware: TestActorMiddleware(actors: actors))
        WebAPI.addDomainRoutes(to: router.group("api/v1"), services)
        return router
    }

    /// Runs `body` against the routes served on a loopback port.
    func live(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live, body)
    }
}

/// Sets the session from `X-Test-Actor: NAME` (tests only).
struct TestActorMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let actors: [String: Actor]

    func handle(_ request: Request, context: APIContext,
                next: (Request, APIContext) async throws -> Response) async throws -> Response {
        var context = context
        if let name = request.headers[HTTPField.Name("X-Test-Actor")!], let actor = actors[name] {
            context.session = AuthenticatedSession(user: name, actor: actor, csrfToken: "t", expiresAt: Date().addingTimeInterval(600))
        }
        return try await next(request, context)
    }
}

struct StaticReaders: ReaderStatusProvider {
    func readerStates() async -> [ReaderState] {
        [ReaderState(name: DomainWorld.kioskReader, transport: "sim", state: "ready")]
    }
}

/// Request helpers.
extension TestClientProtocol {
    func call(_ method: HTTPRequest.Method, _ path: String, as actor: String? = nil, json: String? = nil,
              body: ByteBuffer? = nil, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        if let actor { headers[HTTPField.Name("X-Test-Actor")!] = actor }
        if json != nil { headers[.contentType] = "application/json" }
        return try await executeRequest(uri: path, method: method, headers: headers,
                                        body: json.map { ByteBuffer(string: $0) } ?? body)
    }
}

extension TestResponse {
    /// The body as a JSON object.
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]) ?? [:]
    }

    /// The body as a JSON array.
    var array: [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [[String: Any]]) ?? []
    }

    /// The `error` object of an error answer.
    var error: [String: Any] { object["error"] as? [String: Any] ?? [:] }

    var text: String { String(buffer: body) }
}

/// Synthetic people (made up, valid check characters).
enum People {
    static func idNumber(region: String, birth: String, sequence: String) -> String {
        let first17 = region + birth + sequence
        return first17 + String(IDNumber.checkCharacter(forFirst17: first17)!)
    }

    static let zhangWei = idNumber(region: "110105", birth: "19900307", sequence: "131")
    static let liNa = idNumber(region: "440305", birth: "19851120", sequence: "242")

    static func card(name: String = "李娜", idNumber: String = liNa, reader: String = DomainWorld.kioskReader) -> CardRead {
        var text = CardText(cardType: .resident, name: name, sex: "2", nation: "01",
                            birthDate: .date(year: 1985, month: 11, day: 20), address: "广东省深圳市南山区蛇口街道",
                            idNumber: idNumber, issuer: "深圳市公安局南山分局",
                            validFrom: .date(year: 2016, month: 1, day: 1), validTo: .date(year: 2036, month: 1, day: 1))
        text.warnings = IDNumber.warnings(for: text)
        return CardRead(text: text, photoWlt: [UInt8](repeating: 7, count: 1024), samId: "05.01-20160101-0000000001-1234567890",
                        reader: reader)
    }
}

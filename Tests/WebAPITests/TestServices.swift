import Accounts
import Feed
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Prometheus
import Registry
@testable import WebAPI

#if canImport(Glibc)
import Glibc
#endif

/// No readers (tests that need some give their own provider).
struct NoReaders: ReaderStatusProvider {
    func readerStates() async -> [ReaderState] { [] }
}

/// The API's services over a temporary register with a small world: one station (派出所), one 社区 and two
/// 小区 (A and B); an account store (cheap scrypt cost for speed); an event bus; no readers. Build the
/// application with ``application(address:)`` and test it with `app.test(.live)`; make users of each role
/// with ``user(_:)`` and log them in with ``login(_:_:)``.
///
/// Shared by the WebAPI test suites; keep it general.
struct TestServices: Sendable {
    let register: RegisterStore
    let accounts: AccountStore
    let services: WebAPIServices
    let station: Station
    let community: Community
    let xiaoquA: Xiaoqu
    let xiaoquB: Xiaoqu

    /// The register actor that built the world.
    static let admin = Actor(userId: "test-admin", role: .admin)
    /// The security officer who creates the users.
    static let officer = Actor(userId: "test-security", role: .securityOfficer)
    /// The password every helper-made user has.
    static let password = "correct horse battery"

    /// A new world with these API options, account options (default: the cheap test scrypt cost) and metrics.
    static func make(
        options: WebAPIOptions = WebAPIOptions(),
        accountOptions: AccountStore.Options = AccountStore.Options(passwordCost: .testing),
        prometheus: PrometheusCollectorRegistry? = nil,
        register given: RegisterStore? = nil
    ) async throws -> TestServices {
        let register = try given ?? RegisterStore.openTemporary()
        let station = try await register.createStation(StationDraft(code: "110105510000", name: "安慧里派出所"), by: admin)
        let community = try await register.createCommunity(
            CommunityDraft(station: station.uuid, regionCode: "110105", streetOffice: "亚运村街道", name: "安慧里社区"), by: admin)
        let a = try await register.createXiaoqu(XiaoquDraft(community: community.uuid, name: "阳光花园", address: "北京市朝阳区安慧里一区"), by: admin)
        let b = try await register.createXiaoqu(XiaoquDraft(community: community.uuid, name: "翠微小区", address: "北京市朝阳区安慧里二区"), by: admin)
        let accounts = try AccountStore(register: register, options: accountOptions)
        let services = WebAPIServices(register: register, accounts: accounts, bus: EventBus(), readers: NoReaders(),
                                      prometheus: prometheus, options: options)
        return TestServices(register: register, accounts: accounts, services: services, station: station,
                            community: community, xiaoquA: a, xiaoquB: b)
    }

    /// The same world with other services (e.g. a reader provider, a sync system).
    func with(_ change: (inout WebAPIServices) -> Void) -> TestServices {
        var services = self.services
        change(&services)
        return TestServices(register: register, accounts: accounts, services: services, station: station,
                            community: community, xiaoquA: xiaoquA, xiaoquB: xiaoquB)
    }

    /// The API as an application on an ephemeral port (loopback by default; `"0.0.0.0"` to be reached from
    /// another interface).
    func application(address: String = "127.0.0.1") -> some ApplicationProtocol {
        Application(router: WebAPI.router(services),
                    configuration: ApplicationConfiguration(address: .hostname(address, port: 0)))
    }

    /// Closes the register and removes its directory.
    func close() {
        try? register.close()
        try? FileManager.default.removeItem(at: URL(fileURLWithPath: register.path).deletingLastPathComponent())
    }

    /// The roles a helper user can have.
    enum UserRole: String, CaseIterable, Sendable {
        case admin, securityOfficer, auditor, police, desk, deskB
    }

    /// The register role of `role` in this world (police of the station, desk of 小区 A, deskB of 小区 B).
    func role(_ role: UserRole) -> Role {
        switch role {
        case .admin: .admin
        case .securityOfficer: .securityOfficer
        case .auditor: .auditor
        case .police: .police(station: station.uuid)
        case .desk: .desk(xiaoqus: [xiaoquA.uuid])
        case .deskB: .desk(xiaoqus: [xiaoquB.uuid])
        }
    }

    /// Creates (once) a user of `role` named after it (`police`, `desk`, …) with ``password``; returns its name.
    @discardableResult
    func user(_ role: UserRole, name: String? = nil) throws -> String {
        let name = name ?? role.rawValue.lowercased()
        if try accounts.user(named: name) == nil {
            try accounts.addUser(UserDraft(name: name, displayName: "测试\(role.rawValue)", role: self.role(role)),
                                 password: Self.password, by: Self.officer)
        }
        return name
    }

    /// A logged-in session as a client sees it.
    struct Login: Sendable {
        /// `renfang_session=…`, for the `Cookie` header.
        var cookie: String
        /// The session's CSRF token.
        var csrfToken: String
        /// The login name.
        var user: String
        /// The role name of the login answer.
        var role: String

        /// Headers for a request of this session: the cookie, and for state-changing requests the CSRF token.
        func headers(csrf: Bool = true, json: Bool = true) -> HTTPFields {
            var fields = HTTPFields()
            fields[.cookie] = cookie
            if csrf { fields[HTTPField.Name("X-CSRF-Token")!] = csrfToken }
            if json { fields[.contentType] = "application/json" }
            return fields
        }
    }

    /// Creates a user of `role` (if needed) and logs it in through `POST /api/v1/auth/login`.
    func login(_ client: some TestClientProtocol, _ role: UserRole) async throws -> Login {
        try await login(client, user: try user(role), password: Self.password)
    }

    /// Logs `user` in through `POST /api/v1/auth/login`; throws when the answer is not 200.
    func login(_ client: some TestClientProtocol, user: String, password: String) async throws -> Login {
        let response = try await client.execute(uri: "/api/v1/auth/login", method: .post,
                                                headers: [.contentType: "application/json"],
                                                body: TestJSON.body(["user": user, "password": password]))
        guard response.status == .ok else {
            throw TestServicesError.loginFailed(status: response.status.code, body: String(buffer: response.body))
        }
        guard let setCookie = response.headers[values: .setCookie].first(where: { $0.hasPrefix("\(WebAPI.sessionCookie)=") }),
              let pair = setCookie.split(separator: ";").first
        else { throw TestServicesError.noCookie }
        let body = try TestJSON.object(response.body)
        guard let csrf = body["csrfToken"] as? String else { throw TestServicesError.noCookie }
        return Login(cookie: String(pair), csrfToken: csrf, user: body["user"] as? String ?? user, role: body["role"] as? String ?? "")
    }
}

enum TestServicesError: Error {
    case loginFailed(status: Int, body: String)
    case noCookie
}

/// JSON helpers for request and answer bodies.
enum TestJSON {
    /// A JSON body from a dictionary.
    static func body(_ object: [String: Any]) -> ByteBuffer {
        ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
    }

    /// The answer body as a JSON object.
    static func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any] else {
            throw TestServicesError.loginFailed(status: 0, body: String(buffer: buffer))
        }
        return object
    }

    /// `{"error": {...}}` of an error answer.
    static func error(_ buffer: ByteBuffer) throws -> [String: Any] {
        try object(buffer)["error"] as? [String: Any] ?? [:]
    }
}

/// A non-loopback IPv4 address of this machine, if it has one (to reach the server as a remote client).
func nonLoopbackIPv4() -> String? {
    var list: UnsafeMutablePointer<ifaddrs>?
    guard getifaddrs(&list) == 0, let first = list else { return nil }
    defer { freeifaddrs(list) }
    var cursor: UnsafeMutablePointer<ifaddrs>? = first
    while let entry = cursor {
        defer { cursor = entry.pointee.ifa_next }
        guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET),
              (entry.pointee.ifa_flags & UInt32(IFF_UP)) != 0, (entry.pointee.ifa_flags & UInt32(IFF_LOOPBACK)) == 0
        else { continue }
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(address, socklen_t(MemoryLayout<sockaddr_in>.size), &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0
        else { continue }
        return String(cString: host)
    }
    return nil
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Registry
import Testing
@testable import WebAPI

/// Every protected route, called as every role over a real socket with a real login: the roles outside the
/// route's `x-roles` (openapi.yaml) get 403 `permission.denied` before anything of the request is read; the
/// roles inside get past the gate; nobody gets in without a session. Then scope: the same routes on a
/// record of another 小区 are 404 for a desk of 小区 B.
@Suite("Authorisation matrix")
struct AuthorizationMatrixTests {
    static let roles: [TestServices.UserRole] = [.admin, .securityOfficer, .auditor, .police, .desk]

    /// "METHOD /path" → x-roles of openapi.yaml (nil: public).
    static func documentedRoles() throws -> [String: Set<String>?] {
        let (_, document) = try OpenAPIRoutesTests.documented()
        let paths = try #require(document["paths"] as? [String: Any])
        var result: [String: Set<String>?] = [:]
        for (path, value) in paths {
            for (method, operation) in try #require(value as? [String: Any]) {
                guard ["get", "put", "post", "patch", "delete"].contains(method), let operation = operation as? [String: Any] else { continue }
                result["\(method.uppercased()) \(path)"] = (operation["x-roles"] as? [String]).map(Set.init)
            }
        }
        return result
    }

    /// A concrete path for a template: unknown UUIDs, a real dictionary and export kind.
    static func concrete(_ template: String) -> String {
        template.replacingOccurrences(of: "{id}", with: UUID().uuidString.lowercased())
            .replacingOccurrences(of: "{table}", with: "sex").replacingOccurrences(of: "{kind}", with: "residents")
            .replacingOccurrences(of: "{device}", with: "kiosk-1")
    }

    @Test("openapi.yaml's x-roles is the gate's table: every protected operation has one, public ones none")
    func documentedTableIsTheGate() throws {
        let documented = try Self.documentedRoles()
        let (_, document) = try OpenAPIRoutesTests.documented()
        let paths = try #require(document["paths"] as? [String: Any])
        for (route, roles) in documented.sorted(by: { $0.key < $1.key }) {
            let parts = route.split(separator: " ")
            let operation = (paths[String(parts[1])] as? [String: Any])?[parts[0].lowercased()] as? [String: Any]
            let isPublic = (operation?["security"] as? [Any])?.isEmpty == true
            #expect(RouteRoles.table[route]?.roles == roles, "\(route): x-roles and RouteRoles differ")
            #expect(isPublic == (roles == nil), "\(route): public exactly when it has no x-roles")
        }
        #expect(Set(RouteRoles.table.keys).subtracting(documented.keys).isEmpty, "the gate names no undocumented route")
    }

    @Test("every protected route × every role: outside x-roles 403 permission.denied, inside past the gate, anonymous 401")
    func everyRouteEveryRole() async throws {
        let world = try await TestServices.make()
        defer { world.close() }
        let documented = try Self.documentedRoles()
        try await world.application().test(.live) { client in
            var logins: [String: TestServices.Login] = [:]
            for role in Self.roles { logins[world.role(role).name] = try await world.login(client, role) }
            var checked = 0
            for (route, roles) in documented.sorted(by: { $0.key < $1.key }) {
                guard let roles else { continue }
                let parts = route.split(separator: " ")
                let method = HTTPRequest.Method(String(parts[0]))!
                let path = Self.concrete(String(parts[1]))
                let body = method == .get ? nil : ByteBuffer(string: "{}")
                // Anonymous: 401 whatever the route.
                let anonymous = try await client.execute(uri: path, method: method, headers: [.contentType: "application/json"], body: body)
                #expect(anonymous.status == .unauthorized, "\(route) anonymous: \(anonymous.status)")
                for (roleName, login) in logins.sorted(by: { $0.key < $1.key }) {
                    // Logging out or streaming events as an allowed role is not a refusal test.
                    if roles.contains(roleName), route == "POST /api/v1/auth/logout" || route == "GET /api/v1/events" { continue }
                    let response = try await client.execute(uri: path, method: method, headers: login.headers(), body: body)
                    if roles.contains(roleName) {
                        #expect(response.status != .forbidden && response.status != .unauthorized,
                                "\(route) as \(roleName) (allowed) got \(response.status): \(String(buffer: response.body))")
                    } else {
                        #expect(response.status == .forbidden, "\(route) as \(roleName) (not allowed) got \(response.status)")
                        #expect(try TestJSON.error(response.body)["code"] as? String == "permission.denied", "\(route) as \(roleName)")
                        let message = try TestJSON.error(response.body)["message"] as? String ?? ""
                        #expect(message.hasPrefix("您的角色无权"), "\(route): \(message)")
                    }
                    checked += 1
                }
            }
            #expect(checked > 300)
        }
    }

    @Test("scope: a desk of 小区 B gets 404 record.notFound for every place route of a record of 小区 A, the desk of A gets it")
    func placeScope() async throws {
        let world = try await TestServices.make()
        defer { world.close() }
        let building = try await world.register.createBuilding(BuildingDraft(xiaoqu: world.xiaoquA.uuid, name: "1号楼"), by: TestServices.admin)
        let unit = try await world.register.createUnit(UnitDraft(building: building.uuid, name: "1单元"), by: TestServices.admin)
        let house = try await world.register.createHouse(HouseDraft(xiaoqu: world.xiaoquA.uuid, building: building.uuid, unit: unit.uuid,
                                                                    floor: 3, roomNumber: "301", usage: "01"), by: TestServices.admin)
        let routes = [
            "/api/v1/xiaoqus/\(world.xiaoquA.uuid)", "/api/v1/xiaoqus/\(world.xiaoquA.uuid)/buildings",
            "/api/v1/xiaoqus/\(world.xiaoquA.uuid)/houses", "/api/v1/buildings/\(building.uuid)",
            "/api/v1/buildings/\(building.uuid)/units", "/api/v1/units/\(unit.uuid)", "/api/v1/houses/\(house.uuid)",
            "/api/v1/houses/\(house.uuid)/status-changes", "/api/v1/houses/\(house.uuid)/inspections",
            "/api/v1/houses/\(house.uuid)/residents", "/api/v1/houses/\(house.uuid)/stays",
        ]
        try await world.application().test(.live) { client in
            let inside = try await world.login(client, .desk)
            let outside = try await world.login(client, .deskB)
            for route in routes {
                let own = try await client.execute(uri: route, method: .get, headers: inside.headers())
                #expect(own.status == .ok, "\(route) as the desk of 小区 A: \(own.status)")
                let other = try await client.execute(uri: route, method: .get, headers: outside.headers())
                #expect(other.status == .notFound, "\(route) as the desk of 小区 B: \(other.status) \(String(buffer: other.body))")
                if other.status == .notFound {
                    #expect(try TestJSON.error(other.body)["code"] as? String == "record.notFound", "\(route)")
                }
            }
        }
    }

    @Test("an address that is no route is 404 JSON route.notFound, with or without a session")
    func unknownRoutes() async throws {
        let world = try await TestServices.make()
        defer { world.close() }
        try await world.application().test(.live) { client in
            let desk = try await world.login(client, .desk)
            for (path, headers) in [("/api/v1/nope", HTTPFields()), ("/api/v1/houses", desk.headers()), ("/api/v2/people", desk.headers())] {
                let response = try await client.execute(uri: path, method: .get, headers: headers)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, "\(path)")
                #expect(try TestJSON.error(response.body)["code"] as? String == "route.notFound", "\(path)")
                #expect(try TestJSON.error(response.body)["message"] as? String == "请求的地址不存在")
            }
        }
    }
}

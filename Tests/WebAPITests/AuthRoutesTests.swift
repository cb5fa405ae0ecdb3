import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Prometheus
import Registry
import Testing
@testable import WebAPI

@Suite("Auth routes over a real loopback socket")
struct AuthRoutesTests {
    static let csrf = HTTPField.Name("X-CSRF-Token")!

    @Test("login sets an HttpOnly SameSite=Strict cookie and answers user, role, scope and CSRF token; /me and logout")
    func loginMeLogout() async throws {
        let t = try await TestServices.make()
        defer { t.close() }
        try t.user(.desk)
        try await t.application().test(.live) { client in
            let response = try await client.execute(
                uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                body: TestJSON.body(["user": "desk", "password": TestServices.password]))
            #expect(response.status == .ok)
            let cookie = try #require(response.headers[values: .setCookie].first)
            let attributes = cookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(attributes[0].hasPrefix("renfang_session="))
            #expect(attributes[0].count == "renfang_session=".count + 43)
            #expect(attributes.contains("HttpOnly"))
            #expect(attributes.contains("SameSite=Strict"))
            #expect(attributes.contains("Path=/"))
            #expect(!attributes.contains("Secure"), "plain HTTP: no Secure unless configured")
            #expect(!attributes.contains { $0.hasPrefix("Max-Age") || $0.hasPrefix("Expires") }, "a browser-session cookie")
            let body = try TestJSON.object(response.body)
            #expect(body["user"] as? String == "desk")
            #expect(body["role"] as? String == "desk")
            #expect((body["scope"] as? [String: Any])?["xiaoqus"] as? [String] == [t.xiaoquA.uuid.uuidString])
            let csrf = try #require(body["csrfToken"] as? String)
            #expect(csrf.count == 43)
            #expect(body["password"] == nil)
            let session = String(attributes[0])

            let me = try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: [.cookie: session])
            #expect(me.status == .ok)
            let meBody = try TestJSON.object(me.body)
            #expect(meBody["user"] as? String == "desk")
            #expect(meBody["csrfToken"] as? String == csrf)

            let anonymous = try await client.execute(uri: "/api/v1/auth/me", method: .get)
            #expect(anonymous.status == .unauthorized)
            #expect(try TestJSON.error(anonymous.body)["code"] as? String == "auth.required")

            let logout = try await client.execute(uri: "/api/v1/auth/logout", method: .post,
                                                  headers: [.cookie: session, Self.csrf: csrf])
            #expect(logout.status == .noContent)
            #expect(logout.headers[values: .setCookie].contains { $0.hasPrefix("renfang_session=;") && $0.contains("Max-Age=0") })
            let after = try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: [.cookie: session])
            #expect(after.status == .unauthorized, "the session is gone on the server, not only in the browser")
            #expect(after.headers[values: .setCookie].contains { $0.contains("Max-Age=0") }, "a dead cookie is cleared")
        }
        #expect(try t.accounts.sessionCount(user: "desk") == 0)
    }

    @Test("police and each other role: the scope in the answer")
    func roles() async throws {
        let t = try await TestServices.make()
        defer { t.close() }
        try await t.application().test(.live) { client in
            let police = try await t.login(client, .police)
            #expect(police.role == "police")
            let me = try TestJSON.object(try await client.execute(uri: "/api/v1/auth/me", method: .get,
                                                                  headers: police.headers(csrf: false)).body)
            #expect((me["scope"] as? [String: Any])?["station"] as? String == t.station.uuid.uuidString)
            for role in [TestServices.UserRole.admin, .securityOfficer, .auditor] {
                let login = try await t.login(client, role)
                #expect(login.role == role.rawValue)
            }
        }
    }

    @Test("bad credentials never say which part was wrong; missing fields are named; locked; throttled with Retry-After")
    func refusals() async throws {
        let t = try await TestServices.make()
        defer { t.close() }
        try t.user(.police)
        try t.user(.desk)
        try t.accounts.lock(user: "desk", by: TestServices.officer)
        try await t.application().test(.live) { client in
            func login(_ body: [String: Any]) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                         body: TestJSON.body(body))
            }
            let wrongPassword = try await login(["user": "police", "password": "not the password"])
            let unknownUser = try await login(["user": "nobody", "password": TestServices.password])
            for response in [wrongPassword, unknownUser] {
                #expect(response.status == .unauthorized)
                let error = try TestJSON.error(response.body)
                #expect(error["code"] as? String == "auth.badCredentials")
                #expect(error["message"] as? String == "用户名或密码错误")
                #expect(response.headers[values: .setCookie].isEmpty)
            }
            let missing = try await login(["user": "police"])
            #expect(missing.status == .badRequest)
            #expect(try TestJSON.error(missing.body)["field"] as? String == "password")
            #expect((try TestJSON.error(missing.body)["message"] as? String)?.contains("密码") == true)
            let wrongType = try await login(["user": 12, "password": "x"])
            #expect(try TestJSON.error(wrongType.body)["field"] as? String == "user")
            let garbage = try await client.execute(uri: "/api/v1/auth/login", method: .post, body: ByteBuffer(string: "{nope"))
            #expect(try TestJSON.error(garbage.body)["code"] as? String == "request.malformedJSON")

            let locked = try await login(["user": "desk", "password": TestServices.password])
            #expect(locked.status == .forbidden)
            #expect(try TestJSON.error(locked.body)["code"] as? String == "auth.locked")
            let lockedWrong = try await login(["user": "desk", "password": "not the password"])
            #expect(try TestJSON.error(lockedWrong.body)["code"] as? String == "auth.badCredentials")

            for _ in 0..<5 { _ = try await login(["user": "police", "password": "not the password"]) }
            let throttled = try await login(["user": "police", "password": TestServices.password])
            #expect(throttled.status == .tooManyRequests)
            #expect(try TestJSON.error(throttled.body)["code"] as? String == "auth.throttled")
            let retryAfter = try #require(throttled.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...30).contains(retryAfter))
            #expect(throttled.headers[.contentSecurityPolicy] != nil, "error answers carry the security headers too")
        }
        let failures = try await t.register.database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log WHERE action = 'auth.login.failed'")
        }
        #expect(failures == 2 + 1 + 1 + 5, "wrong password, unknown user, locked, locked+wrong, five guesses")
    }

    @Test("CSRF: a state-changing request of a session without or with a wrong X-CSRF-Token is 403 JSON")
    func csrf() async throws {
        let t = try await TestServices.make()
        defer { t.close() }
        try await t.application().test(.live) { client in
            let login = try await t.login(client, .police)
            let missing = try await client.execute(uri: "/api/v1/auth/logout", method: .post, headers: login.headers(csrf: false))
            #expect(missing.status == .forbidden)
            #expect(missing.headers[.contentType]?.hasPrefix("application/json") == true)
            let error = try TestJSON.error(missing.body)
            #expect(error["code"] as? String == "auth.csrf")
            #expect((error["message"] as? String)?.contains("X-CSRF-Token") == true)
            var wrong = login.headers()
            wrong[Self.csrf] = String(login.csrfToken.reversed())
            for method in [HTTPRequest.Method.post, .put, .patch, .delete] {
                let refused = try await client.execute(uri: "/api/v1/auth/logout", method: method, headers: wrong)
                #expect(refused.status == .forbidden, "\(method)")
                #expect(try TestJSON.error(refused.body)["code"] as? String == "auth.csrf")
            }
            #expect(try t.accounts.sessionCount(user: "police") == 1, "nothing happened")
            let get = try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: login.headers(csrf: false))
            #expect(get.status == .ok, "reads need no token")
            let other = try await t.login(client, .desk)
            var crossed = login.headers()
            crossed[Self.csrf] = other.csrfToken
            #expect(try await client.execute(uri: "/api/v1/auth/logout", method: .post, headers: crossed).status == .forbidden,
                    "another session's token does not do")
            let ok = try await client.execute(uri: "/api/v1/auth/logout", method: .post, headers: login.headers())
            #expect(ok.status == .noContent)
        }
    }

    @Test("password change: current password checked, new one named when weak, every session ended")
    func passwordChange() async throws {
        let t = try await TestServices.make()
        defer { t.close() }
        try await t.application().test(.live) { client in
            let login = try await t.login(client, .police)
            let wrong = try await client.execute(uri: "/api/v1/auth/password", method: .post, headers: login.headers(),
                                                 body: TestJSON.body(["currentPassword": "nope nope nope", "newPassword": "brand new pass 1"]))
            #expect(try TestJSON.error(wrong.body)["field"] as? String == "currentPassword")
            let weak = try await client.execute(uri: "/api/v1/auth/password", method: .post, headers: login.headers(),
                                                body: TestJSON.body(["currentPassword": TestServices.password, "newPassword": "short"]))
            #expect(weak.status == .badRequest)
            let error = try TestJSON.error(weak.body)
            #expect(error["code"] as? String == "auth.passwordWeak")
            #expect(error["field"] as? String == "newPassword")
            #expect((error["message"] as? String)?.contains("10 个字符") == true)
            let ok = try await client.execute(uri: "/api/v1/auth/password", method: .post, headers: login.headers(),
                                              body: TestJSON.body(["currentPassword": TestServices.password, "newPassword": "brand new pass 1"]))
            #expect(ok.status == .noContent)
            #expect(try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: login.headers()).status == .unauthorized)
            _ = try await t.login(client, user: "police", password: "brand new pass 1")
        }
    }

    @Test("security headers on every answer; no-store on /api; Secure cookie and HSTS when configured")
    func headers() async throws {
        var options = WebAPIOptions()
        options.secureCookies = true
        let t = try await TestServices.make(options: options)
        defer { t.close() }
        try await t.application().test(.live) { client in
            let health = try await client.execute(uri: "/api/v1/health", method: .get)
            let missing = try await client.execute(uri: "/api/v1/no/such/route", method: .get)
            #expect(missing.status == .notFound)
            #expect(try TestJSON.error(missing.body)["code"] as? String == "route.notFound")
            for response in [health, missing] {
                #expect(response.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'self'") == true)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                #expect(response.headers[.cacheControl] == "no-store")
                #expect(response.headers[.strictTransportSecurity] != nil)
            }
            try t.user(.admin)
            let login = try await client.execute(
                uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                body: TestJSON.body(["user": "admin", "password": TestServices.password]))
            #expect(login.headers[values: .setCookie].first?.contains("; Secure") == true)
        }
    }

    @Test("/health: status, version and uptime, nothing personal, no login needed")
    func health() async throws {
        let t = try await TestServices.make()
        defer { t.close() }
        try await t.application().test(.live) { client in
            let response = try await client.execute(uri: "/api/v1/health", method: .get)
            #expect(response.status == .ok)
            let body = try TestJSON.object(response.body)
            #expect(Set(body.keys) == ["status", "version", "uptime"])
            #expect(body["status"] as? String == "ok")
            #expect(body["version"] as? String == WebAPI.version)
            #expect((body["uptime"] as? Int).map { $0 >= 0 } == true)
        }
    }

    @Test("/metrics: loopback clients, or admin and police sessions from elsewhere; others refused")
    func metrics() async throws {
        let prometheus = PrometheusCollectorRegistry()
        prometheus.makeCounter(name: "renfang_test_total").increment(by: Int64(3))
        let t = try await TestServices.make(prometheus: prometheus)
        defer { t.close() }
        // app.test(.live) always listens on localhost: run the server on every interface to be reached from outside.
        let bound = BoundPort()
        let app = Application(router: WebAPI.router(t.services),
                              configuration: ApplicationConfiguration(address: .hostname("0.0.0.0", port: 0)),
                              onServerRunning: { channel in bound.set(channel.localAddress?.port) })
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { server.cancel() }
        var port: Int?
        for _ in 0..<500 where port == nil {
            port = bound.value
            if port == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        let listening = try #require(port)
        func client(_ host: String) -> TestClient {
            let client = TestClient(host: host, port: listening)
            client.connect()
            return client
        }
        let local = client("127.0.0.1")
        func get(_ client: TestClient, _ uri: String, _ headers: HTTPFields = [:]) async throws -> TestClient.Response {
            try await client.execute(TestClient.Request(uri, method: .get, authority: "renfang", headers: headers))
        }
        let open = try await get(local, "/metrics")
        #expect(open.status == .ok)
        #expect(open.body.map { String(buffer: $0) }?.contains("renfang_test_total 3") == true)
        #expect(open.headers[.contentType]?.hasPrefix("text/plain") == true)
        var cookies: [TestServices.UserRole: String] = [:]
        for role in [TestServices.UserRole.desk, .police, .admin] {
            let name = try t.user(role)
            let login = try await local.execute(TestClient.Request(
                "/api/v1/auth/login", method: .post, authority: "renfang", headers: [.contentType: "application/json"],
                body: TestJSON.body(["user": name, "password": TestServices.password])))
            let setCookie = try #require(login.headers[values: .setCookie].first)
            cookies[role] = String(setCookie.split(separator: ";")[0])
        }
        try await local.shutdown()
        guard let address = nonLoopbackIPv4() else {
            Issue.record("no non-loopback interface to test the remote case")
            return
        }
        let remote = client(address)
        #expect(try await get(remote, "/metrics").status == .unauthorized)
        #expect(try await get(remote, "/metrics", [.cookie: cookies[.desk]!]).status == .forbidden)
        #expect(try await get(remote, "/metrics", [.cookie: cookies[.police]!]).status == .ok)
        let asAdmin = try await get(remote, "/metrics", [.cookie: cookies[.admin]!])
        #expect(asAdmin.status == .ok)
        #expect(asAdmin.body.map { String(buffer: $0) }?.contains("renfang_test_total") == true)
        try await remote.shutdown()
    }

    @Test("bodies over the limit are refused with 413 JSON")
    func bodyLimit() async throws {
        var options = WebAPIOptions()
        options.maxUploadBytes = 4096
        let t = try await TestServices.make(options: options)
        defer { t.close() }
        try await t.application().test(.live) { client in
            let big = ByteBuffer(repeating: UInt8(ascii: "a"), count: 5000)
            let response = try await client.execute(uri: "/api/v1/auth/login", method: .post,
                                                    headers: [.contentType: "application/json"], body: big)
            #expect(response.status == .contentTooLarge)
            #expect(try TestJSON.error(response.body)["code"] as? String == "request.tooLarge")
            #expect(response.headers[.xContentTypeOptions] == "nosniff")
        }
    }

    @Test("request log lines: method, route template, status, duration; never the query or the password")
    func requestLog() async throws {
        let t = try await TestServices.make()
        defer { t.close() }
        let lines = LineCollector()
        let router = WebAPI.router(t.services)
        let logger = Logger(label: "test.http") { _ in CollectingHandler(lines: lines) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try t.user(.police)
        try await app.test(.live) { client in
            _ = try await client.execute(uri: "/api/v1/health?id=110105199003071319", method: .get)
            _ = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                         body: TestJSON.body(["user": "police", "password": "Secret-Word-42"]))
        }
        let text = lines.text
        #expect(text.contains("method=GET"))
        #expect(text.contains("route=/api/v1/health"))
        #expect(text.contains("status=200"))
        #expect(text.contains("route=/api/v1/auth/login"))
        #expect(text.contains("status=401"))
        #expect(text.contains("ms="))
        #expect(!text.contains("110105199003071319"))
        #expect(!text.contains("Secret-Word-42"))
    }
}

/// The port the server bound, set from `onServerRunning`.
final class BoundPort: @unchecked Sendable {
    private let lock = NSLock()
    private var port: Int?
    var value: Int? { lock.withLock { port } }
    func set(_ value: Int?) { lock.withLock { port = value } }
}

/// Log lines collected from a logger.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var text: String { lock.withLock { lines.joined(separator: "\n") } }
    func append(_ line: String) { lock.withLock { lines.append(line) } }
}

struct CollectingHandler: LogHandler {
    let lines: LineCollector
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        lines.append("\(event.message) " + all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))
    }
}

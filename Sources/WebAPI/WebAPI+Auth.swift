import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Registry

extension WebAPI {
    /// The session cookie's name.
    public static let sessionCookie = "renfang_session"
    /// The header state-changing requests of a session must carry (the session's CSRF token).
    public static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    /// A request with this header set to `1` is a page's background poll (the to-do badge): served as usual,
    /// but it does not keep the session alive (``AccountStore/session(token:now:keepAlive:)``).
    public static let backgroundHeader = HTTPField.Name("X-Renfang-Background")!
    /// The software version reported by `/api/v1/health`; also the .deb's version (the Makefile reads it here).
    public static let version = "0.7.0"
    /// When this process first built a router (the uptime of `/api/v1/health`).
    static let startedAt = ContinuousClock.now

    /// Every request, outermost first: request log (method, path template, status, duration), security
    /// headers and JSON errors, body size limit (413), session (cookie → ``APIContext/session``), CSRF check.
    static func addMiddleware(to router: Router<APIContext>, _ services: WebAPIServices) {
        _ = startedAt
        router.add(middleware: APIRequestLogMiddleware())
        router.add(middleware: SecurityHeadersMiddleware(tls: services.options.secureCookies))
        router.add(middleware: BodyLimitMiddleware(limit: services.options.maxUploadBytes))
        router.add(middleware: SessionMiddleware(accounts: services.accounts, secureCookies: services.options.secureCookies))
        router.add(middleware: CSRFMiddleware())
        router.add(middleware: RegisterChangeMiddleware(changed: services.registerChanged))
        addPages(to: router, services)
    }

    /// /auth/login, /auth/logout, /auth/me, /auth/password.
    static func addAuthRoutes(to api: RouterGroup<APIContext>, _ services: WebAPIServices) {
        let accounts = services.accounts
        let options = services.options
        let auth = api.group("auth").add(middleware: RouteRoleMiddleware())

        auth.post("login") { request, context -> Response in
            let body = try await AuthJSON.decode(LoginRequest.self, from: request)
            guard let user = body.user?.trimmingCharacters(in: .whitespacesAndNewlines), !user.isEmpty else {
                throw APIError.invalid(field: "user", "请输入用户名", code: "field.required")
            }
            guard let password = body.password, !password.isEmpty else {
                throw APIError.invalid(field: "password", "请输入密码", code: "field.required")
            }
            // A new login never reuses the old session (fixation): end it first.
            if let old = request.cookies[sessionCookie]?.value, context.session != nil {
                try? accounts.logout(token: old)
            }
            let result: (token: String, session: AuthenticatedSession)
            do {
                result = try accounts.login(user: user, password: password, address: context.remoteAddress,
                                            idleTimeout: options.sessionLifetime)
            } catch let error as AccountError {
                var response = try APIError(account: error).response(from: request, context: context)
                if let wait = error.retryAfter {
                    response.headers[.retryAfter] = String(max(1, Int(wait.components.seconds) + (wait.components.attoseconds > 0 ? 1 : 0)))
                }
                return response
            }
            var response = try AuthJSON.response(SessionView(result.session))
            response.setCookie(sessionCookie(result.token, secure: options.secureCookies))
            return response
        }

        auth.post("logout") { request, context -> Response in
            if let token = request.cookies[sessionCookie]?.value {
                do { try accounts.logout(token: token) } catch let error as AccountError { throw APIError(account: error) }
            }
            var response = Response(status: .noContent)
            response.setCookie(expiredSessionCookie(secure: options.secureCookies))
            return response
        }

        auth.get("me") { _, context -> Response in
            guard let session = context.session else { throw APIError.unauthenticated }
            return try AuthJSON.response(SessionView(session))
        }

        auth.post("password") { request, context -> Response in
            guard let session = context.session else { throw APIError.unauthenticated }
            let body = try await AuthJSON.decode(PasswordChangeRequest.self, from: request)
            guard let current = body.currentPassword, !current.isEmpty else {
                throw APIError.invalid(field: "currentPassword", "请输入当前密码", code: "field.required")
            }
            guard let new = body.newPassword, !new.isEmpty else {
                throw APIError.invalid(field: "newPassword", "请输入新密码", code: "field.required")
            }
            do {
                try accounts.changeOwnPassword(user: session.user, current: current, new: new, address: context.remoteAddress)
            } catch let error as AccountError {
                var mapped = APIError(account: error)
                if error.code == .passwordWeak {
                    // The request names the new password `newPassword`.
                    mapped.field = "newPassword"
                    mapped.fields = mapped.fields.map { APIError.FieldProblem(field: "newPassword", code: $0.code, message: $0.message) }
                }
                throw mapped
            }
            var response = Response(status: .noContent)
            response.setCookie(expiredSessionCookie(secure: options.secureCookies))
            return response
        }
    }

    /// `/api/v1/health` (anyone: status, version, uptime) and `/metrics` on the root router (loopback clients,
    /// or an admin or police session).
    static func addHealthRoutes(to api: RouterGroup<APIContext>, router: Router<APIContext>, _ services: WebAPIServices) {
        api.get("health") { _, _ -> Response in
            let uptime = ContinuousClock.now - startedAt
            return try AuthJSON.response(HealthView(status: "ok", version: version, uptime: Int(uptime.components.seconds)))
        }

        let prometheus = services.prometheus
        router.get("metrics") { _, context -> Response in
            if !isLoopback(context.remoteAddress) {
                guard let session = context.session else { throw APIError.unauthenticated }
                switch session.actor.role {
                case .admin, .police: break
                default: throw APIError.forbidden("只有管理员或民警可以查看运行指标")
                }
            }
            var buffer: [UInt8] = []
            prometheus?.emit(into: &buffer)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }

    /// The session cookie: HttpOnly, SameSite=Strict, Path=/, Secure when served over TLS; no Max-Age
    /// (the server ends the session, the browser forgets it when closed).
    static func sessionCookie(_ token: String, secure: Bool) -> Cookie {
        Cookie(name: sessionCookie, value: token, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// The cookie that makes the browser forget the session.
    static func expiredSessionCookie(secure: Bool) -> Cookie {
        Cookie(name: sessionCookie, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// Whether a peer address is the machine itself (127.0.0.0/8, ::1, IPv4-mapped loopback).
    static func isLoopback(_ address: String?) -> Bool {
        guard let address else { return false }
        return address == "::1" || address.hasPrefix("127.") || address.hasPrefix("::ffff:127.")
    }
}

/// `POST /api/v1/auth/login` body.
struct LoginRequest: Decodable {
    var user: String?
    var password: String?
}

/// `POST /api/v1/auth/password` body.
struct PasswordChangeRequest: Decodable {
    var currentPassword: String?
    var newPassword: String?
}

/// The answer of login and `/auth/me`.
struct SessionView: Encodable {
    struct Scope: Encodable {
        var station: UUID?
        var xiaoqus: [UUID]?
    }

    var user: String
    var displayName: String
    var role: String
    var scope: Scope
    var csrfToken: String
    var mustChangePassword: Bool
    var expiresAt: Date

    init(_ session: AuthenticatedSession) {
        user = session.user
        displayName = session.displayName
        role = session.actor.role.name
        switch session.actor.role {
        case .police(let station): scope = Scope(station: station)
        case .desk(let xiaoqus): scope = Scope(xiaoqus: xiaoqus.sorted { $0.uuidString < $1.uuidString })
        default: scope = Scope()
        }
        csrfToken = session.csrfToken
        mustChangePassword = session.mustChangePassword
        expiresAt = session.expiresAt
    }
}

/// The answer of `/api/v1/health`: nothing personal.
struct HealthView: Encodable {
    var status: String
    var version: String
    /// Seconds since the API started.
    var uptime: Int
}

/// JSON for the auth routes (kept apart from the domain routes' helpers).
enum AuthJSON {
    /// Largest body of the auth routes.
    static let maximumBody = 16 << 10

    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maximumBody)
        } catch is NIOTooManyBytesError {
            throw APIError.bodyTooLarge(limit: maximumBody)
        }
        guard buffer.readableBytes > 0 else {
            throw APIError.invalid(field: "body", "请求内容不能为空", code: "request.emptyBody")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch DecodingError.typeMismatch(_, let context) where !context.codingPath.isEmpty {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError.invalid(field: field, "\"\(AuthJSON.label(field))\"格式不正确（应为文字）", code: "field.wrongType")
        } catch {
            throw APIError(.badRequest, code: "request.malformedJSON", message: "请求内容不是有效的 JSON")
        }
    }

    static func label(_ field: String) -> String {
        switch field {
        case "user": "用户名"
        case "password": "密码"
        case "currentPassword": "当前密码"
        case "newPassword": "新密码"
        default: field
        }
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}

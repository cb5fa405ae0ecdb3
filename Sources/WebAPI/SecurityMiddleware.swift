import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Logs one line per request: method, the route's path template (`/api/v1/people/{id}`, never the
/// concrete path or the query string, which may hold ID numbers or names), status and duration.
struct APIRequestLogMiddleware: RouterMiddleware {
    typealias Context = APIContext

    func handle(_ request: Request, context: APIContext,
                next: (Request, APIContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var status = 500
        defer {
            let elapsed = ContinuousClock.now - start
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            context.logger.info("http", metadata: [
                "method": "\(request.method.rawValue)",
                "route": "\(context.endpointPath ?? "unmatched")",
                "status": "\(status)",
                "ms": "\(String(format: "%.1f", ms))",
            ])
        }
        do {
            let response = try await next(request, context)
            status = response.status.code
            return response
        } catch let error as any HTTPResponseError {
            status = error.status.code
            throw error
        }
    }
}

/// Adds the security headers to every response and turns every error into a JSON ``APIError`` answer
/// (so the headers are on error answers too): `Content-Security-Policy: default-src 'self'…`,
/// `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`,
/// `Cross-Origin-Opener-Policy: same-origin`, `Strict-Transport-Security` over TLS, and
/// `Cache-Control: no-store` on `/api` and `/metrics`.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = APIContext
    /// Served over TLS (adds HSTS).
    var tls: Bool

    static let contentSecurityPolicy =
        "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"

    func handle(_ request: Request, context: APIContext,
                next: (Request, APIContext) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let mapped = APIError.fromAny(error)
            if mapped.status.code >= 500 {
                context.logger.error("request failed", metadata: [
                    "route": "\(context.endpointPath ?? "unmatched")", "errorType": "\(type(of: error))",
                ])
            }
            response = try mapped.response(from: request, context: context)
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.crossOriginOpenerPolicy] = "same-origin"
        if tls { response.headers[.strictTransportSecurity] = "max-age=31536000" }
        let path = request.uri.path
        if path.hasPrefix("/api/") || path == "/api" || path == "/metrics" {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }
}

/// Refuses bodies larger than the limit with 413 `request.tooLarge`: at once when `Content-Length` says so,
/// and while reading for chunked bodies.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = APIContext
    /// Largest body, bytes (``WebAPIOptions/maxUploadBytes``; routes may read less).
    var limit: Int

    func handle(_ request: Request, context: APIContext,
                next: (Request, APIContext) async throws -> Response) async throws -> Response {
        if let text = request.headers[.contentLength] {
            guard let length = Int(text), length >= 0 else {
                throw APIError(.badRequest, code: "request.invalid", message: "请求头 Content-Length 无效")
            }
            if length > limit { throw APIError.bodyTooLarge(limit: limit) }
            return try await next(request, context)
        }
        guard request.method == .post || request.method == .put || request.method == .patch else {
            return try await next(request, context)
        }
        var limited = request
        limited.body = RequestBody(asyncSequence: LimitedBody(base: request.body, limit: limit))
        do {
            return try await next(limited, context)
        } catch is BodyTooLarge {
            throw APIError.bodyTooLarge(limit: limit)
        }
    }

    struct BodyTooLarge: Error {}

    /// The body, throwing ``BodyTooLarge`` once more than `limit` bytes went by.
    struct LimitedBody: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let base: RequestBody
        let limit: Int

        struct AsyncIterator: AsyncIteratorProtocol {
            var base: RequestBody.AsyncIterator
            let limit: Int
            var seen = 0

            mutating func next() async throws -> ByteBuffer? {
                guard let buffer = try await base.next() else { return nil }
                seen += buffer.readableBytes
                if seen > limit { throw BodyTooLarge() }
                return buffer
            }
        }

        func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(base: base.makeAsyncIterator(), limit: limit)
        }
    }
}

/// Looks up the `renfang_session` cookie and puts the session into ``APIContext/session``. A cookie whose
/// session is gone (expired, logged out, user locked) is cleared in the answer.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let accounts: AccountStore
    let secureCookies: Bool

    func handle(_ request: Request, context: APIContext,
                next: (Request, APIContext) async throws -> Response) async throws -> Response {
        guard let token = request.cookies[WebAPI.sessionCookie]?.value, !token.isEmpty else {
            return try await next(request, context)
        }
        var context = context
        do {
            // A background poll (`X-Renfang-Background: 1`, the pages' to-do badge) is served but does not
            // count as use: it never keeps an unattended session past its idle timeout.
            let background = request.headers[WebAPI.backgroundHeader] == "1"
            context.session = try accounts.session(token: token, keepAlive: !background)
        } catch let error as AccountError {
            throw APIError(account: error)
        }
        if context.session != nil { return try await next(request, context) }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = try APIError.fromAny(error).response(from: request, context: context)
        }
        if !response.headers[values: .setCookie].contains(where: { $0.hasPrefix("\(WebAPI.sessionCookie)=") }) {
            response.setCookie(WebAPI.expiredSessionCookie(secure: secureCookies))
        }
        return response
    }
}

/// State-changing requests (POST, PUT, PATCH, DELETE) made with a session must carry the session's CSRF
/// token in `X-CSRF-Token`; otherwise 403 `auth.csrf`. Login is exempt (it has no session yet); requests
/// without a session are left to the routes (which answer 401 where a session is needed).
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = APIContext
    static let exempt: Set<String> = ["/api/v1/auth/login"]

    func handle(_ request: Request, context: APIContext,
                next: (Request, APIContext) async throws -> Response) async throws -> Response {
        guard let session = context.session,
              [.post, .put, .patch, .delete].contains(request.method),
              !Self.exempt.contains(request.uri.path)
        else { return try await next(request, context) }
        guard let sent = request.headers[WebAPI.csrfHeader] else { throw APIError.csrfMissing }
        guard SessionToken.equal(sent, session.csrfToken) else { throw APIError.csrfWrong }
        return try await next(request, context)
    }
}

/// Calls ``WebAPIServices/registerChanged`` after a successful write under /api/v1 (not /auth/…).
struct RegisterChangeMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let changed: @Sendable () -> Void

    func handle(_ request: Request, context: APIContext,
                next: (Request, APIContext) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        if [.post, .put, .patch, .delete].contains(request.method), (200..<300).contains(response.status.code),
           request.uri.path.hasPrefix("/api/v1/"), !request.uri.path.hasPrefix("/api/v1/auth/") {
            changed()
        }
        return response
    }
}

extension HTTPField.Name {
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let crossOriginOpenerPolicy = HTTPField.Name("Cross-Origin-Opener-Policy")!
}

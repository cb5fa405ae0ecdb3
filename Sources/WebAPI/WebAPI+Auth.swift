import Hummingbird

extension WebAPI {
    /// Session middleware, CSRF check, security headers, request logging (accounts work).
    static func addMiddleware(to router: Router<APIContext>, _ services: WebAPIServices) {}

    /// /auth/login, /auth/logout, /auth/me (accounts work).
    static func addAuthRoutes(to api: RouterGroup<APIContext>, _ services: WebAPIServices) {}

    /// /health and /metrics (accounts work).
    static func addHealthRoutes(to api: RouterGroup<APIContext>, router: Router<APIContext>, _ services: WebAPIServices) {}
}

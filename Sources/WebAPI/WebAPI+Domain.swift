import Hummingbird

extension WebAPI {
    /// Readers, events (SSE), register, queries, statistics, imports/exports, watchlist, alerts, queue, audit,
    /// kiosk and screen. Every error a handler throws leaves as an ``APIError`` (``APIErrorMiddleware``).
    static func addDomainRoutes(to api: RouterGroup<APIContext>, _ services: WebAPIServices) {
        let domain = api.group().add(middleware: APIErrorMiddleware()).add(middleware: RouteRoleMiddleware())
        addReaderRoutes(to: domain, services)
        addEventRoutes(to: domain, services)
        addPlaceRoutes(to: domain, services)
        addPeopleRoutes(to: domain, services)
        addQueryRoutes(to: domain, services)
        addStatisticsRoutes(to: domain, services)
        addImportRoutes(to: domain, services)
        addExportRoutes(to: domain, services)
        addWatchlistRoutes(to: domain, services)
        addAlertRoutes(to: domain, services)
        addCaseRoutes(to: domain, services)
        addQueueRoutes(to: domain, services)
        addAuditRoutes(to: domain, services)
        addKioskRoutes(to: domain, services)
    }
}

import Hummingbird

extension WebAPI {
    /// Readers, events (SSE), register, queries, statistics, imports/exports, watchlist, alerts, queue, audit.
    static func addDomainRoutes(to api: RouterGroup<APIContext>, _ services: WebAPIServices) {}
}

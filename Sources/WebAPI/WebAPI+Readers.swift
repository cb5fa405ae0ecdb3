import Foundation
import Hummingbird

extension WebAPI {
    /// The readers and their state (device names only, no personal data).
    static func addReaderRoutes(to api: RouterGroup<APIContext>, _ services: WebAPIServices) {
        api.get("readers") { _, context -> Response in
            _ = try context.requireActor()
            let states = await services.readers.readerStates()
            return try APIJSON.response(states.sorted { $0.name < $1.name })
        }
    }
}

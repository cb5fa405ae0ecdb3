import Foundation
import Hummingbird
import Registry

extension WebAPI {
    /// Statistics: occupancy (arrivals, departures, living) by level, with breakdowns and drill-down.
    static func addStatisticsRoutes(to api: RouterGroup<APIContext>, _ services: WebAPIServices) {
        let register = services.register
        api.get("statistics/occupancy") { request, context -> Response in
            let actor = try context.requireActor()
            let today = RegisterDate.today
            let to = try request.queryDate("to") ?? today
            let from = try request.queryDate("from") ?? to.adding(days: -29)
            guard from <= to else { throw APIError.invalid(field: "from", "\"开始日期\"不能晚于\"结束日期\"", code: "date.order") }
            let query = OccupancyQuery(
                from: from, to: to, groupBy: try request.queryEnum("groupBy", OccupancyLevel.self) ?? .xiaoqu,
                community: try request.queryUUID("community"), xiaoqu: try request.queryUUID("xiaoqu"),
                building: try request.queryUUID("building"), namePrefix: request.query("name"),
                idNumber: request.query("idNumber"), breakdowns: try request.queryBool("breakdowns") ?? true)
            var report = try await register.occupancy(query, for: actor)
            report.query.idNumber = report.query.idNumber.map(Alert.maskIdNumber)
            return try APIJSON.response(report)
        }
    }
}

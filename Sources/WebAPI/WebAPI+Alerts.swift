import Feed
import Foundation
import Hummingbird
import Registry

extension WebAPI {
    /// 预警: the list (by state), one alert, and its workflow 新预警 → 已签收 → 已派警 → 已结束.
    static func addAlertRoutes(to api: RouterGroup<APIContext>, _ services: WebAPIServices) {
        let register = services.register

        api.get("alerts") { request, context -> Response in
            let actor = try context.requireActor()
            var state: AlertState?
            if let name = request.query("state") {
                guard let value = AlertStateName.state(name) else {
                    throw APIError.invalid(field: "state", "\"预警状态\"的取值无效（new、acknowledged、dispatched 或 closed）")
                }
                state = value
            }
            let limit = try request.queryInt("limit", in: 1...10_000) ?? 200
            return try APIJSON.response(try await register.alerts(state: state, limit: limit, for: actor).map(AlertView.init))
        }

        api.get("alerts/{id}") { _, context -> Response in
            let actor = try context.requireActor()
            return try APIJSON.response(AlertView(try await register.alert(try context.uuid(), for: actor)))
        }

        api.post("alerts/{id}/progress") { request, context -> Response in
            let actor = try context.requireActor()
            let id = try context.uuid()
            let body = try await APIJSON.decode(ProgressRequest.self, from: request)
            guard let name = body.to else { throw APIError.invalid(field: "to", "\"目标状态\"不能为空", code: "field.required") }
            guard let state = AlertStateName.state(name) else {
                throw APIError.invalid(field: "to", "\"目标状态\"的取值无效（acknowledged、dispatched 或 closed）")
            }
            do {
                let alert = try await register.progressAlert(id, to: state, note: body.note, by: actor)
                // Every police console of the station follows the workflow live (and the alert socket too).
                if let event = try? FeedEvent(topic: .alert, type: "alert.progressed", data: AlertProgressedEvent(alert)) {
                    services.bus.publish(event)
                }
                return try APIJSON.response(AlertView(alert))
            } catch let error as RegistryError where error.code == .validationFailed && error.fieldErrors.isEmpty {
                // The register's only unfielded validation here is about the note (closing needs one, 2000 at most).
                throw APIError.invalid(field: "note", "\"处置结果\"：" + error.message, code: "validation.failed")
            }
        }
    }
}

/// Data of `alert.progressed` (restricted audience only): an alert moved through its workflow (签收, 派警, 结束).
/// Masked identity only; no note and no officer name.
struct AlertProgressedEvent: Encodable {
    var alertId: UUID
    var state: String, stateLabel: String
    var level: Int, category: String
    var maskedName: String?, maskedIdNumber: String?
    var device: String, xiaoqu: UUID

    init(_ alert: Alert) {
        alertId = alert.uuid
        state = AlertStateName.name(alert.state)
        stateLabel = alert.state.label
        level = alert.level
        category = alert.category
        maskedName = alert.maskedName
        maskedIdNumber = alert.maskedIdNumber
        device = alert.device
        xiaoqu = alert.xiaoquUuid
    }
}

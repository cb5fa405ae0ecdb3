import Foundation
import Hummingbird
import Registry
import Sync

/// GET /queue.
struct QueueView: Encodable {
    var configured: Bool
    var destinations: [DestinationStatus]
}

/// POST /queue/redrive.
struct RedriveRequest: Decodable {
    var destination: String?
    var seqs: [Int64]?
}

/// The answer of a redrive.
struct RedriveView: Encodable {
    var destination: String
    var requeued: Int
}

extension WebAPI {
    /// The sync queue: status per destination, and putting quarantined records back in the queue.
    static func addQueueRoutes(to api: RouterGroup<APIContext>, _ services: WebAPIServices) {
        api.get("queue") { _, context -> Response in
            let actor = try context.requireActor()
            try RoleGate.require(actor, ["admin", "securityOfficer", "police"], "查看同步队列")
            guard let sync = services.sync else { return try APIJSON.response(QueueView(configured: false, destinations: [])) }
            return try APIJSON.response(QueueView(configured: true, destinations: try await sync.status()))
        }

        api.post("queue/redrive") { request, context -> Response in
            let actor = try context.requireActor()
            try RoleGate.require(actor, ["admin"], "重发隔离区记录")
            let body = try await APIJSON.decode(RedriveRequest.self, from: request)
            guard let destination = body.destination, !destination.isEmpty else {
                throw APIError.invalid(field: "destination", "\"目的地\"不能为空", code: "field.required")
            }
            guard let sync = services.sync else {
                throw APIError(.serviceUnavailable, code: "queue.unavailable", message: "本机未配置同步队列")
            }
            guard sync.configuration.destinations.contains(where: { $0.name == destination }) else {
                throw APIError.invalid(field: "destination", "\"目的地\"\(destination.prefix(40))未配置")
            }
            let register = services.register, seqs = body.seqs
            let count = try await sync.outbox.redrive(destination, seqs: seqs) { db, count in
                try register.appendQueueAudit(db, at: Date(), actor: actor, action: "queue.redrive",
                                              detail: QueueAudit.detail(destination: destination, seqs: seqs, count: count))
            }
            return try APIJSON.response(RedriveView(destination: destination, requeued: count))
        }
    }
}

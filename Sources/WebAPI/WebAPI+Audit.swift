import Foundation
import Hummingbird
import Registry

/// POST /audit/verify.
struct AuditVerificationView: Encodable {
    struct Break: Encodable {
        var seq: Int64
        var reason: String
        var message: String
    }

    var intact: Bool
    var count: Int
    var lastHash: String?
    var firstBroken: Break?
}

extension WebAPI {
    /// The hash-chained audit log: verification of the whole chain, and the entries (auditors).
    static func addAuditRoutes(to api: RouterGroup<APIContext>, _ services: WebAPIServices) {
        let register = services.register
        api.post("audit/verify") { _, context -> Response in
            let actor = try context.requireActor()
            try RoleGate.require(actor, ["auditor", "securityOfficer", "admin"], "校验审计日志")
            let result = try register.auditLog.verify()
            return try APIJSON.response(AuditVerificationView(
                intact: result.isIntact, count: result.count, lastHash: result.lastHash,
                firstBroken: result.firstBroken.map { .init(seq: $0.seq, reason: $0.reason.rawValue, message: $0.message) }))
        }

        api.get("audit/entries") { request, context -> Response in
            let actor = try context.requireActor()
            let after = Int64(try request.queryInt("after", in: 0...Int.max) ?? 0)
            let limit = try request.queryInt("limit", in: 1...5_000) ?? 500
            return try APIJSON.response(try register.auditLog.entries(after: after, limit: limit, by: actor))
        }
    }
}

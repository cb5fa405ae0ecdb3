import Foundation
import Hummingbird
import NIOCore
import Registry
import Watchlist

/// One list in force.
struct WatchlistStatusView: Encodable {
    var listId: String, issuer: String, version: UInt64, keyEpoch: UInt32, entries: Int
    var kind: String
    var created: Date, imported: Date, validUntil: Date?
    var expired: Bool
    var cost: String
}

/// The answer of a bundle import.
struct WatchlistImportView: Encodable {
    var listId: String, version: UInt64, kind: String
    var replacedVersion: UInt64?
    var entries: Int
}

/// POST /watchlist/check.
struct WatchlistCheckRequest: Decodable {
    var idNumber: String?, name: String?, birthDate: String?
}

/// The answer of a check: the hits with their details (police only), the person masked.
struct WatchlistCheckView: Encodable {
    struct Hit: Encodable {
        var listId: String, listVersion: UInt64, issuer: String
        var level: String, category: String, instructions: String, validUntil: String?
        var matchedBy: String
        var maskedName: String?
        var nameConfirmed: Bool?
    }

    var checked: String
    var hits: [Hit]
}

extension WebAPI {
    /// The sealed watchlist: lists in force, bundle upload (trusted keys only), an authorised check.
    static func addWatchlistRoutes(to api: RouterGroup<APIContext>, _ services: WebAPIServices) {
        let register = services.register

        api.get("watchlist/status") { _, context -> Response in
            let actor = try context.requireActor()
            try RoleGate.require(actor, ["admin", "securityOfficer", "police"], "查看预警名单状态")
            guard let store = services.watchlistStore else { return try APIJSON.response([WatchlistStatusView]()) }
            let statuses = try store.status()
            return try APIJSON.response(statuses.map { s in
                let h = s.header
                return WatchlistStatusView(
                    listId: h.listId, issuer: h.issuer, version: h.version, keyEpoch: h.keyEpoch, entries: s.entryCount,
                    kind: "\(h.kind)", created: Date(timeIntervalSince1970: TimeInterval(h.created)), imported: s.importedAt,
                    validUntil: h.validUntil == 0 ? nil : Date(timeIntervalSince1970: TimeInterval(h.validUntil)),
                    expired: s.isExpired, cost: h.cost.description)
            })
        }

        api.post("watchlist/bundles") { request, context -> Response in
            let actor = try context.requireActor()
            try RoleGate.require(actor, ["admin", "securityOfficer"], "导入预警名单")
            guard let store = services.watchlistStore, let trusted = services.options.trustedWatchlistKeys else {
                throw APIError(.serviceUnavailable, code: "watchlist.unavailable", message: "本机未配置预警名单或受信任的签发密钥")
            }
            var request = request
            let buffer = try await request.collectBody(upTo: services.options.maxUploadBytes)
            guard buffer.readableBytes > 0 else { throw APIError.invalid(field: "file", "上传的名单包是空的", code: "field.required") }
            let url = try TemporaryFiles.write(Data(buffer: buffer), extension: "bundle")
            defer { try? FileManager.default.removeItem(at: url) }
            let result: WatchlistStore.ImportResult
            do {
                result = try store.importBundle(at: url, trusted: trusted)
            } catch let error as WatchlistError {
                try? await register.auditWatchlist(action: "watchlist.importRefused", detail: "\(error.code)", by: actor)
                throw error
            }
            try services.watchlistChecker?.reload()
            let h = result.header
            try await register.auditWatchlist(action: "watchlist.import",
                                              detail: "\(h.listId) v\(h.version) \(h.kind) entries=\(result.entryCount)", by: actor)
            return try APIJSON.response(WatchlistImportView(listId: h.listId, version: h.version, kind: "\(h.kind)",
                                                            replacedVersion: result.replacedVersion, entries: result.entryCount),
                                        status: .created)
        }

        api.post("watchlist/check") { request, context -> Response in
            let actor = try context.requireActor()
            try RoleGate.require(actor, ["police"], "比对预警名单")
            let body = try await APIJSON.decode(WatchlistCheckRequest.self, from: request)
            let identity = WatchlistIdentity(idNumber: body.idNumber, name: body.name, birthDate: body.birthDate)
            guard identity.normalizedID != nil || (identity.normalizedName != nil && body.birthDate != nil) else {
                throw APIError.invalid(field: "idNumber", "请填写\"身份号码\"，或\"姓名\"和\"出生日期\"", code: "field.required")
            }
            guard let checker = services.watchlistChecker else {
                throw APIError(.serviceUnavailable, code: "watchlist.unavailable", message: "本机未配置预警名单")
            }
            let hits = try checker.check(identity)
            let who = identity.normalizedID.map(Alert.maskIdNumber) ?? Alert.maskName(body.name ?? "")
            // Audited before anything is answered: a check that cannot be recorded is not answered.
            try await register.auditWatchlist(action: "watchlist.check", detail: "\(who) hits=\(hits.count)", by: actor)
            return try APIJSON.response(WatchlistCheckView(checked: who, hits: hits.map { hit in
                let d = hit.details
                return .init(listId: hit.listId, listVersion: hit.listVersion, issuer: hit.issuer, level: d.level.label,
                             category: d.category, instructions: d.instructions, validUntil: d.validUntil,
                             matchedBy: hit.matchedBy.rawValue, maskedName: d.name.map(Alert.maskName),
                             nameConfirmed: hit.nameConfirmed)
            }))
        }
    }
}

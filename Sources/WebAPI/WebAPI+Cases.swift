import Foundation
import Hummingbird
import Registry

extension WebAPI {
    /// 协查/核查 cases (list, one, answer, re-pair), the progress table and its export, notices (list, mark
    /// read), the to-do list (待办事宜) with counts and its counts alone (the pages' badge), and 通报. Police and desk users, cut to their scope.
    static func addCaseRoutes(to api: RouterGroup<APIContext>, _ services: WebAPIServices) {
        let register = services.register

        api.get("cases") { request, context -> Response in
            let actor = try context.requireActor()
            var state: CaseState?
            if let name = request.query("state") {
                guard let value = CaseState(rawValue: name), value != .new else {
                    throw APIError.invalid(field: "state", "\"案件状态\"的取值无效（paired、unpaired 或 answered）")
                }
                state = value
            }
            let limit = try request.queryInt("limit", in: 1...10_000) ?? 500
            return try APIJSON.response(try await register.cases(state: state, limit: limit, for: actor))
        }

        api.get("cases/{id}") { _, context -> Response in
            let actor = try context.requireActor()
            return try APIJSON.response(try await register.verificationCase(try context.uuid(), for: actor))
        }

        api.post("cases/{id}/answer") { request, context -> Response in
            let actor = try context.requireActor()
            let id = try context.uuid()
            let body = try await APIJSON.decode(CaseAnswerRequest.self, from: request)
            let draft = try body.draft()
            return try APIJSON.response(try await register.answerCase(id, draft, by: actor))
        }

        api.post("cases/{id}/repair") { request, context -> Response in
            let actor = try context.requireActor()
            let id = try context.uuid()
            let body = try await APIJSON.decode(CaseRepairRequest.self, from: request)
            var person: UUID?
            if let text = body.person?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
                guard let uuid = UUID(uuidString: text) else {
                    throw APIError.invalid(field: "person", "\"人员\"不是有效的编号")
                }
                person = uuid
            }
            return try APIJSON.response(try await register.repairCase(id, person: person, by: actor))
        }

        api.get("case-progress") { request, context -> Response in
            let actor = try context.requireActor()
            let (from, to) = try period(request)
            return try APIJSON.response(try await register.caseProgress(from: from, to: to, for: actor))
        }

        api.get("case-progress/export") { request, context -> Response in
            let actor = try context.requireActor()
            let (from, to) = try period(request)
            let format = try exportFormat(request)
            let url = TemporaryFiles.path(extension: format)
            defer { try? FileManager.default.removeItem(at: url) }
            _ = try await register.exportCaseProgress(from: from, to: to, to: url, by: actor)
            return try download(url, name: "协查进度表\(from)至\(to).\(format)", format: format)
        }

        api.get("notices") { request, context -> Response in
            let actor = try context.requireActor()
            let unread = try request.queryBool("unread") ?? false
            return try APIJSON.response(try await register.notices(unreadOnly: unread, for: actor))
        }

        api.post("notices/{id}/read") { _, context -> Response in
            let actor = try context.requireActor()
            return try APIJSON.response(try await register.markNoticeRead(try context.uuid(), by: actor))
        }

        api.get("todo") { request, context -> Response in
            let actor = try context.requireActor()
            let limit = try request.queryInt("limit", in: 1...10_000) ?? 200
            return try APIJSON.response(try await register.todo(for: actor, limit: limit))
        }

        api.get("todo/counts") { _, context -> Response in
            let actor = try context.requireActor()
            return try APIJSON.response(try await register.todoCounts(for: actor))
        }

        api.get("reports") { request, context -> Response in
            let actor = try context.requireActor()
            let limit = try request.queryInt("limit", in: 1...10_000) ?? 200
            return try APIJSON.response(try await register.reports(limit: limit, for: actor))
        }

        api.post("reports") { request, context -> Response in
            let actor = try context.requireActor()
            let body = try await APIJSON.decode(ReportRequest.self, from: request)
            return try APIJSON.response(try await register.createReport(try body.draft(), by: actor), status: .created)
        }
    }

    /// `from` and `to` (YYYY-MM-DD, both required for the progress table).
    static func period(_ request: Request) throws -> (RegisterDate, RegisterDate) {
        guard let from = try request.queryDate("from") else {
            throw APIError.invalid(field: "from", "\"统计开始日期\"不能为空", code: "field.required")
        }
        guard let to = try request.queryDate("to") else {
            throw APIError.invalid(field: "to", "\"统计结束日期\"不能为空", code: "field.required")
        }
        return (from, to)
    }
}

/// The body of `POST /api/v1/cases/{id}/answer`.
struct CaseAnswerRequest: Decodable {
    var outcome: String?
    var reason: String?
    var destinationRegion: String?
    var destinationTownship: String?
    var remark: String?
    var residentOfficerConfirmed: Bool?

    func draft() throws -> CaseAnswerDraft {
        var outcomeValue: CaseOutcome?
        if let outcome, !outcome.isEmpty {
            guard let value = CaseOutcome(rawValue: outcome) else {
                let values = CaseOutcome.allCases.map(\.rawValue).joined(separator: "、")
                throw APIError.invalid(field: "outcome", "\"核查结果\"的取值无效（\(values)）")
            }
            outcomeValue = value
        }
        var reasonValue: NotFoundReason?
        if let reason, !reason.isEmpty {
            guard let value = NotFoundReason(rawValue: reason) else {
                throw APIError.invalid(field: "reason", "\"查无此人原因\"的取值无效（婚出、迁出、死亡或其他）")
            }
            reasonValue = value
        }
        return CaseAnswerDraft(outcome: outcomeValue, reason: reasonValue, destinationRegion: destinationRegion,
                               destinationTownship: destinationTownship, remark: remark,
                               residentOfficerConfirmed: residentOfficerConfirmed)
    }
}

/// The body of `POST /api/v1/cases/{id}/repair`.
struct CaseRepairRequest: Decodable {
    var person: String?
}

/// The body of `POST /api/v1/reports`.
struct ReportRequest: Decodable {
    var type: String?
    var xiaoqu: UUID?
    var person: UUID?
    var occurredOn: RegisterDate?
    var summary: String?

    func draft() throws -> ReportDraft {
        var typeValue: ReportType?
        if let type, !type.isEmpty {
            guard let value = ReportType(rawValue: type) else {
                throw APIError.invalid(field: "type", "\"通报类型\"的取值无效（departed、arrived 或 other）")
            }
            typeValue = value
        }
        return ReportDraft(type: typeValue, xiaoqu: xiaoqu, person: person, occurredOn: occurredOn, summary: summary)
    }
}

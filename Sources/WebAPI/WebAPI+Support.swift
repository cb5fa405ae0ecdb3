import Foundation
import Hummingbird
import NIOCore
import Registry

/// Largest JSON request body of the domain routes (uploads have ``WebAPIOptions/maxUploadBytes``).
let maximumJSONBody = 1 << 20

/// JSON in and out for the domain routes.
enum APIJSON {
    /// The encoder of every JSON answer: sorted keys, ISO 8601 dates.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Reads the body (at most 1 MiB) and decodes it; a broken body becomes a 400 naming the field.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: maximumJSONBody)
        guard buffer.readableBytes > 0 else { throw APIError.invalid(field: "body", "请求内容不能为空", code: "request.emptyBody") }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(T.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw APIError(error)
        } catch {
            throw APIError.malformedJSON
        }
    }

    /// A JSON answer.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Request {
    /// A query parameter, trimmed; `nil` when absent or blank.
    func query(_ name: String) -> String? {
        guard let value = uri.queryParameters[name[...]] else { return nil }
        let text = String(value).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// A UUID query parameter (400 naming it when malformed).
    func queryUUID(_ name: String) throws -> UUID? {
        guard let text = query(name) else { return nil }
        guard let uuid = UUID(uuidString: text) else {
            throw APIError.invalid(field: name, "\"\(Field(rawValue: name)?.label ?? name)\"不是有效的编号")
        }
        return uuid
    }

    /// A `YYYY-MM-DD` query parameter.
    func queryDate(_ name: String) throws -> RegisterDate? {
        guard let text = query(name) else { return nil }
        guard let date = RegisterDate(text) else {
            throw APIError.invalid(field: name, "\"\(APIQueryLabels.label(name))\"不是有效日期（YYYY-MM-DD）", code: "field.wrongType")
        }
        return date
    }

    /// An integer query parameter within `range`.
    func queryInt(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = query(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.invalid(field: name, "\"\(APIQueryLabels.label(name))\"应为\(range.lowerBound)至\(range.upperBound)之间的整数", code: "field.wrongType")
        }
        return value
    }

    /// A boolean query parameter (`true`/`false`/`1`/`0`).
    func queryBool(_ name: String) throws -> Bool? {
        guard let text = query(name)?.lowercased() else { return nil }
        switch text {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw APIError.invalid(field: name, "\"\(APIQueryLabels.label(name))\"应为 true 或 false", code: "field.wrongType")
        }
    }

    /// A query parameter naming a case of `T`.
    func queryEnum<T: RawRepresentable>(_ name: String, _ type: T.Type) throws -> T? where T.RawValue == String {
        guard let text = query(name) else { return nil }
        guard let value = T(rawValue: text) else {
            throw APIError.invalid(field: name, "\"\(APIQueryLabels.label(name))\"的取值\"\(text.prefix(40))\"无效")
        }
        return value
    }
}

/// Labels of query parameters.
enum APIQueryLabels {
    static func label(_ name: String) -> String {
        switch name {
        case "from": "开始日期"
        case "to": "结束日期"
        case "limit": "条数"
        case "offset": "起始位置"
        case "date", "today": "日期"
        case "kind": "类型"
        case "state": "状态"
        case "groupBy": "统计层级"
        case "format": "文件格式"
        case "after": "起始序号"
        default: Field(rawValue: name)?.label ?? APIFieldLabels.label(name) ?? name
        }
    }
}

extension APIContext {
    /// The path parameter `name` as a UUID: 400 naming it when malformed (an unknown one is the register's 404).
    func uuid(_ name: String = "id") throws -> UUID {
        guard let text = parameters.get(name), let uuid = UUID(uuidString: text) else {
            throw APIError.invalid(field: name, "\"编号\"不是有效的 UUID")
        }
        return uuid
    }
}

/// Roles allowed on routes the register does not guard itself (queue, audit verification, watchlist
/// files). Scope of register data is never decided here.
enum RoleGate {
    /// 403 unless the actor's role is one of `names` (``Role/name``).
    static func require(_ actor: Actor, _ names: Set<String>, _ what: String) throws {
        guard names.contains(actor.role.name) else { throw APIError(.forbidden, code: "permission.denied", message: "您的角色无权\(what)") }
    }
}

/// An answer with nothing but a confirmation that it was done.
struct Done: Encodable {
    var ok = true
}

/// 409 `confirmation.required`: nothing was written; show the findings, then send again with the
/// confirmations set.
struct ConfirmationRequired: Encodable {
    struct Item: Encodable {
        var code: String
        var message: String
        var count: Int
        var stays: [ActiveStaySummary]?
        var people: [PersonSummary]?
    }

    var error: APIErrorBody
    var findings: [Item]

    init(_ findings: [Finding]) {
        error = APIErrorBody(code: "confirmation.required", message: "需要确认后才能登记", field: nil, fields: [])
        self.findings = findings.map { finding in
            switch finding {
            case let .multipleStays(count, visible):
                Item(code: finding.code, message: finding.message, count: count, stays: visible, people: nil)
            case let .likelyDuplicate(count, visible):
                Item(code: finding.code, message: finding.message, count: count, stays: nil, people: visible)
            }
        }
    }

    static func response(_ findings: [Finding]) throws -> Response {
        try APIJSON.response(ConfirmationRequired(findings), status: .conflict)
    }
}

/// The `error` object of an error body.
struct APIErrorBody: Encodable {
    var code: String
    var message: String
    var field: String?
    var fields: [APIError.FieldProblem]
}

/// Finding as JSON (for confirmed findings on successful registrations).
struct FindingView: Encodable {
    var code: String
    var message: String

    init(_ finding: Finding) {
        code = finding.code
        message = finding.message
    }
}

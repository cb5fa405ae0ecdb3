import Foundation
import Hummingbird

/// Every error the API answers: HTTP status, a stable dotted code, a Chinese message for the pages, and
/// the field(s) at fault. The body is `{"error": {"code", "message", "field", "fields": [{field, code, message}]}}`.
/// ``APIError/init(_:)`` (APIError+Mapping.swift) is the one place that maps module errors to these.
public struct APIError: Error, Sendable, Hashable, HTTPResponseError {
    /// One field at fault.
    public struct FieldProblem: Sendable, Hashable, Codable {
        /// The field's name as the API spells it (JSON key path, e.g. `person.idNumber`).
        public var field: String
        /// Stable code of the problem.
        public var code: String
        /// Chinese text naming the field.
        public var message: String

        /// A field problem.
        public init(field: String, code: String, message: String) {
            self.field = field
            self.code = code
            self.message = message
        }
    }

    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// Stable dotted code (never renamed; listed in protocol-docs/openapi.yaml).
    public var code: String
    /// Chinese text for the user; names the field when one is at fault.
    public var message: String
    /// The first field at fault, if any.
    public var field: String?
    /// Every field at fault.
    public var fields: [FieldProblem]

    /// An error.
    public init(_ status: HTTPResponse.Status, code: String, message: String, field: String? = nil, fields: [FieldProblem] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field ?? fields.first?.field
        self.fields = fields
    }

    /// 401 `auth.required`: 请先登录.
    public static let unauthenticated = APIError(.unauthorized, code: "auth.required", message: "请先登录")
    /// 403 `auth.forbidden`.
    public static func forbidden(_ message: String = "没有权限执行此操作") -> APIError {
        APIError(.forbidden, code: "auth.forbidden", message: message)
    }
    /// 400 `request.invalid` naming one field.
    public static func invalid(field: String, _ message: String, code: String = "request.invalid") -> APIError {
        APIError(.badRequest, code: code, message: message, field: field,
                 fields: [FieldProblem(field: field, code: code, message: message)])
    }
    /// 404 `record.notFound`.
    public static let notFound = APIError(.notFound, code: "record.notFound", message: "记录不存在或不在您的管辖范围内")

    private struct Body: Encodable {
        struct Inner: Encodable {
            var code: String
            var message: String
            var field: String?
            var fields: [FieldProblem]
        }
        var error: Inner
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(Body(error: .init(code: code, message: message, field: field, fields: fields)))
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

import Accounts
import Foundation
import Hummingbird
import Logging
import NIOCore
import Registry
import Spreadsheet
import Sync
import Watchlist

/// The one place where the errors of the modules become API errors: status, stable code, Chinese message
/// and the fields at fault. Nothing of an unknown error (its text may hold personal data) reaches the
/// client: it becomes a 500 `internal`.
extension APIError {
    /// The API error for any error a handler threw.
    public init(_ error: any Error) {
        switch error {
        case let error as APIError:
            self = error
        case let error as AccountError:
            self = APIError(account: error)
        case let error as RegistryError:
            self = APIError(registry: error)
        case let error as DecodingError:
            self = APIError(decoding: error)
        case let error as WatchlistError:
            self = APIError(watchlist: error)
        case let error as WatchlistInputErrors:
            let problems = error.errors.prefix(100).map {
                FieldProblem(field: "row\($0.row)" + ($0.column.isEmpty ? "" : ".\($0.column)"), code: "watchlist.badInput",
                             message: $0.description)
            }
            self = APIError(.badRequest, code: "watchlist.badInput", message: "名单内容有误", fields: Array(problems))
        case let error as SyncError:
            self = APIError(sync: error)
        case let error as SpreadsheetError:
            self = APIError(.badRequest, code: "spreadsheet.\(error.code)", message: "文件无法读取：\(error.message)", field: "file")
        case is NIOTooManyBytesError:
            self = APIError.tooLarge
        case let error as HTTPError:
            self = APIError(http: error)
        case let error as any HTTPResponseError:
            self = APIError(error.status, code: Self.code(for: error.status), message: Self.message(for: error.status))
        default:
            self = APIError.internal
        }
    }

    /// 500 `internal`: 服务器内部错误 (no detail).
    public static let `internal` = APIError(.internalServerError, code: "internal", message: "服务器内部错误，请稍后再试")
    /// 413 `request.tooLarge`.
    public static let tooLarge = APIError(.contentTooLarge, code: "request.tooLarge", message: "上传的内容过大")
    /// 400 `request.malformedJSON`.
    public static let malformedJSON = APIError(.badRequest, code: "request.malformedJSON", message: "请求内容不是有效的 JSON")

    private init(registry error: RegistryError) {
        switch error.code {
        case .validationFailed:
            let fields = error.fieldErrors.map { FieldProblem(field: $0.field, code: $0.code, message: $0.message) }
            self.init(.badRequest, code: error.code.rawValue, message: error.message, fields: fields)
        case .notFound:
            self.init(.notFound, code: error.code.rawValue, message: error.message)
        case .permissionDenied:
            self.init(.forbidden, code: error.code.rawValue, message: error.message)
        case .alertBadTransition:
            self.init(.conflict, code: error.code.rawValue, message: error.message, field: "to")
        case .caseAnswered:
            self.init(.conflict, code: error.code.rawValue, message: error.message, field: "outcome")
        case .constraintViolated:
            self.init(.conflict, code: error.code.rawValue, message: "数据冲突，未能保存（可能已存在相同记录）")
        case .importUnreadable, .importMissingColumns, .importDuplicateColumn:
            self.init(.badRequest, code: error.code.rawValue, message: error.message, field: "file")
        case .exportFailed:
            self.init(.internalServerError, code: error.code.rawValue, message: "导出失败")
        default:
            // Storage, key and crypto errors: their text may name files or SQLite internals.
            self.init(.internalServerError, code: "internal", message: APIError.internal.message)
        }
    }

    private init(watchlist error: WatchlistError) {
        switch error.code {
        case .storage, .damaged:
            self.init(.internalServerError, code: error.code.rawValue, message: "名单存储出错，在用名单不变")
        default:
            self.init(.badRequest, code: error.code.rawValue, message: error.message)
        }
    }

    private init(sync error: SyncError) {
        switch error.code {
        case .unknownDestination:
            self.init(.badRequest, code: error.code.rawValue, message: error.message, field: "destination")
        default:
            self.init(.internalServerError, code: error.code.rawValue, message: "同步队列出错")
        }
    }

    private init(http error: HTTPError) {
        self.init(error.status, code: Self.code(for: error.status), message: Self.message(for: error.status))
    }

    private static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "request.invalid"
        case 401: "auth.required"
        case 403: "auth.forbidden"
        case 404: "route.notFound"
        case 405: "route.methodNotAllowed"
        case 413: "request.tooLarge"
        case 400..<500: "request.invalid"
        default: "internal"
        }
    }

    private static func message(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 401: "请先登录"
        case 403: "没有权限执行此操作"
        case 404: "请求的地址不存在"
        case 405: "不支持此请求方法"
        case 413: "上传的内容过大"
        case 400..<500: "请求无效"
        default: APIError.internal.message
        }
    }

    /// A body that is not what the route expects: the field named by its JSON path (`minors[0].birthDate`)
    /// and, when it is a register field, by its Chinese label.
    private init(decoding error: DecodingError) {
        func path(_ codingPath: [any CodingKey], extra: (any CodingKey)? = nil) -> String {
            var text = ""
            for key in codingPath + (extra.map { [$0] } ?? []) {
                if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
            }
            return text
        }
        func label(_ field: String) -> String {
            let last = field.split(separator: ".").last.map(String.init) ?? field
            let name = last.split(separator: "[").first.map(String.init) ?? last
            return Field(rawValue: name)?.label ?? APIFieldLabels.label(name) ?? name
        }
        switch error {
        case let .keyNotFound(key, context):
            let field = path(context.codingPath, extra: key)
            self = .invalid(field: field, "\"\(label(field))\"不能为空", code: "field.required")
        case let .valueNotFound(_, context):
            let field = path(context.codingPath)
            self = .invalid(field: field, "\"\(label(field))\"不能为空", code: "field.required")
        case let .typeMismatch(type, context):
            let field = path(context.codingPath)
            if field.isEmpty { self = .malformedJSON; return }
            self = .invalid(field: field, "\"\(label(field))\"格式不正确（应为\(APIFieldLabels.typeName(type))）", code: "field.wrongType")
        case let .dataCorrupted(context):
            let field = path(context.codingPath)
            if field.isEmpty { self = .malformedJSON; return }
            self = .invalid(field: field, "\"\(label(field))\"格式不正确", code: "field.wrongType")
        @unknown default:
            self = .malformedJSON
        }
    }
}

/// Chinese labels of request keys that are not register fields, and type names for messages.
enum APIFieldLabels {
    static func label(_ key: String) -> String? {
        switch key {
        case "to": "目标状态"
        case "confirm": "确认"
        case "allowMultipleStays": "确认一证多住"
        case "confirmDuplicate": "确认非重复人员"
        case "reader": "读卡器"
        case "houses": "房屋"
        case "seqs": "序号"
        case "destination": "目的地"
        case "departure": "离开信息"
        case "arrival": "入住信息"
        case "plannedStay": "拟居住期限"
        case "reason": "原因"
        case "date": "日期"
        case "id": "编号"
        default: nil
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "文字"
        case is Int.Type, is Int64.Type, is UInt64.Type: "整数"
        case is Double.Type: "数字"
        case is Bool.Type: "是或否"
        default: "正确的格式"
        }
    }
}

/// Turns every error a domain handler throws into an ``APIError`` (JSON body, stable code). Unknown errors
/// are logged by type only (their text may carry personal data) and answered as 500 `internal`.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = APIContext

    func handle(_ request: Request, context: APIContext,
                next: (Request, APIContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let mapped = APIError(error)
            if mapped.status.code >= 500 {
                context.logger.error("request failed", metadata: [
                    "path": "\(request.uri.path)", "code": "\(mapped.code)", "errorType": "\(type(of: error))",
                ])
            }
            throw mapped
        }
    }
}

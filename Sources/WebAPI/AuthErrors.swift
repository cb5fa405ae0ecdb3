import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension APIError {
    /// The API error of an accounts error: status by code, the code kept, the Chinese message, the field.
    ///
    /// | code | status |
    /// |---|---|
    /// | `auth.badCredentials`, `auth.sessionInvalid` | 401 |
    /// | `auth.locked`, `auth.forbidden` | 403 |
    /// | `auth.throttled` | 429 (the login route adds `Retry-After`) |
    /// | `auth.passwordWeak`, `auth.currentPasswordWrong`, `account.invalid` | 400 |
    /// | `account.notFound` | 404 |
    /// | `account.exists` | 409 |
    /// | `account.schemaTooNew`, `account.storage` | 500 `internal` |
    public init(account error: AccountError) {
        let status: HTTPResponse.Status
        switch error.code {
        case .badCredentials, .sessionInvalid: status = .unauthorized
        case .locked, .forbidden: status = .forbidden
        case .throttled: status = .tooManyRequests
        case .passwordWeak, .currentPasswordWrong, .invalid: status = .badRequest
        case .userNotFound: status = .notFound
        case .userExists: status = .conflict
        default:
            self = APIError(.internalServerError, code: "internal", message: "服务器内部错误，请稍后再试")
            return
        }
        let fields = error.field.map { [FieldProblem(field: $0, code: error.code.rawValue, message: error.message)] } ?? []
        self.init(status, code: error.code.rawValue, message: error.message, field: error.field, fields: fields)
    }

    /// 403 `auth.csrf`: the state-changing request of a session lacks `X-CSRF-Token`.
    public static let csrfMissing = APIError(.forbidden, code: "auth.csrf", message: "缺少安全校验令牌（X-CSRF-Token），请刷新页面后重试",
                                             field: "X-CSRF-Token")
    /// 403 `auth.csrf`: `X-CSRF-Token` is not the session's.
    public static let csrfWrong = APIError(.forbidden, code: "auth.csrf", message: "安全校验令牌（X-CSRF-Token）不正确，请刷新页面后重试",
                                           field: "X-CSRF-Token")

    /// 413 `request.tooLarge`, naming the limit.
    static func bodyTooLarge(limit: Int) -> APIError {
        let text = limit >= 1 << 20 ? "\(limit >> 20) MB" : "\(max(1, limit >> 10)) KB"
        return APIError(.contentTooLarge, code: "request.tooLarge", message: "请求内容过大（上限 \(text)）")
    }

    /// Any error as an API error, for the outermost middleware: API errors as they are, accounts errors
    /// mapped, HTTP errors (no such route, wrong method) by status, anything else a 500 with no detail.
    static func fromAny(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as AccountError:
            return APIError(account: error)
        case is NIOTooManyBytesError:
            return APIError(.contentTooLarge, code: "request.tooLarge", message: "请求内容过大")
        case let error as any HTTPResponseError:
            let status = error.status
            switch status.code {
            case 401: return .unauthenticated
            case 403: return .forbidden()
            case 404: return APIError(status, code: "route.notFound", message: "请求的地址不存在")
            case 405: return APIError(status, code: "route.methodNotAllowed", message: "不支持此请求方法")
            case 413: return APIError(status, code: "request.tooLarge", message: "请求内容过大")
            case 400..<500: return APIError(status, code: "request.invalid", message: "请求无效")
            default: return APIError(.internalServerError, code: "internal", message: "服务器内部错误，请稍后再试")
            }
        default:
            return APIError(.internalServerError, code: "internal", message: "服务器内部错误，请稍后再试")
        }
    }
}

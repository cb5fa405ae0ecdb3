import Foundation

/// Why an account operation or a login was refused: a stable dotted code (never renamed; the HTTP API and
/// the pages key on it), Chinese text for the operator, the field at fault, and for throttling how long to
/// wait.
///
/// Login errors never say whether the user name or the password was wrong (``Code/badCredentials``), and
/// no message ever contains a password, a hash or a display name.
public struct AccountError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// 用户名或密码错误 (401). Also for a locked user with a wrong password, so a guesser learns nothing.
        public static let badCredentials = Code(rawValue: "auth.badCredentials")
        /// The account is locked (403); only said after the right password.
        public static let locked = Code(rawValue: "auth.locked")
        /// Too many failed logins from this user name or this client address (429); see ``AccountError/retryAfter``.
        public static let throttled = Code(rawValue: "auth.throttled")
        /// The new password breaks a rule (400, field `password`); the message names the rule.
        public static let passwordWeak = Code(rawValue: "auth.passwordWeak")
        /// The current password given to change it is wrong (400, field `currentPassword`).
        public static let currentPasswordWrong = Code(rawValue: "auth.currentPasswordWrong")
        /// The session is unknown, expired or ended (401).
        public static let sessionInvalid = Code(rawValue: "auth.sessionInvalid")
        /// The actor's role may not do this (403).
        public static let forbidden = Code(rawValue: "auth.forbidden")
        /// A user with this login name exists already (409, field `user`).
        public static let userExists = Code(rawValue: "account.exists")
        /// No such user (404, field `user`).
        public static let userNotFound = Code(rawValue: "account.notFound")
        /// A field of a new user is invalid (400, ``AccountError/field`` names it).
        public static let invalid = Code(rawValue: "account.invalid")
        /// The accounts tables were migrated by a newer renfang.
        public static let schemaTooNew = Code(rawValue: "account.schemaTooNew")
        /// The database failed.
        public static let storage = Code(rawValue: "account.storage")
    }

    /// The code.
    public var code: Code
    /// Chinese text for the operator (names the field or the rule; nothing personal).
    public var message: String
    /// The request field at fault (`user`, `password`, `displayName`, `role`, `station`, `xiaoqus`), if any.
    public var field: String?
    /// For ``Code/throttled``: how long until the next attempt is accepted.
    public var retryAfter: Duration?

    /// An error.
    public init(_ code: Code, _ message: String, field: String? = nil, retryAfter: Duration? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    public var description: String { "\(code): \(message)" }

    /// 用户名或密码错误.
    public static let badCredentials = AccountError(.badCredentials, "用户名或密码错误")
    /// 账户已锁定.
    public static let locked = AccountError(.locked, "账户已被锁定，请联系安全保密管理员")

    /// Too many failures; try again in `retryAfter` (rounded up to whole seconds in the text).
    public static func throttled(_ retryAfter: Duration) -> AccountError {
        let seconds = max(1, Int(retryAfter.seconds.rounded(.up)))
        return AccountError(.throttled, "登录失败次数过多，请在 \(seconds) 秒后重试", retryAfter: retryAfter)
    }

    static func denied(_ what: String) -> AccountError {
        AccountError(.forbidden, "没有权限\(what)")
    }

    static func storage(_ error: any Error) -> AccountError {
        // SQLite texts can name files; keep only the type.
        AccountError(.storage, "账户数据库出错（\(type(of: error))）")
    }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

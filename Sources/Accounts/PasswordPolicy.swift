import Foundation

/// The rules a new password must meet. A refusal is ``AccountError/Code/passwordWeak`` with field `password`
/// and a message naming the rule (never echoing the password).
public struct PasswordPolicy: Sendable, Hashable {
    /// Fewest characters (default 10).
    public var minimumLength: Int
    /// Most characters (default 128: scrypt's input is bounded, and nobody types more).
    public var maximumLength: Int

    /// A policy.
    public init(minimumLength: Int = 10, maximumLength: Int = 128) {
        self.minimumLength = minimumLength
        self.maximumLength = maximumLength
    }

    /// Throws ``AccountError/Code/passwordWeak`` when `password` breaks a rule for the user `name`.
    public func check(_ password: String, forUser name: String) throws {
        func weak(_ message: String) -> AccountError { AccountError(.passwordWeak, message, field: "password") }
        if password.count < minimumLength { throw weak("密码至少需要 \(minimumLength) 个字符") }
        if password.count > maximumLength { throw weak("密码不能超过 \(maximumLength) 个字符") }
        if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw weak("密码不能包含控制字符")
        }
        if password.trimmingCharacters(in: .whitespaces).isEmpty || Set(password).count == 1 {
            throw weak("密码不能由同一个字符重复组成")
        }
        let login = LoginName.normalized(name)
        if !login.isEmpty, password.lowercased() == login || (login.count >= 4 && password.lowercased().contains(login)) {
            throw weak("密码不能与用户名相同或包含用户名")
        }
    }
}

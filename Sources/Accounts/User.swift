import Foundation
import Registry

/// An operator account (never a kiosk: kiosks are devices without login).
public struct User: Sendable, Hashable {
    /// Stable id (audit target).
    public var id: UUID
    /// The login name: lower case, `[a-z][a-z0-9._-]{1,31}`. Also the register actor's user id.
    public var name: String
    /// The operator's name as shown in the pages (never logged, never in an audit entry).
    public var displayName: String
    /// The role with its scope: admin, securityOfficer, auditor, police(station), desk(小区).
    public var role: Role
    /// A locked user cannot log in and has no sessions.
    public var isLocked: Bool
    /// The user must choose a new password before doing anything else (the pages enforce it).
    public var mustChangePassword: Bool
    /// When the account was created.
    public var createdAt: Date
    /// When the password was last set.
    public var passwordChangedAt: Date
    /// The last successful login, if any.
    public var lastLoginAt: Date?

    /// The register actor of this user (every register call made on the user's behalf uses it).
    public var actor: Actor { Actor(userId: name, role: role) }

    /// A user.
    public init(id: UUID, name: String, displayName: String, role: Role, isLocked: Bool = false,
                mustChangePassword: Bool = false, createdAt: Date, passwordChangedAt: Date, lastLoginAt: Date? = nil) {
        self.id = id
        self.name = name
        self.displayName = displayName
        self.role = role
        self.isLocked = isLocked
        self.mustChangePassword = mustChangePassword
        self.createdAt = createdAt
        self.passwordChangedAt = passwordChangedAt
        self.lastLoginAt = lastLoginAt
    }
}

/// What is needed to create a user.
public struct UserDraft: Sendable, Hashable {
    /// The login name (trimmed and lower-cased before use).
    public var name: String
    /// The operator's name as shown in the pages.
    public var displayName: String
    /// The role with its scope; `.kiosk` is refused (kiosks do not log in).
    public var role: Role
    /// Whether the user must change the password at first login.
    public var mustChangePassword: Bool

    /// A draft.
    public init(name: String, displayName: String, role: Role, mustChangePassword: Bool = false) {
        self.name = name
        self.displayName = displayName
        self.role = role
        self.mustChangePassword = mustChangePassword
    }
}

/// The rules for login names.
public enum LoginName {
    /// `name` trimmed and lower-cased (what logins and lookups compare).
    public static func normalized(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// Whether a normalized name is acceptable: 2–32 characters, a–z first, then a–z, 0–9, `.`, `_`, `-`.
    public static func isValid(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard (2...32).contains(scalars.count), let first = scalars.first, ("a"..."z").contains(first) else { return false }
        return scalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }
}

extension Role {
    /// The role column of `account_user`.
    var storedName: String { name }

    /// The scope columns: station uuid for police, comma-separated sorted 小区 uuids for desk.
    var storedStation: String? {
        if case .police(let station) = self { return station.uuidString.lowercased() }
        return nil
    }

    var storedXiaoqus: String? {
        if case .desk(let xiaoqus) = self { return xiaoqus.map { $0.uuidString.lowercased() }.sorted().joined(separator: ",") }
        return nil
    }

    /// The role read back from its columns; `nil` when they are inconsistent.
    static func stored(name: String, station: String?, xiaoqus: String?) -> Role? {
        switch name {
        case "admin": return .admin
        case "securityOfficer": return .securityOfficer
        case "auditor": return .auditor
        case "police":
            guard let station, let uuid = UUID(uuidString: station) else { return nil }
            return .police(station: uuid)
        case "desk":
            let ids = (xiaoqus ?? "").split(separator: ",").compactMap { UUID(uuidString: String($0)) }
            guard !ids.isEmpty else { return nil }
            return .desk(xiaoqus: Set(ids))
        default: return nil
        }
    }
}

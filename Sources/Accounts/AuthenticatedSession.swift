import Foundation
import Registry

/// A logged-in operator, as the HTTP layer sees it after the session cookie was checked.
public struct AuthenticatedSession: Sendable, Hashable {
    /// The login name (also the register actor's user id).
    public var user: String
    /// The register actor: role with its scope. Every register call of the request uses it.
    public var actor: Actor
    /// The CSRF token that state-changing requests of this session must echo in `X-CSRF-Token`.
    public var csrfToken: String
    /// When the session ends unless used again.
    public var expiresAt: Date
    /// The operator's name for the pages (never logged).
    public var displayName: String
    /// Whether the user must choose a new password before anything else.
    public var mustChangePassword: Bool

    /// A session.
    public init(user: String, actor: Actor, csrfToken: String, expiresAt: Date, displayName: String = "",
                mustChangePassword: Bool = false) {
        self.user = user
        self.actor = actor
        self.csrfToken = csrfToken
        self.expiresAt = expiresAt
        self.displayName = displayName
        self.mustChangePassword = mustChangePassword
    }
}

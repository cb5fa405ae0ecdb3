import Crypto
import Foundation
import GRDB
import Registry

extension AccountStore {
    /// Logs `user` in with `password` from client `address`, and opens a session.
    ///
    /// Order of checks: throttling first (a blocked user name or address is refused with
    /// ``AccountError/Code/throttled`` without looking at the password), then the password (an unknown user
    /// costs the same scrypt work as a known one; a wrong password is ``AccountError/Code/badCredentials``
    /// whether the user exists or is locked), then the lock (``AccountError/Code/locked``, only said to
    /// someone who knows the password). Every outcome is audited (`auth.login`, `auth.login.failed` with the
    /// reason and address; `auth.login.throttled` once per block).
    ///
    /// Returns the session token (32 random bytes, base64url; only its SHA-256 is stored) for the cookie and
    /// the session. A hash made with a lower cost than ``Options/passwordCost`` is upgraded.
    public func login(user: String, password: String, address: String?, now: Date? = nil) throws
        -> (token: String, session: AuthenticatedSession)
    {
        try login(user: user, password: password, address: address, now: now, idleTimeout: nil)
    }

    /// ``login(user:password:address:now:)`` with the session's idle timeout given by the caller (the HTTP
    /// layer's configured `session_idle`); `nil` takes ``Options/sessionIdleTimeout``.
    public func login(user: String, password: String, address: String?, now: Date? = nil, idleTimeout: Duration?) throws
        -> (token: String, session: AuthenticatedSession)
    {
        let now = now ?? options.clock()
        let name = LoginName.normalized(user)
        let addressDetail = "address=\(address ?? "local")"

        // 1. Throttling: refuse without touching the password.
        if case .wait(let wait, let first) = throttle.withLock({ $0.check(user: name, address: address, now: now) }) {
            if first {
                try? write { db in
                    let known = try Self.userRow(db, name: name)
                    try self.auditLogin(db, now, known, "auth.login.throttled",
                                        detail: "\(addressDetail) retryAfter=\(Int(wait.seconds.rounded(.up)))")
                }
            }
            logger.notice("auth.login", metadata: ["result": "throttled"])
            throw AccountError.throttled(wait)
        }

        // 2. The password (same work for unknown users).
        let row = LoginName.isValid(name) ? try read { db in try Self.userRow(db, name: name) } : nil
        let stored = row.flatMap { PasswordHash(encoded: $0["password_hash"]) }
        let matches = (stored ?? decoy).verify(password) && stored != nil
        guard matches, let row, let role = Self.role(row) else {
            throttle.withLock { $0.recordFailure(user: name, address: address, now: now) }
            let reason = row == nil ? "unknownUser" : "badPassword"
            try write { db in
                try self.auditLogin(db, now, row, "auth.login.failed", detail: "reason=\(reason) \(addressDetail)")
            }
            logger.notice("auth.login", metadata: ["result": "badCredentials"])
            throw AccountError.badCredentials
        }
        let userId: Int64 = row["id"]

        // 3. The lock.
        if row["locked"] as Bool {
            try write { db in
                try self.auditLogin(db, now, row, "auth.login.failed", detail: "reason=locked \(addressDetail)")
            }
            logger.notice("auth.login", metadata: ["result": "locked", "user": "\(Self.uuid(row))"])
            throw AccountError.locked
        }

        // 4. The session.
        throttle.withLock { $0.recordSuccess(user: name, address: address, now: now) }
        let upgraded = stored!.parameters.isAtLeast(options.passwordCost)
            ? nil : try? PasswordHash.make(password, parameters: options.passwordCost).encoded
        let token = SessionToken.make()
        let idle = idleTimeout ?? options.sessionIdleTimeout
        let absolute = now.addingTimeInterval(options.sessionLifetime.seconds)
        let actor = Actor(userId: name, role: role)
        try write { db in
            try db.execute(sql: "DELETE FROM account_session WHERE expires_at <= ?", arguments: [Self.ms(now)])
            try db.execute(sql: """
                INSERT INTO account_session (token_hash, user_id, created_at, last_seen_at, idle_ms, expires_at, address)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [SessionToken.digest(token), userId, Self.ms(now), Self.ms(now),
                                 max(1, Int64(idle.seconds * 1000)), Self.ms(absolute), address])
            try db.execute(sql: "UPDATE account_user SET last_login_at = ? WHERE id = ?", arguments: [Self.ms(now), userId])
            if let upgraded {
                try db.execute(sql: "UPDATE account_user SET password_hash = ? WHERE id = ?", arguments: [upgraded, userId])
            }
            try self.audit(db, now, actor, "auth.login", target: Self.uuid(row),
                           detail: addressDetail + (upgraded != nil ? " hashUpgraded=1" : ""))
        }
        logger.info("auth.login", metadata: ["result": "ok", "role": "\(role.name)", "user": "\(Self.uuid(row))"])
        let session = AuthenticatedSession(
            user: name, actor: actor, csrfToken: SessionToken.csrf(for: token),
            expiresAt: min(now.addingTimeInterval(idle.seconds), absolute), displayName: row["display_name"],
            mustChangePassword: row["must_change"] as Bool)
        return (token, session)
    }

    /// The session of `token`, or `nil` when the token is unknown, idle too long, past its lifetime, or its
    /// user was locked. Using a session keeps it alive (its last use is written at most once a minute),
    /// unless `keepAlive` is false: a page's background poll (the to-do badge) must not keep an unattended
    /// session open past its idle timeout.
    public func session(token: String, now: Date? = nil, keepAlive: Bool = true) throws -> AuthenticatedSession? {
        let now = now ?? options.clock()
        guard SessionToken.isWellFormed(token) else { return nil }
        let digest = SessionToken.digest(token)
        guard let row = try read({ db in
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT s.last_seen_at, s.idle_ms, s.expires_at, u.name, u.display_name, u.role, u.station_uuid,
                       u.xiaoqu_uuids, u.locked, u.must_change
                FROM account_session s JOIN account_user u ON u.id = s.user_id
                WHERE s.token_hash = ?
                """), arguments: [digest])
        }) else { return nil }
        let nowMs = Self.ms(now)
        let lastSeen: Int64 = row["last_seen_at"], idle: Int64 = row["idle_ms"], expires: Int64 = row["expires_at"]
        guard nowMs < expires, nowMs < lastSeen + idle, !(row["locked"] as Bool), let role = Self.role(row) else {
            _ = try write { db in
                try db.execute(sql: "DELETE FROM account_session WHERE token_hash = ?", arguments: [digest])
            }
            return nil
        }
        if keepAlive, nowMs - lastSeen >= min(60_000, idle / 4) {
            try write { db in
                try db.execute(sql: "UPDATE account_session SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?",
                               arguments: [nowMs, digest, nowMs])
            }
        }
        let name: String = row["name"]
        return AuthenticatedSession(
            user: name, actor: Actor(userId: name, role: role), csrfToken: SessionToken.csrf(for: token),
            expiresAt: Self.date(min((keepAlive ? nowMs : lastSeen) + idle, expires)), displayName: row["display_name"],
            mustChangePassword: row["must_change"] as Bool)
    }

    /// Ends the session of `token` (nothing happens for an unknown token). Audited (`auth.logout`).
    public func logout(token: String) throws {
        guard SessionToken.isWellFormed(token) else { return }
        let now = options.clock()
        let digest = SessionToken.digest(token)
        try write { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT u.* FROM account_session s JOIN account_user u ON u.id = s.user_id WHERE s.token_hash = ?
                """, arguments: [digest]) else { return }
            try db.execute(sql: "DELETE FROM account_session WHERE token_hash = ?", arguments: [digest])
            try self.auditLogin(db, now, row, "auth.logout", detail: nil)
        }
    }

    /// Ends every session of `user` (e.g. after a role change). Security officer only. Returns how many.
    @discardableResult
    public func endSessions(user: String, by actor: Actor) throws -> Int {
        try Self.requireManager(actor, "结束用户会话")
        let name = LoginName.normalized(user)
        let now = options.clock()
        return try write { db in
            guard let row = try Self.userRow(db, name: name) else { throw Self.notFound }
            let count = try Self.revokeSessions(db, userId: row["id"])
            try self.audit(db, now, actor, "account.endSessions", target: Self.uuid(row), detail: "sessionsEnded=\(count)")
            return count
        }
    }

    /// Deletes the sessions that have expired (idle or absolute) by `now`; returns how many.
    @discardableResult
    public func pruneSessions(now: Date? = nil) throws -> Int {
        let nowMs = Self.ms(now ?? options.clock())
        return try write { db in
            try db.execute(sql: "DELETE FROM account_session WHERE expires_at <= ? OR last_seen_at + idle_ms <= ?",
                           arguments: [nowMs, nowMs])
            return db.changesCount
        }
    }

    /// The number of live rows in `account_session` for `user` (tests, `users list`).
    public func sessionCount(user: String) throws -> Int {
        try read { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM account_session s JOIN account_user u ON u.id = s.user_id WHERE u.name = ?
                """, arguments: [LoginName.normalized(user)]) ?? 0
        }
    }

    /// Audits a login event: the known user as actor, or `-` / `anonymous` (the name tried is not recorded:
    /// it may be a mistyped password).
    func auditLogin(_ db: Database, _ now: Date, _ row: Row?, _ action: String, detail: String?) throws {
        if let row, let role = Self.role(row) {
            try register.appendAccountAudit(db, at: now, actor: row["name"], actorRole: role.name, action: action,
                                            targetUuid: Self.uuid(row), detail: detail)
        } else {
            try register.appendAccountAudit(db, at: now, actor: "-", actorRole: "anonymous", action: action,
                                            targetUuid: nil, detail: detail)
        }
    }
}

/// Session tokens: 32 random bytes as unpadded base64url (43 characters). The database keeps only the
/// SHA-256 (hex) of a token; the CSRF token is derived from the session token with HMAC-SHA-256, so it needs
/// no storage and cannot be guessed without the cookie.
public enum SessionToken {
    /// A new random token.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return base64url(bytes)
    }

    /// What is stored: SHA-256 of the token's text, hex.
    public static func digest(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The session's CSRF token (base64url of HMAC-SHA-256 keyed by the session token).
    public static func csrf(for token: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("renfang.csrf.v1".utf8), using: SymmetricKey(data: Array(token.utf8)))
        return base64url(Array(mac))
    }

    /// 43 base64url characters (anything else is not looked up).
    public static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 43 && token.utf8.allSatisfy {
            ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F
        }
    }

    /// Constant-time comparison of two tokens.
    public static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for (p, q) in zip(x, y) { difference |= p ^ q }
        return difference == 0
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

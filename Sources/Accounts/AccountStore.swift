import Foundation
import GRDB
import Logging
import Registry
import Synchronization

/// The operator accounts, in the register's database (own migrations, ``AccountSchema``): users with
/// their role and scope, scrypt password hashes, lock, login throttling, and sessions.
///
/// Managing users (add, lock, unlock, set another user's password) is the security officer's
/// (三员分立: the admin manages places, the auditor reads the audit log, the security officer manages the
/// accounts); every user may set their own password. Every login success and failure, logout, add,
/// password change, lock and unlock is an entry in the register's hash-chained audit log, written in the
/// same transaction as the change. Nothing personal — no password, no hash, no display name, no login name
/// that is not a known user — is written to the audit log or to a log line.
///
/// All methods are synchronous (short SQLite transactions; a login costs one scrypt hash).
public final class AccountStore: Sendable {
    /// How the store behaves; the defaults are the appliance's.
    public struct Options: Sendable {
        /// The cost of new password hashes (older, cheaper hashes are upgraded at the next login).
        public var passwordCost: ScryptParameters
        /// The rules for new passwords.
        public var passwordPolicy: PasswordPolicy
        /// Throttling of failed logins.
        public var userThrottle: LoginThrottle.Policy
        /// Throttling of failed logins per client address.
        public var addressThrottle: LoginThrottle.Policy
        /// A session ends when unused this long (the HTTP layer may pass its own per login).
        public var sessionIdleTimeout: Duration
        /// A session ends this long after login however much it is used.
        public var sessionLifetime: Duration
        /// The clock (tests pin it).
        public var clock: @Sendable () -> Date
        /// Where the store logs (login results by role and user id, never names or passwords).
        public var logger: Logger

        /// The defaults: scrypt 2^14·8, passwords ≥ 10 characters, 5 free failures per user and 20 per
        /// address, sessions idle 30 minutes and at most 12 hours.
        public init(
            passwordCost: ScryptParameters = .standard, passwordPolicy: PasswordPolicy = PasswordPolicy(),
            userThrottle: LoginThrottle.Policy = .perUser, addressThrottle: LoginThrottle.Policy = .perAddress,
            sessionIdleTimeout: Duration = .seconds(30 * 60), sessionLifetime: Duration = .seconds(12 * 3600),
            clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "renfang.accounts")
        ) {
            self.passwordCost = passwordCost
            self.passwordPolicy = passwordPolicy
            self.userThrottle = userThrottle
            self.addressThrottle = addressThrottle
            self.sessionIdleTimeout = sessionIdleTimeout
            self.sessionLifetime = sessionLifetime
            self.clock = clock
            self.logger = logger
        }
    }

    /// The register whose database holds the accounts.
    public let register: RegisterStore
    /// The options.
    public let options: Options
    let throttle: Mutex<LoginThrottle>
    /// A hash verified when the user name is unknown, so an unknown name costs the same time as a known one.
    let decoy: PasswordHash

    var database: DatabasePool { register.database }
    var logger: Logger { options.logger }

    /// Opens the accounts over `register`'s database with the default options, migrating its tables.
    public convenience init(register: RegisterStore) throws {
        try self.init(register: register, options: Options())
    }

    /// Opens the accounts over `register`'s database, migrating its tables.
    public init(register: RegisterStore, options: Options) throws {
        self.register = register
        self.options = options
        throttle = Mutex(LoginThrottle(userPolicy: options.userThrottle, addressPolicy: options.addressThrottle))
        decoy = try PasswordHash.make(UUID().uuidString, parameters: options.passwordCost)
        do {
            try AccountSchema.migrate(register.database)
        } catch let error as AccountError {
            throw error
        } catch {
            throw AccountError.storage(error)
        }
    }

    // MARK: - Users

    /// Creates a user with `password` (checked against the ``PasswordPolicy``). Security officer only.
    /// Audited (`account.add`, with the role and scope).
    @discardableResult
    public func addUser(_ draft: UserDraft, password: String, by actor: Actor) throws -> User {
        try Self.requireManager(actor, "创建用户")
        let name = LoginName.normalized(draft.name)
        guard LoginName.isValid(name) else {
            throw AccountError(.invalid, "用户名须为 2–32 位小写字母、数字、点、下划线或连字符，并以字母开头", field: "user")
        }
        let displayName = draft.displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...40).contains(displayName.count),
              !displayName.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw AccountError(.invalid, "姓名须为 1–40 个字符", field: "displayName") }
        try options.passwordPolicy.check(password, forUser: name)
        let hash = try PasswordHash.make(password, parameters: options.passwordCost).encoded
        let now = options.clock()
        let id = UUID()
        let role = draft.role
        return try write { db in
            try Self.checkScope(db, role)
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM account_user WHERE name = ?)", arguments: [name])! {
                throw AccountError(.userExists, "用户名已存在", field: "user")
            }
            let ms = Self.ms(now)
            try db.execute(sql: """
                INSERT INTO account_user (uuid, name, display_name, role, station_uuid, xiaoqu_uuids, password_hash,
                                          must_change, locked, created_at, updated_at, password_changed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)
                """, arguments: [id.uuidString.lowercased(), name, displayName, role.storedName, role.storedStation,
                                 role.storedXiaoqus, hash, draft.mustChangePassword, ms, ms, ms])
            try self.audit(db, now, actor, "account.add", target: id, detail: Self.scopeDetail(role))
            return try Self.fetchUser(db, name: name)!
        }
    }

    /// Sets `user`'s password: the user themself, or the security officer for anyone. Ends every session of
    /// the user. `mustChange` marks the password as temporary (the user must choose another at next login);
    /// by default a password set by the user is final and one set by the officer is final too.
    /// Audited (`account.passwd`).
    public func setPassword(user: String, password: String, mustChange: Bool = false, by actor: Actor) throws {
        let name = LoginName.normalized(user)
        if actor.userId != name { try Self.requireManager(actor, "修改其他用户的密码") }
        try options.passwordPolicy.check(password, forUser: name)
        let hash = try PasswordHash.make(password, parameters: options.passwordCost).encoded
        let now = options.clock()
        try write { db in
            guard let row = try Self.userRow(db, name: name) else { throw Self.notFound }
            let id: Int64 = row["id"]
            try db.execute(sql: """
                UPDATE account_user SET password_hash = ?, must_change = ?, password_changed_at = ?, updated_at = ? WHERE id = ?
                """, arguments: [hash, mustChange, Self.ms(now), Self.ms(now), id])
            let revoked = try Self.revokeSessions(db, userId: id)
            try self.audit(db, now, actor, "account.passwd", target: Self.uuid(row),
                           detail: "sessionsEnded=\(revoked)" + (mustChange ? " mustChange=1" : ""))
        }
        logger.info("account.passwd", metadata: ["actorRole": "\(actor.role.name)"])
    }

    /// Changes the caller's own password after checking the current one (for the pages' "修改密码").
    /// A wrong current password is ``AccountError/Code/currentPasswordWrong`` and counts as a failed login
    /// for throttling. Ends every session of the user (the caller logs in again).
    public func changeOwnPassword(user: String, current: String, new password: String, address: String? = nil) throws {
        let name = LoginName.normalized(user)
        let now = options.clock()
        if case .wait(let wait, _) = throttle.withLock({ $0.check(user: name, address: address, now: now) }) {
            throw AccountError.throttled(wait)
        }
        guard let stored = try read({ db in try Self.userRow(db, name: name) }),
              let hash = PasswordHash(encoded: stored["password_hash"]) else { throw Self.notFound }
        guard hash.verify(current) else {
            throttle.withLock { $0.recordFailure(user: name, address: address, now: now) }
            throw AccountError(.currentPasswordWrong, "当前密码不正确", field: "currentPassword")
        }
        guard let role = Self.role(stored) else { throw Self.notFound }
        try setPassword(user: name, password: password, by: Actor(userId: name, role: role))
    }

    /// Locks `user`: no more logins, every session ended. Security officer only; not oneself.
    /// Audited (`account.lock`).
    public func lock(user: String, by actor: Actor) throws {
        try Self.requireManager(actor, "锁定用户")
        let name = LoginName.normalized(user)
        guard name != actor.userId else { throw AccountError(.forbidden, "不能锁定自己的账户", field: "user") }
        let now = options.clock()
        try write { db in
            guard let row = try Self.userRow(db, name: name) else { throw Self.notFound }
            let id: Int64 = row["id"]
            try db.execute(sql: "UPDATE account_user SET locked = 1, locked_at = ?, updated_at = ? WHERE id = ?",
                           arguments: [Self.ms(now), Self.ms(now), id])
            let revoked = try Self.revokeSessions(db, userId: id)
            try self.audit(db, now, actor, "account.lock", target: Self.uuid(row), detail: "sessionsEnded=\(revoked)")
        }
    }

    /// Gives `user` another role and scope (a desk clerk moved to other 小区, an officer to another station):
    /// the scope must exist, every session of the user ends (the old rights go with them). Security officer
    /// only; not oneself. Audited (`account.role`, the old and new role and scope).
    public func setRole(user: String, role: Role, by actor: Actor) throws {
        try Self.requireManager(actor, "修改用户角色")
        let name = LoginName.normalized(user)
        guard name != actor.userId else { throw AccountError(.forbidden, "不能修改自己的角色", field: "user") }
        let now = options.clock()
        try write { db in
            try Self.checkScope(db, role)
            guard let row = try Self.userRow(db, name: name) else { throw Self.notFound }
            let id: Int64 = row["id"]
            let before = Self.role(row).map(Self.scopeDetail) ?? "role=?"
            try db.execute(sql: """
                UPDATE account_user SET role = ?, station_uuid = ?, xiaoqu_uuids = ?, updated_at = ? WHERE id = ?
                """, arguments: [role.storedName, role.storedStation, role.storedXiaoqus, Self.ms(now), id])
            let revoked = try Self.revokeSessions(db, userId: id)
            try self.audit(db, now, actor, "account.role", target: Self.uuid(row),
                           detail: "from: \(before); to: \(Self.scopeDetail(role)); sessionsEnded=\(revoked)")
        }
    }

    /// Unlocks `user` and forgets the user's failed logins. Security officer only. Audited (`account.unlock`).
    public func unlock(user: String, by actor: Actor) throws {
        try Self.requireManager(actor, "解锁用户")
        let name = LoginName.normalized(user)
        let now = options.clock()
        try write { db in
            guard let row = try Self.userRow(db, name: name) else { throw Self.notFound }
            try db.execute(sql: "UPDATE account_user SET locked = 0, locked_at = NULL, updated_at = ? WHERE id = ?",
                           arguments: [Self.ms(now), row["id"] as Int64])
            try self.audit(db, now, actor, "account.unlock", target: Self.uuid(row), detail: nil)
        }
        throttle.withLock { $0.recordSuccess(user: name, address: nil, now: now) }
    }

    /// Every user, by login name. No role check: callers that show the list check the role (see
    /// ``users(by:)``).
    public func users() throws -> [User] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM account_user ORDER BY name").compactMap(Self.user)
        }
    }

    /// Every user, for the security officer (or the auditor, who oversees the accounts).
    public func users(by actor: Actor) throws -> [User] {
        switch actor.role {
        case .securityOfficer, .auditor: return try users()
        default: throw AccountError.denied("查看用户列表")
        }
    }

    /// One user by login name, or `nil`.
    public func user(named name: String) throws -> User? {
        try read { db in try Self.fetchUser(db, name: LoginName.normalized(name)) }
    }

    // MARK: - Helpers

    static let notFound = AccountError(.userNotFound, "用户不存在", field: "user")

    static func requireManager(_ actor: Actor, _ what: String) throws {
        guard case .securityOfficer = actor.role else { throw AccountError.denied(what) }
    }

    /// Kiosk refused; the police station and the desk's 小区 must exist in the register.
    static func checkScope(_ db: Database, _ role: Role) throws {
        switch role {
        case .kiosk:
            throw AccountError(.invalid, "自助终端不是登录角色", field: "role")
        case .police(let station):
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM station WHERE uuid = ?)",
                                    arguments: [station.uuidString.lowercased()])! else {
                throw AccountError(.invalid, "所属派出所不存在", field: "station")
            }
        case .desk(let xiaoqus):
            guard !xiaoqus.isEmpty else { throw AccountError(.invalid, "请至少选择一个小区", field: "xiaoqus") }
            for xiaoqu in xiaoqus {
                guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM xiaoqu WHERE uuid = ?)",
                                        arguments: [xiaoqu.uuidString.lowercased()])! else {
                    throw AccountError(.invalid, "所选小区不存在", field: "xiaoqus")
                }
            }
        case .admin, .securityOfficer, .auditor:
            return
        }
    }

    static func scopeDetail(_ role: Role) -> String {
        switch role {
        case .police(let station): "role=police station=\(station.uuidString.lowercased())"
        case .desk(let xiaoqus): "role=desk xiaoqus=\(xiaoqus.map { $0.uuidString.lowercased() }.sorted().joined(separator: ","))"
        default: "role=\(role.name)"
        }
    }

    static func userRow(_ db: Database, name: String) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM account_user WHERE name = ?"), arguments: [name])
    }

    static func fetchUser(_ db: Database, name: String) throws -> User? {
        try userRow(db, name: name).flatMap(user)
    }

    static func role(_ row: Row) -> Role? {
        Role.stored(name: row["role"], station: row["station_uuid"], xiaoqus: row["xiaoqu_uuids"])
    }

    static func uuid(_ row: Row) -> UUID { UUID(uuidString: row["uuid"] as String)! }

    static func user(_ row: Row) -> User? {
        guard let role = role(row) else { return nil }
        return User(id: uuid(row), name: row["name"], displayName: row["display_name"], role: role,
                    isLocked: row["locked"] as Bool, mustChangePassword: row["must_change"] as Bool,
                    createdAt: date(row["created_at"]), passwordChangedAt: date(row["password_changed_at"]),
                    lastLoginAt: (row["last_login_at"] as Int64?).map(date))
    }

    static func revokeSessions(_ db: Database, userId: Int64) throws -> Int {
        try db.execute(sql: "DELETE FROM account_session WHERE user_id = ?", arguments: [userId])
        return db.changesCount
    }

    static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
    static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }

    /// One audit entry in the current transaction.
    func audit(_ db: Database, _ now: Date, _ actor: Actor, _ action: String, target: UUID?, detail: String?) throws {
        try register.appendAccountAudit(db, at: now, actor: actor.userId, actorRole: actor.role.name, action: action,
                                        targetUuid: target, detail: detail)
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try database.write(body)
        } catch let error as AccountError {
            throw error
        } catch {
            throw AccountError.storage(error)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try database.read(body)
        } catch let error as AccountError {
            throw error
        } catch {
            throw AccountError.storage(error)
        }
    }
}

import Accounts
import Foundation
import GRDB
import Registry
import Testing

@Suite("Account store: users, logins, sessions, audit")
struct AccountStoreTests {
    @Test("add: each login role with its scope; kiosk, unknown scope, duplicates, bad names and weak passwords refused")
    func addUsers() async throws {
        let w = try await AccountsWorld.make()
        defer { w.close() }
        let police = try w.add("police1", .police(station: w.station))
        #expect(police.actor == Actor(userId: "police1", role: .police(station: w.station)))
        try w.add("Desk.A", .desk(xiaoqus: [w.xiaoquA, w.xiaoquB]))
        try w.add("admin1", .admin)
        try w.add("officer1", .securityOfficer)
        try w.add("auditor1", .auditor)
        let names = try w.accounts.users().map(\.name)
        #expect(names == ["admin1", "auditor1", "desk.a", "officer1", "police1"], "login names are lower-cased")
        #expect(try w.accounts.user(named: "desk.a")?.role == .desk(xiaoqus: [w.xiaoquA, w.xiaoquB]))

        #expect(accountError { try w.add("kiosk1", .kiosk(device: "k", xiaoqus: [w.xiaoquA])) }?.field == "role")
        #expect(accountError { try w.add("police2", .police(station: UUID())) }?.field == "station")
        #expect(accountError { try w.add("desk2", .desk(xiaoqus: [w.xiaoquA, UUID()])) }?.field == "xiaoqus")
        #expect(accountError { try w.add("desk3", .desk(xiaoqus: [])) }?.field == "xiaoqus")
        #expect(accountError { try w.add("POLICE1", .admin) }?.code == .userExists)
        #expect(accountError { try w.add("1abc", .admin) }?.field == "user")
        #expect(accountError { try w.add("张三", .admin) }?.field == "user")
        #expect(accountError { try w.add("admin2", .admin, displayName: " ") }?.field == "displayName")
        let weak = accountError { try w.add("admin3", .admin, password: "admin3admin3") }
        #expect(weak?.code == .passwordWeak)
        #expect(weak?.message.contains("用户名") == true)
        #expect(accountError { try w.add("admin4", .admin, password: "123456789") }?.message.contains("10") == true)
        for actor in [AccountsWorld.admin, Actor(userId: "police1", role: .police(station: w.station)),
                      Actor(userId: "a", role: .auditor)] {
            let denied = accountError {
                try w.accounts.addUser(UserDraft(name: "x\(actor.role.name)", displayName: "某", role: .admin),
                                       password: "correct horse 1", by: actor)
            }
            #expect(denied?.code == .forbidden, "三员分立: only the security officer manages users (\(actor.role.name))")
        }
        #expect(try w.accounts.users().count == 5)
        #expect(try w.accountActions() == Array(repeating: "account.add", count: 5))
        #expect(try w.audits("account.add").first?.detail == "role=police station=\(w.station.uuidString.lowercased())")
        #expect(try w.register.auditLog.verify().isIntact)
    }

    @Test("login: a session with the user's actor and a CSRF token; the token is not stored, only its SHA-256")
    func loginAndSession() async throws {
        let w = try await AccountsWorld.make()
        defer { w.close() }
        try w.add("desk1", .desk(xiaoqus: [w.xiaoquA]), displayName: "李前台")
        let (token, session) = try w.accounts.login(user: " Desk1 ", password: "correct horse 1", address: "10.1.2.3")
        #expect(session.user == "desk1")
        #expect(session.actor == Actor(userId: "desk1", role: .desk(xiaoqus: [w.xiaoquA])))
        #expect(session.displayName == "李前台")
        #expect(token.count == 43)
        #expect(session.csrfToken.count == 43)
        #expect(session.csrfToken != token)
        #expect(session.expiresAt == w.clock.now.addingTimeInterval(30 * 60))
        let found = try #require(try w.accounts.session(token: token))
        #expect(found.actor == session.actor)
        #expect(found.csrfToken == session.csrfToken)
        #expect(try w.accounts.session(token: String(token.dropLast()) + (token.hasSuffix("A") ? "B" : "A")) == nil)
        #expect(try w.accounts.session(token: "not a token") == nil)
        let stored = try await w.register.database.read { db in try String.fetchAll(db, sql: "SELECT token_hash FROM account_session") }
        #expect(stored == [SessionToken.digest(token)])
        let everything = try await w.register.database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM account_session").map { "\($0)" }.joined()
        }
        #expect(!everything.contains(token))
        #expect(!everything.contains(session.csrfToken))
        #expect(try w.accounts.user(named: "desk1")?.lastLoginAt == w.clock.now)
    }

    @Test("sessions end when idle, at their absolute lifetime, at logout, and survive a restart")
    func sessionLifetimes() async throws {
        let w = try await AccountsWorld.make()
        defer { w.close() }
        try w.add("police1", .police(station: w.station))
        // Idle: 30 minutes without use.
        let (idle, _) = try w.accounts.login(user: "police1", password: "correct horse 1", address: nil)
        w.clock.advance(29 * 60)
        #expect(try w.accounts.session(token: idle) != nil, "used within 30 minutes: kept alive")
        w.clock.advance(29 * 60)
        #expect(try w.accounts.session(token: idle) != nil, "the last use moved the idle deadline")
        w.clock.advance(30 * 60 + 1)
        #expect(try w.accounts.session(token: idle) == nil, "idle for 30 minutes")
        // A background poll (keepAlive: false) is answered but does not move the idle deadline.
        let (polled, _) = try w.accounts.login(user: "police1", password: "correct horse 1", address: nil)
        w.clock.advance(20 * 60)
        let seen = try #require(try w.accounts.session(token: polled, keepAlive: false))
        #expect(seen.expiresAt == w.clock.now.addingTimeInterval(10 * 60), "still the deadline of the last real use")
        w.clock.advance(9 * 60)
        #expect(try w.accounts.session(token: polled, keepAlive: false) != nil)
        w.clock.advance(60 + 1)
        #expect(try w.accounts.session(token: polled, keepAlive: false) == nil, "polled all along, idle for 30 minutes")
        // Absolute: 12 hours however busy.
        let (busy, _) = try w.accounts.login(user: "police1", password: "correct horse 1", address: nil)
        for _ in 0..<(12 * 4 - 1) {
            w.clock.advance(15 * 60)
            #expect(try w.accounts.session(token: busy) != nil)
        }
        w.clock.advance(15 * 60)
        #expect(try w.accounts.session(token: busy) == nil, "12 hours after login")
        // Idle timeout given per login (the HTTP layer's session_idle).
        let (short, shortSession) = try w.accounts.login(user: "police1", password: "correct horse 1", address: nil,
                                                          idleTimeout: .seconds(120))
        #expect(shortSession.expiresAt == w.clock.now.addingTimeInterval(120))
        w.clock.advance(121)
        #expect(try w.accounts.session(token: short) == nil)
        // Restart: a new store over the same database knows the session; logout ends it.
        let (kept, _) = try w.accounts.login(user: "police1", password: "correct horse 1", address: nil)
        let restarted = try w.reopened()
        #expect(try restarted.session(token: kept)?.user == "police1")
        try restarted.logout(token: kept)
        #expect(try w.accounts.session(token: kept) == nil)
        try restarted.logout(token: kept)  // twice: nothing happens
        #expect(try w.audits("auth.logout").count == 1)
        #expect(try w.accounts.pruneSessions() == 0, "expired rows were removed as they were found")
    }

    @Test("passwd and lock end every session of the user; a locked user is told so only with the right password")
    func passwdAndLock() async throws {
        let w = try await AccountsWorld.make()
        defer { w.close() }
        try w.add("police1", .police(station: w.station))
        try w.add("police2", .police(station: w.station))
        let (a, _) = try w.accounts.login(user: "police1", password: "correct horse 1", address: nil)
        let (b, _) = try w.accounts.login(user: "police1", password: "correct horse 1", address: nil)
        let (other, _) = try w.accounts.login(user: "police2", password: "correct horse 1", address: nil)
        #expect(try w.accounts.sessionCount(user: "police1") == 2)

        try w.accounts.setPassword(user: "police1", password: "battery staple 2", by: AccountsWorld.officer)
        #expect(try w.accounts.session(token: a) == nil)
        #expect(try w.accounts.session(token: b) == nil)
        #expect(try w.accounts.session(token: other) != nil, "other users keep theirs")
        #expect(accountError { _ = try w.accounts.login(user: "police1", password: "correct horse 1", address: nil) }?.code == .badCredentials)
        let (c, _) = try w.accounts.login(user: "police1", password: "battery staple 2", address: nil)

        // Users set their own password; not someone else's.
        let self1 = Actor(userId: "police1", role: .police(station: w.station))
        #expect(accountError { try w.accounts.setPassword(user: "police2", password: "battery staple 9", by: self1) }?.code == .forbidden)
        #expect(accountError { try w.accounts.setPassword(user: "police1", password: "short", by: self1) }?.code == .passwordWeak)
        #expect(accountError { try w.accounts.setPassword(user: "nobody", password: "battery staple 9", by: AccountsWorld.officer) }?.code == .userNotFound)
        #expect(accountError { try w.accounts.changeOwnPassword(user: "police1", current: "wrong password", new: "battery staple 3") }?.code == .currentPasswordWrong)
        try w.accounts.changeOwnPassword(user: "police1", current: "battery staple 2", new: "battery staple 3")
        #expect(try w.accounts.session(token: c) == nil)
        let (d, _) = try w.accounts.login(user: "police1", password: "battery staple 3", address: nil)

        try w.accounts.lock(user: "police1", by: AccountsWorld.officer)
        #expect(try w.accounts.session(token: d) == nil)
        #expect(try w.accounts.user(named: "police1")?.isLocked == true)
        #expect(accountError { _ = try w.accounts.login(user: "police1", password: "battery staple 3", address: nil) }?.code == .locked)
        #expect(accountError { _ = try w.accounts.login(user: "police1", password: "wrong password", address: nil) }?.code == .badCredentials,
                "a guesser does not learn that the account exists and is locked")
        #expect(accountError { try w.accounts.lock(user: "police1", by: self1) }?.code == .forbidden)
        #expect(accountError { try w.accounts.lock(user: "local-security", by: AccountsWorld.officer) }?.code == .forbidden,
                "not oneself")
        try w.accounts.unlock(user: "police1", by: AccountsWorld.officer)
        _ = try w.accounts.login(user: "police1", password: "battery staple 3", address: nil)

        #expect(try w.audits("account.passwd").map(\.detail) == ["sessionsEnded=2", "sessionsEnded=1"])
        #expect(try w.audits("account.lock").map(\.detail) == ["sessionsEnded=1"])
        #expect(try w.audits("account.unlock").count == 1)
        #expect(try w.audits("auth.login.failed").map(\.detail) == [
            "reason=badPassword address=local", "reason=locked address=local", "reason=badPassword address=local",
        ])
    }

    @Test("login throttling in the store: five failures, then auth.throttled with retry-after, even with the right password")
    func throttled() async throws {
        let w = try await AccountsWorld.make()
        defer { w.close() }
        try w.add("desk1", .desk(xiaoqus: [w.xiaoquA]))
        for _ in 0..<6 {
            #expect(accountError { _ = try w.accounts.login(user: "desk1", password: "guess guess 1", address: "10.0.0.7") }?.code == .badCredentials)
        }
        let refused = accountError { _ = try w.accounts.login(user: "desk1", password: "correct horse 1", address: "10.0.0.8") }
        #expect(refused?.code == .throttled)
        #expect(refused?.retryAfter == .seconds(30))
        #expect(refused?.message.contains("30 秒") == true)
        _ = accountError { _ = try w.accounts.login(user: "desk1", password: "correct horse 1", address: "10.0.0.8") }
        #expect(try w.audits("auth.login.throttled").map(\.detail) == ["address=10.0.0.8 retryAfter=30"], "once per block")
        w.clock.advance(31)
        _ = try w.accounts.login(user: "desk1", password: "correct horse 1", address: "10.0.0.8")
        // Unknown names are throttled too, and not written down (a mistyped password may be in that field).
        for _ in 0..<6 {
            #expect(accountError { _ = try w.accounts.login(user: "my secret pass", password: "x", address: "10.0.0.9") }?.code == .badCredentials)
        }
        #expect(accountError { _ = try w.accounts.login(user: "my secret pass", password: "x", address: "10.0.0.9") }?.code == .throttled)
        let anonymous = try w.audits("auth.login.failed").filter { $0.actor == "-" }
        #expect(anonymous.count == 6)
        #expect(anonymous.allSatisfy { $0.role == "anonymous" && $0.detail == "reason=unknownUser address=10.0.0.9" })
        #expect(!(try w.auditText()).contains("my secret pass"))
        // Unlock forgets the user's failures.
        for _ in 0..<6 { _ = accountError { _ = try w.accounts.login(user: "desk1", password: "guess guess 1", address: nil) } }
        #expect(accountError { _ = try w.accounts.login(user: "desk1", password: "correct horse 1", address: nil) }?.code == .throttled)
        try w.accounts.unlock(user: "desk1", by: AccountsWorld.officer)
        _ = try w.accounts.login(user: "desk1", password: "correct horse 1", address: nil)
    }

    @Test("every account event is in the hash chain; no password, hash, display name or token in the audit log or the logs")
    func auditAndLogs() async throws {
        let w = try await AccountsWorld.make()
        defer { w.close() }
        let password = "Sekr1t-Passw0rd"
        let user = try w.add("police1", .police(station: w.station), password: password, displayName: "王小明")
        let (token, session) = try w.accounts.login(user: "police1", password: password, address: "192.168.1.20")
        _ = accountError { _ = try w.accounts.login(user: "police1", password: "Wr0ng-Passw0rd", address: "192.168.1.20") }
        try w.accounts.setPassword(user: "police1", password: "Other-Passw0rd", by: AccountsWorld.officer)
        let (token2, _) = try w.accounts.login(user: "police1", password: "Other-Passw0rd", address: nil)
        try w.accounts.logout(token: token2)
        try w.accounts.lock(user: "police1", by: AccountsWorld.officer)
        try w.accounts.unlock(user: "police1", by: AccountsWorld.officer)

        #expect(try w.accountActions() == [
            "account.add", "auth.login", "auth.login.failed", "account.passwd", "auth.login", "auth.logout",
            "account.lock", "account.unlock",
        ])
        let login = try #require(try w.audits("auth.login").first)
        #expect(login.actor == "police1" && login.role == "police" && login.detail == "address=192.168.1.20")
        let verification = try w.register.auditLog.verify()
        #expect(verification.isIntact)
        #expect(verification.count == 4 + 8, "the register's own entries (station, 社区, two 小区) and ours in one chain")

        let hash = try await w.register.database.read { db in
            try String.fetchOne(db, sql: "SELECT password_hash FROM account_user WHERE uuid = ?", arguments: [user.id.uuidString.lowercased()])
        }
        let key = try #require(hash.flatMap(PasswordHash.init(encoded:)))
        let secrets = [password, "Wr0ng-Passw0rd", "Other-Passw0rd", "王小明", token, token2, session.csrfToken,
                       Data(key.key).base64EncodedString(), Data(key.salt).base64EncodedString()]
        let audit = try w.auditText()
        let logs = w.logs.text
        #expect(!logs.isEmpty, "the store logs its logins")
        for secret in secrets {
            #expect(!audit.contains(secret), "audit log holds \(secret.prefix(3))…")
            #expect(!logs.contains(secret), "log lines hold \(secret.prefix(3))…")
        }
        #expect(!logs.contains("police1"), "log lines name users by id, not by login name")
    }

    @Test("a hash made with a lower cost verifies and is upgraded at the next login")
    func costUpgrade() async throws {
        let w = try await AccountsWorld.make(cost: .testing)
        defer { w.close() }
        try w.add("admin1", .admin)
        let stronger = ScryptParameters(log2N: 6, r: 2, p: 1)
        let upgraded = try w.reopened(cost: stronger)
        _ = try upgraded.login(user: "admin1", password: "correct horse 1", address: nil)
        let text = try await w.register.database.read { db in try String.fetchOne(db, sql: "SELECT password_hash FROM account_user") }
        #expect(text?.hasPrefix("$scrypt$ln=6,r=2,p=1$") == true)
        _ = try upgraded.login(user: "admin1", password: "correct horse 1", address: nil)
        #expect(try w.audits("auth.login").map(\.detail) == ["address=local hashUpgraded=1", "address=local"])
    }

    @Test("the accounts tables have their own migrations; a newer schema is refused")
    func migrations() async throws {
        let w = try await AccountsWorld.make()
        defer { w.close() }
        #expect(try AccountSchema.appliedIdentifiers(w.register.database) == ["accounts.v1.users", "accounts.v1.sessions"])
        try await w.register.database.write { db in
            try db.execute(sql: "INSERT INTO accounts_migrations VALUES ('accounts.v9.future', '2030-01-01T00:00:00Z')")
        }
        #expect(accountError { _ = try w.reopened() }?.code == .schemaTooNew)
    }

    @Test("a role or scope change takes effect at once: the user's sessions end, the new scope is stored, audited with old and new")
    func roleChange() async throws {
        let w = try await AccountsWorld.make()
        defer { w.close() }
        _ = try w.add("desk1", .desk(xiaoqus: [w.xiaoquA]), displayName: "王前台")
        let (token, _) = try w.accounts.login(user: "desk1", password: "correct horse 1", address: nil)
        try w.accounts.setRole(user: "desk1", role: .desk(xiaoqus: [w.xiaoquB]), by: AccountsWorld.officer)
        #expect(try w.accounts.session(token: token) == nil, "the session with the old scope ended")
        #expect(try w.accounts.user(named: "desk1")?.role == .desk(xiaoqus: [w.xiaoquB]))
        let (_, session) = try w.accounts.login(user: "desk1", password: "correct horse 1", address: nil)
        #expect(session.actor.role == .desk(xiaoqus: [w.xiaoquB]))
        let details = try w.audits("account.role").map(\.detail)
        #expect(details == ["from: role=desk xiaoqus=\(w.xiaoquA.uuidString.lowercased()); to: role=desk xiaoqus=\(w.xiaoquB.uuidString.lowercased()); sessionsEnded=1"])

        // Refused: not the security officer, oneself, a scope that does not exist, a kiosk, an unknown user.
        let admin = AccountsWorld.admin
        #expect(accountError { try w.accounts.setRole(user: "desk1", role: .admin, by: admin) }?.code == .forbidden)
        #expect(accountError { try w.accounts.setRole(user: "local-security", role: .admin, by: AccountsWorld.officer) }?.code == .forbidden)
        #expect(accountError { try w.accounts.setRole(user: "desk1", role: .police(station: UUID()), by: AccountsWorld.officer) }?.field == "station")
        #expect(accountError { try w.accounts.setRole(user: "desk1", role: .kiosk(device: "k", xiaoqus: [w.xiaoquA]), by: AccountsWorld.officer) }?.field == "role")
        #expect(accountError { try w.accounts.setRole(user: "nobody", role: .admin, by: AccountsWorld.officer) }?.code == .userNotFound)
        #expect(try w.accounts.user(named: "desk1")?.role == .desk(xiaoqus: [w.xiaoquB]), "refusals change nothing")
    }
}

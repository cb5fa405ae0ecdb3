import Accounts
import Foundation
import GRDB
import Logging
import Registry
import Synchronization

/// A clock the tests move by hand.
final class FakeClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_750_000_000)) { current = Mutex(start) }

    var now: Date { current.withLock { $0 } }

    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// Every log line the store writes, rendered with its metadata.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    var logger: Logger {
        Logger(label: "test.accounts") { label in CapturingHandler(capture: self) }
    }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    struct CapturingHandler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.append("\(event.level) \(event.message) \(all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
        }
    }
}

/// A temporary register with a station, a 社区 and two 小区, and an account store over it with a cheap
/// scrypt cost, a fake clock and captured logs.
struct AccountsWorld {
    let register: RegisterStore
    let accounts: AccountStore
    let clock: FakeClock
    let logs: LogCapture
    let station: UUID
    let xiaoquA: UUID, xiaoquB: UUID

    static let officer = Actor(userId: "local-security", role: .securityOfficer)
    static let admin = Actor(userId: "local-admin", role: .admin)

    static func make(cost: ScryptParameters = .testing) async throws -> AccountsWorld {
        let register = try RegisterStore.openTemporary()
        let station = try await register.createStation(StationDraft(code: "110105510000", name: "安慧里派出所"), by: admin)
        let community = try await register.createCommunity(
            CommunityDraft(station: station.uuid, regionCode: "110105", streetOffice: "亚运村街道", name: "安慧里社区"), by: admin)
        let a = try await register.createXiaoqu(XiaoquDraft(community: community.uuid, name: "阳光花园", address: "安慧里一区"), by: admin)
        let b = try await register.createXiaoqu(XiaoquDraft(community: community.uuid, name: "翠微小区", address: "安慧里二区"), by: admin)
        let clock = FakeClock()
        let logs = LogCapture()
        let accounts = try AccountStore(register: register, options: options(cost: cost, clock: clock, logs: logs))
        return AccountsWorld(register: register, accounts: accounts, clock: clock, logs: logs, station: station.uuid,
                             xiaoquA: a.uuid, xiaoquB: b.uuid)
    }

    static func options(cost: ScryptParameters, clock: FakeClock, logs: LogCapture) -> AccountStore.Options {
        AccountStore.Options(passwordCost: cost, clock: { clock.now }, logger: logs.logger)
    }

    /// Another store over the same register (a daemon restart).
    func reopened(cost: ScryptParameters = .testing) throws -> AccountStore {
        try AccountStore(register: register, options: Self.options(cost: cost, clock: clock, logs: logs))
    }

    func close() {
        try? register.close()
        try? FileManager.default.removeItem(at: URL(fileURLWithPath: register.path).deletingLastPathComponent())
    }

    /// Every audit entry's text, all columns joined.
    func auditText() throws -> String {
        try register.database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY seq").map { row in
                row.columnNames.map { "\(row[$0] as DatabaseValue)" }.joined(separator: "|")
            }.joined(separator: "\n")
        }
    }

    /// The actions of the audit entries with target kind `account`, in order.
    func accountActions() throws -> [String] {
        try register.database.read { db in
            try String.fetchAll(db, sql: "SELECT action FROM audit_log WHERE target_kind = 'account' ORDER BY seq")
        }
    }

    /// The audit entries of `action`: (actor, role, detail).
    func audits(_ action: String) throws -> [(actor: String, role: String, detail: String?)] {
        try register.database.read { db in
            try Row.fetchAll(db, sql: "SELECT actor, actor_role, detail FROM audit_log WHERE action = ? ORDER BY seq",
                             arguments: [action]).map { ($0["actor"], $0["actor_role"], $0["detail"]) }
        }
    }

    @discardableResult
    func add(_ name: String, _ role: Role, password: String = "correct horse 1", displayName: String = "张警官") throws -> User {
        try accounts.addUser(UserDraft(name: name, displayName: displayName, role: role), password: password, by: Self.officer)
    }
}

/// The accounts error `body` throws, or `nil`.
func accountError(_ body: () throws -> Void) -> AccountError? {
    do {
        try body()
        return nil
    } catch let error as AccountError {
        return error
    } catch {
        return AccountError(.storage, "unexpected \(error)")
    }
}

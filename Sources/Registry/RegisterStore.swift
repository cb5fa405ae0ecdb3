import Foundation
import GRDB
import Logging
import Synchronization

/// The 以房管人 register: one SQLite database (GRDB `DatabasePool`, WAL, foreign keys on,
/// `synchronous=FULL` asserted at open), sensitive columns encrypted under the data key, every write one
/// transaction with its audit entries and its ``RecordChangeSink`` call, every query cut to the
/// caller's ``Scope``.
///
/// Open with ``open(path:keyFile:options:)``; operations are in the `RegisterStore+*.swift` files.
public final class RegisterStore: Sendable {
    /// The database file.
    public let path: String
    let writer: DatabasePool
    let cipher: DataCipher
    let options: Options
    /// Occupancy reports computed, reused while the counted tables are unchanged.
    let statisticsCache = StatisticsCache()
    /// The connection of ``checkpoint()``, opened on first use.
    let checkpointer = Mutex<DatabaseQueue?>(nil)
    /// The size of the write-ahead log as the writer's last commit left it (``deferCheckpoints(toPages:)``).
    let walMonitor = WALMonitor()
    static let logger = Logger(label: "renfang.registry")

    init(path: String, writer: DatabasePool, cipher: DataCipher, options: Options) {
        self.path = path
        self.writer = writer
        self.cipher = cipher
        self.options = options
    }

    /// The audit log of this register.
    public var auditLog: AuditLog { AuditLog(writer: writer) }

    /// The database connection pool, for modules that add tables and queries of their own in the same
    /// file (sync outbox, statistics). Writes through it bypass the audit log: use the operations.
    public var database: DatabasePool { writer }

    /// Closes the database.
    public func close() throws {
        try checkpointer.withLock { queue in
            try queue?.close()
            queue = nil
        }
        try writer.close()
    }

    /// Now, as stored in `created_at` / `updated_at`.
    var nowText: String { Timestamp.text(options.clock()) }

    /// Today in the appliance's time zone.
    var today: RegisterDate { Timestamp.day(options.clock(), in: options.timeZone) }

    /// A checker for one input.
    func checker(path: String? = nil) -> Checker {
        Checker(codes: options.codes, today: today, path: path)
    }

    /// Pinyin initials of a name, if the configured function gives some.
    func pinyin(_ text: String?) -> String? {
        guard let text, let initials = options.pinyinInitials(text), !initials.isEmpty else { return nil }
        return initials
    }

    /// Runs one operation as one write transaction: scope resolved, rows and audit entries written,
    /// the change sink called; any error rolls everything back.
    func perform<T: Sendable>(
        _ actor: Actor, action: String,
        _ body: @escaping @Sendable (Database, inout Journal, Scope) throws -> T
    ) async throws -> T {
        let at = nowText
        let sink = options.changeSink
        do {
            return try await writer.write { db in
                var journal = Journal(actor: actor, action: action, at: at, sink: sink)
                let scope = try Scope.resolve(actor, in: db)
                let result = try body(db, &journal, scope)
                try journal.finish(db)
                return result
            }
        } catch let error as DatabaseError {
            throw RegistryError.storage(error)
        }
    }

    /// Runs a read in a snapshot with the actor's scope.
    func read<T: Sendable>(_ actor: Actor, _ body: @escaping @Sendable (Database, Scope) throws -> T) async throws -> T {
        do {
            return try await writer.readOffPool { db in try body(db, Scope.resolve(actor, in: db)) }
        } catch let error as DatabaseError {
            throw RegistryError.storage(error)
        }
    }
}

extension RegisterStore {
    /// A short read (a search page, one record: well under a few milliseconds) run on the calling
    /// thread. GRDB's async read hops to the reader's dispatch queue and back, which costs two thread
    /// switches, more than an indexed lookup itself; a synchronous pool read runs the block on the
    /// caller's thread. Long reads (statistics, reports, exports) use ``read(_:_:)``.
    func quickRead<T: Sendable>(_ actor: Actor, _ body: (Database, Scope) throws -> T) throws -> T {
        do {
            return try writer.read { db in try body(db, Scope.resolve(actor, in: db)) }
        } catch let error as DatabaseError {
            throw RegistryError.storage(error)
        }
    }
}

extension RegistryError {
    /// A constraint of the schema refused a write that validation let through (a bug to report), or
    /// another SQLite error.
    static func storage(_ error: DatabaseError) -> RegistryError {
        if error.resultCode == .SQLITE_CONSTRAINT {
            return RegistryError(.constraintViolated, "数据库约束拒绝了写入：\(error.message ?? "")")
        }
        return RegistryError(.storageFailed, "数据库错误：\(error.message ?? "\(error.resultCode)")")
    }
}

extension RegistryError.Code {
    /// A schema constraint (CHECK, UNIQUE, FOREIGN KEY, trigger) refused a write.
    public static let constraintViolated = RegistryError.Code(rawValue: "storage.constraint")
    /// Another SQLite error.
    public static let storageFailed = RegistryError.Code(rawValue: "storage.failed")
}

import Foundation
import GRDB
#if canImport(GRDBSQLite)
import GRDBSQLite
#elseif canImport(SQLite3)
import SQLite3
#endif
import Synchronization

/// What one ``RegisterStore/checkpoint()`` did.
public struct CheckpointResult: Sendable, Hashable {
    /// Frames in the write-ahead log.
    public var walFrames: Int
    /// Frames of it now in the database file.
    public var checkpointed: Int
}

/// The writer connection's view of the write-ahead log, kept by its WAL hook (`sqlite3_wal_hook`, called
/// after every commit with the number of frames in the log) and read by the background checkpoints.
final class WALMonitor: Sendable {
    /// Frames in the log after the writer's last commit (any connection's frames count: the hook reports
    /// the log's size, not the commit's).
    let frames = Atomic<Int>(0)
    /// Frames copied into the database file by the last background checkpoint, in the log as it was then.
    let checkpointed = Atomic<Int>(0)
    /// The writer's own checkpoint threshold (the safety net), in frames.
    let safetyNet = Atomic<Int>(RegisterStore.deferredCheckpointPages)
    /// Whether the hook is installed (``RegisterStore/deferCheckpoints(toPages:)``).
    let installed = Atomic<Bool>(false)

    /// Frames committed since the last background checkpoint: the log's size beyond what that checkpoint
    /// copied, or the whole log when it has been restarted since (it is then smaller than what was copied).
    var pending: Int {
        let frames = frames.load(ordering: .relaxed), done = checkpointed.load(ordering: .relaxed)
        return frames >= done ? frames - done : frames
    }
}

extension RegisterStore {
    /// The writer's automatic checkpoint threshold (pages) once checkpoints run in the background.
    public static let deferredCheckpointPages = 10_000

    /// The background checkpoint's threshold: the pages committed since the last one before
    /// ``checkpointIfNeeded(minimumPages:)`` copies the log into the database file (16 MiB of log).
    ///
    /// Not every second whatever the log holds: after a complete checkpoint SQLite starts the log again at
    /// its beginning, and the first commit after that writes a new log header and waits for an extra
    /// `fdatasync` of it before its own (0.5 ms or more on the appliance's disk). With a checkpoint every
    /// second, nearly every card read at a kiosk paid that. Now one commit in this many pages does, and
    /// pages written again and again between two checkpoints reach the database file once.
    public static let backgroundCheckpointPages = 4_096

    /// Takes WAL checkpoints out of the commits: SQLite's automatic checkpoint (every 1,000 pages of
    /// log) runs inside the commit that crosses the threshold, so that one write — a card read with its
    /// alert, a registration — waits for the pages copied into the database file and its fsync. After this
    /// call the writer checkpoints only past `pages` (a safety net), it reports the log's size after each
    /// commit, and the caller runs ``checkpointIfNeeded(minimumPages:)`` every second or two (renfangd's
    /// maintenance service does).
    public func deferCheckpoints(toPages pages: Int = RegisterStore.deferredCheckpointPages) throws {
        walMonitor.safetyNet.store(max(1, pages), ordering: .relaxed)
        let context = Unmanaged.passUnretained(walMonitor).toOpaque()
        try writer.writeWithoutTransaction { db in
            // Replaces SQLite's own hook (that is what `PRAGMA wal_autocheckpoint` installs) and does what
            // it does past the safety net: a passive checkpoint by the committing connection.
            sqlite3_wal_hook(db.sqliteConnection, { context, connection, name, frames in
                let monitor = Unmanaged<WALMonitor>.fromOpaque(context!).takeUnretainedValue()
                monitor.frames.store(Int(frames), ordering: .relaxed)
                if Int(frames) >= monitor.safetyNet.load(ordering: .relaxed) {
                    sqlite3_wal_checkpoint(connection, name)
                }
                return SQLITE_OK
            }, context)
        }
        walMonitor.installed.store(true, ordering: .relaxed)
    }

    /// The writer connection's automatic checkpoint threshold, in pages: SQLite's (`PRAGMA
    /// wal_autocheckpoint`, 1,000 by default) until ``deferCheckpoints(toPages:)``, then its safety net.
    public func automaticCheckpointPages() throws -> Int {
        if walMonitor.installed.load(ordering: .relaxed) { return walMonitor.safetyNet.load(ordering: .relaxed) }
        return try writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") ?? 0 }
    }

    /// Frames committed since the last background checkpoint, as the writer's last commit saw the log
    /// (after ``deferCheckpoints(toPages:)``).
    public var walPagesPending: Int { walMonitor.pending }

    /// ``checkpoint()`` when at least `minimumPages` have been committed since the last one (as the writer's
    /// commits reported the log), nil otherwise. Blocking I/O: call it off the cooperative pool.
    @discardableResult
    public func checkpointIfNeeded(minimumPages: Int = RegisterStore.backgroundCheckpointPages) throws -> CheckpointResult? {
        guard walMonitor.pending >= max(1, minimumPages) else { return nil }
        return try checkpoint()
    }

    /// A passive checkpoint on a connection of its own: copies the committed pages of the write-ahead
    /// log into the database file as far as no reader still needs them, without waiting for or blocking
    /// the writer or any reader (`PRAGMA wal_checkpoint(PASSIVE)`). Blocking I/O: call it off the
    /// cooperative pool.
    @discardableResult
    public func checkpoint() throws -> CheckpointResult {
        do {
            let result = try checkpointer.withLock { queue in
                if queue == nil {
                    var configuration = Configuration()
                    configuration.label = "renfang.register.checkpoint"
                    configuration.busyMode = .timeout(1)
                    queue = try DatabaseQueue(path: path, configuration: configuration)
                }
                return try queue!.writeWithoutTransaction { db in
                    let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
                    return CheckpointResult(walFrames: row?[1] ?? 0, checkpointed: row?[2] ?? 0)
                }
            }
            walMonitor.checkpointed.store(result.checkpointed, ordering: .relaxed)
            return result
        } catch let error as DatabaseError {
            throw RegistryError.storage(error)
        }
    }
}

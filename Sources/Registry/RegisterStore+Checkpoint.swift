import Foundation
import GRDB

/// What one ``RegisterStore/checkpoint()`` did.
public struct CheckpointResult: Sendable, Hashable {
    /// Frames in the write-ahead log.
    public var walFrames: Int
    /// Frames of it now in the database file.
    public var checkpointed: Int
}

extension RegisterStore {
    /// The writer's automatic checkpoint threshold (pages) once checkpoints run in the background.
    public static let deferredCheckpointPages = 10_000

    /// Takes WAL checkpoints out of the commits: SQLite's automatic checkpoint (every 1,000 pages of
    /// log) runs inside the commit that crosses the threshold, so that one write — a card read with its
    /// alert, a registration — waits for the pages copied into the database file and its fsync. After this
    /// call the writer checkpoints only past `pages` (a safety net), and the caller runs ``checkpoint()``
    /// every second or two (renfangd's maintenance service does).
    public func deferCheckpoints(toPages pages: Int = RegisterStore.deferredCheckpointPages) throws {
        try writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = \(max(1, pages))") }
    }

    /// The writer connection's automatic checkpoint threshold, in pages.
    public func automaticCheckpointPages() throws -> Int {
        try writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") ?? 0 }
    }

    /// A passive checkpoint on a connection of its own: copies the committed pages of the write-ahead
    /// log into the database file as far as no reader still needs them, without waiting for or blocking
    /// the writer or any reader (`PRAGMA wal_checkpoint(PASSIVE)`). Blocking I/O: call it off the
    /// cooperative pool.
    @discardableResult
    public func checkpoint() throws -> CheckpointResult {
        do {
            return try checkpointer.withLock { queue in
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
        } catch let error as DatabaseError {
            throw RegistryError.storage(error)
        }
    }
}

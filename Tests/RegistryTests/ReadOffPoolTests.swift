import Dispatch
import Foundation
import GRDB
import Synchronization
import Testing
@testable import Registry

/// GRDB's async `read` puts its reader back only when the task resumes on a cooperative thread; a
/// synchronous `read` from async code waits for a reader on a cooperative thread. Enough of both at once
/// (50 HTTP clients on a 2-core box: statistics beside session checks) and nothing moves again. The
/// register's and the sync queue's async reads go through ``GRDB/DatabasePool/readOffPool(_:)``, which
/// gives the reader back on the reader's own queue.
@Suite("async reads beside synchronous reads")
struct ReadOffPoolTests {
    final class Finished: Sendable {
        let done = Mutex(false)
    }

    @Test("many async reads (readOffPool) and synchronous reads at once, two readers: all finish")
    func noDeadlock() async throws {
        let store = try RegisterStore.openTemporary(options: RegisterStore.Options(maximumReaderCount: 2))
        let pool = store.database
        let finished = Finished()
        // Should the deadlock come back, stop with a message instead of hanging the whole test run (a
        // deadlocked cooperative pool cannot run a Swift Testing time limit).
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) {
            if !finished.done.withLock({ $0 }) {
                fatalError("ReadOffPoolTests: async and synchronous reads deadlocked (readers not given back)")
            }
        }
        let tasks = 40 * max(2, ProcessInfo.processInfo.activeProcessorCount)
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<tasks {
                group.addTask {
                    if i % 2 == 0 {
                        return try await pool.readOffPool { db in
                            usleep(500)  // hold the reader a little, as a statistics query does
                            return try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                        }
                    }
                    // A synchronous read on the cooperative thread, as a session check or a quick read does.
                    return try synchronousRead(pool)
                }
            }
            return try await group.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        }
        finished.done.withLock { $0 = true }
        #expect(total == tasks)
    }

    @Test("readOffPool reads in a snapshot and passes errors on")
    func readsAndThrows() async throws {
        let store = try RegisterStore.openTemporary()
        let count = try await store.database.readOffPool { db in try Int.fetchOne(db, sql: "SELECT 41 + 1") }
        #expect(count == 42)
        await #expect(throws: DatabaseError.self) {
            _ = try await store.database.readOffPool { db in try Int.fetchOne(db, sql: "SELECT * FROM no_such_table") }
        }
    }
}

/// A synchronous read (GRDB's blocking `read`), called from a task as the register's quick reads are.
private func synchronousRead(_ pool: DatabasePool) throws -> Int {
    try pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") ?? 0 }
}

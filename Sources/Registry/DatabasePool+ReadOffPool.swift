import GRDB

extension DatabasePool {
    /// An async read that does not need a thread of Swift's cooperative pool to give its reader back.
    ///
    /// GRDB's `read` (async) takes a reader from the pool, runs the block on the reader's queue, then
    /// resumes the task and only there, on a cooperative thread, puts the reader back. A synchronous
    /// `read` called from async code (session checks, ``RegisterStore`` quick reads) waits for a free
    /// reader *on* a cooperative thread. With as many such waits as the pool has threads (2 on a 2-core
    /// appliance) and every reader held by async reads waiting to resume, nothing can move: renfangd
    /// stopped answering HTTP under 50 concurrent clients (statistics beside session checks). This read
    /// (GRDB's `asyncRead`) puts the reader back on the reader's own queue, before the task resumes, so a
    /// synchronous read always gets a reader in the end.
    public func readOffPool<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            asyncRead { result in
                continuation.resume(with: Result { try value(result.get()) })
            }
        }
    }
}

import Foundation
import GRDB
import Registry
import Synchronization

/// The register's ``RecordChangeSink``: inside every write transaction, for each changed record routed to
/// at least one destination, one `sync_change` row (a new envelope UUID and the snapshot of the row as
/// committed) and one `sync_outbox` row per destination with that destination's next sequence number.
/// Sequence numbers are assigned in commit order (the register has one writer); priority kinds (alerts)
/// get priority 1 and are sent first. An error rolls the whole operation back.
///
/// Pass it as `RegisterStore.Options.changeSink`, and run ``SyncSchema/migrate(_:)`` on the store's
/// database before the first write (``SyncSystem/open(registerPath:keyFile:configuration:options:)``
/// does both).
public struct OutboxSink: RecordChangeSink {
    let routing: SyncRouting
    let clock: @Sendable () -> Date
    let signal: OutboxSignal

    /// A sink for `configuration`'s routing; `signal` is notified after each commit that queued rows.
    public init(configuration: SyncConfiguration, clock: @escaping @Sendable () -> Date = { Date() },
                signal: OutboxSignal = OutboxSignal()) {
        routing = configuration.routing
        self.clock = clock
        self.signal = signal
    }

    /// Writes the outbox rows of `changes` in `db`'s transaction.
    public func recordsChanged(_ changes: [RecordChange], in db: Database) throws {
        try Self.queue(changes, routing: routing, now: clock(), signal: signal, in: db)
    }

    /// One `sync_change` row per routed change and one `sync_outbox` row per (change, destination).
    static func queue(_ changes: [RecordChange], routing: SyncRouting, now date: Date, signal: OutboxSignal?,
                      in db: Database) throws {
        let now = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var nextSeq: [String: Int64] = [:]
        for change in changes {
            let destinations = routing.destinations(for: change.kind.rawValue, addressee: change.addressee)
            if destinations.isEmpty { continue }
            guard let snapshot = try RegisterStore.recordSnapshot(kind: change.kind, rowId: change.rowId, in: db) else {
                throw SyncError(.recordMissing, "变更的记录不存在：\(change.kind.rawValue) \(change.rowId)")
            }
            try db.cachedStatement(sql: """
                INSERT INTO sync_change (uuid, kind, record_uuid, operation, action, occurred_at, snapshot)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    UUID.random().lowercasedText, change.kind.rawValue, change.uuid.lowercasedText,
                    change.operation.rawValue, change.action, now, snapshot,
                ])
            let changeId = db.lastInsertedRowID
            let priority = routing.priority(of: change.kind.rawValue)
            for destination in destinations {
                let seq: Int64
                if let known = nextSeq[destination] {
                    seq = known
                } else {
                    seq = try Int64.fetchOne(db.cachedStatement(sql: "SELECT next_seq FROM sync_destination WHERE name = ?"),
                                             arguments: [destination]) ?? 1
                }
                nextSeq[destination] = seq + 1
                try db.cachedStatement(sql: """
                    INSERT INTO sync_outbox (destination, seq, change_id, priority, enqueued_at) VALUES (?, ?, ?, ?, ?)
                    """).execute(arguments: [destination, seq, changeId, priority, now])
            }
        }
        guard !nextSeq.isEmpty else { return }
        for (destination, next) in nextSeq {
            try db.cachedStatement(sql: """
                INSERT INTO sync_destination (name, next_seq) VALUES (?, ?)
                ON CONFLICT (name) DO UPDATE SET next_seq = excluded.next_seq
                """).execute(arguments: [destination, next])
        }
        if let signal { db.afterNextTransaction(onCommit: { _ in signal.notify() }) }
    }
}

/// The ``RecordChangeSink`` of every writer of the register other than the daemon (the `renfang` tool's
/// imports, `init`, …): it queues changes with the routing the daemon stored in the database
/// (`sync_routing`, written by ``SyncSystem/open(registerPath:keyFile:configuration:options:)``), so a
/// record written by a tool reaches the upstream servers like one written by the daemon; the running
/// daemon's uplinks pick the rows up at their next poll (`idle_poll_interval`). A register that has never
/// been opened with destinations has no stored routing, and nothing is queued.
public struct StoredRoutingSink: RecordChangeSink {
    let clock: @Sendable () -> Date

    /// A sink reading the stored routing in each write transaction.
    public init(clock: @escaping @Sendable () -> Date = { Date() }) {
        self.clock = clock
    }

    /// Writes the outbox rows of `changes` as the stored routing says.
    public func recordsChanged(_ changes: [RecordChange], in db: Database) throws {
        guard !changes.isEmpty, let routing = try SyncRouting.stored(in: db) else { return }
        try OutboxSink.queue(changes, routing: routing, now: clock(), signal: nil, in: db)
    }
}

/// Wakes the uplinks when a commit queued rows (so an idle uplink sends at once instead of at its next
/// poll). Cheap to notify from inside the register's writer.
public final class OutboxSignal: Sendable {
    private let state = Mutex<(generation: UInt64, waiters: [UInt64: CheckedContinuation<Void, Never>], nextId: UInt64)>(
        (0, [:], 0))

    /// A signal.
    public init() {}

    /// The number of notifications so far.
    public var generation: UInt64 { state.withLock { $0.generation } }

    /// Wakes every waiter.
    public func notify() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.generation &+= 1
            let all = Array(s.waiters.values)
            s.waiters.removeAll()
            return all
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until a notification after `generation`, or `timeout` seconds, or cancellation.
    public func wait(after generation: UInt64, timeout: Double) async {
        let id = state.withLock { s -> UInt64 in s.nextId &+= 1; return s.nextId }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let resumeNow = self.state.withLock { s -> Bool in
                            if s.generation != generation || Task.isCancelled { return true }
                            s.waiters[id] = continuation
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                } onCancel: {
                    self.resume(id)
                }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(max(0, timeout)))
                self.resume(id)
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func resume(_ id: UInt64) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.resume()
    }
}

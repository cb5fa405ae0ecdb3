import Foundation
import GRDB
import Registry

/// What ``Outbox/prune(acknowledgedBefore:batchSize:)`` removed.
public struct PruneResult: Sendable, Hashable {
    /// Outbox rows deleted (one per record and destination).
    public var outboxRows = 0
    /// Changes deleted with their snapshots (records every destination had acknowledged).
    public var changes = 0

    /// A result.
    public init(outboxRows: Int = 0, changes: Int = 0) {
        self.outboxRows = outboxRows
        self.changes = changes
    }
}

extension Outbox {
    /// Deletes what every destination acknowledged before `cutoff`: for each destination, the longest
    /// prefix of its sequence whose rows are all delivered (accepted or duplicate) with `delivered_at`
    /// before `cutoff`; then each change (envelope id and row snapshot) none of whose outbox rows is left.
    ///
    /// Never touches a pending or quarantined row, nor anything after one in the same destination's
    /// sequence: pruning stops at the first row that is not acknowledged and old enough, so what is left
    /// is contiguous and reconciliation (which starts after `pruned_through`) still compares whole
    /// ranges. A change shared by several destinations keeps its snapshot until every one of them
    /// pruned its row. Works in transactions of at most `batchSize` rows per destination, so
    /// registrations are never held up for long.
    @discardableResult
    public func prune(acknowledgedBefore cutoff: Date, batchSize: Int = 5_000) async throws -> PruneResult {
        precondition(batchSize > 0)
        let cutoffMillis = Int64((cutoff.timeIntervalSince1970 * 1000).rounded(.down))
        let destinations = try await database.readOffPool { db in
            // Every destination with outbox rows has its sync_destination row (written with its next_seq).
            try String.fetchAll(db, sql: "SELECT name FROM sync_destination ORDER BY name")
        }
        var result = PruneResult()
        for destination in destinations {
            while true {
                let step = try await database.write { db in
                    try Self.pruneStep(db, destination, cutoffMillis: cutoffMillis, limit: batchSize)
                }
                result.outboxRows += step.outboxRows
                result.changes += step.changes
                if step.outboxRows < batchSize { break }
            }
        }
        return result
    }

    /// One transaction of ``prune(acknowledgedBefore:batchSize:)`` for one destination.
    static func pruneStep(_ db: Database, _ destination: String, cutoffMillis: Int64, limit: Int) throws -> PruneResult {
        // The first row that must stay (pending, quarantined, or delivered at or after the cutoff).
        let floor = try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT seq FROM sync_outbox
            WHERE destination = ? AND NOT (state = 1 AND delivered_at IS NOT NULL AND delivered_at < ?)
            ORDER BY seq LIMIT 1
            """), arguments: [destination, cutoffMillis])
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT seq, change_id FROM sync_outbox WHERE destination = ? AND seq < ? ORDER BY seq LIMIT ?
            """), arguments: [destination, floor ?? Int64.max, limit])
        guard let last: Int64 = rows.last?["seq"] else { return PruneResult() }
        try db.cachedStatement(sql: "DELETE FROM sync_outbox WHERE destination = ? AND seq <= ?")
            .execute(arguments: [destination, last])
        let deletedRows = db.changesCount
        var changes = 0
        let deleteChange = try db.cachedStatement(sql: """
            DELETE FROM sync_change WHERE id = ? AND NOT EXISTS (SELECT 1 FROM sync_outbox WHERE change_id = ?)
            """)
        for row in rows {
            let change: Int64 = row["change_id"]
            try deleteChange.execute(arguments: [change, change])
            changes += db.changesCount
        }
        try db.cachedStatement(sql: """
            INSERT INTO sync_destination (name, pruned_through) VALUES (?, ?)
            ON CONFLICT (name) DO UPDATE SET pruned_through = max(pruned_through, excluded.pruned_through)
            """).execute(arguments: [destination, last])
        return PruneResult(outboxRows: deletedRows, changes: changes)
    }
}

import Foundation
import GRDB
import Registry

/// The state of one destination's queue (`renfang queue status`).
public struct DestinationStatus: Sendable, Hashable, Codable {
    /// The destination.
    public var destination: String
    /// Items waiting to be sent.
    public var pending: Int
    /// Priority items (alerts) among them.
    public var pendingPriority: Int
    /// When the oldest pending item was queued (ms since 1970), if any.
    public var oldestPendingAtMillis: Int64?
    /// Items delivered and still kept (acknowledged rows older than the retention period are pruned).
    public var delivered: Int
    /// Items in quarantine.
    public var quarantined: Int
    /// The next sequence number to assign.
    public var nextSeq: Int64
    /// The last answered batch (ms since 1970).
    public var lastSuccessAtMillis: Int64?
    /// The last failure (ms since 1970) and its text.
    public var lastErrorAtMillis: Int64?
    /// The text of the last failure.
    public var lastError: String?
    /// Failed attempts since the last success.
    public var consecutiveFailures: Int
    /// The last reconciliation (ms since 1970) and its result, as JSON text.
    public var reconciledAtMillis: Int64?
    /// The result of the last reconciliation.
    public var reconciliation: ReconciliationResult?
    /// The highest sequence number pruned (every row up to it was acknowledged and has been deleted), or
    /// nil when nothing was pruned yet.
    public var prunedThrough: Int64?

    /// Age of the oldest pending item at `now`, in seconds.
    public func oldestAge(at now: Date) -> Double? {
        oldestPendingAtMillis.map { max(0, now.timeIntervalSince1970 - Double($0) / 1000) }
    }
}

extension Outbox {
    /// The status of every destination that has queued rows or is in `configured` (in that order first).
    public func status(configured: [String] = []) async throws -> [DestinationStatus] {
        try await database.readOffPool { db in try Self.status(db, configured: configured) }
    }

    static func status(_ db: Database, configured: [String]) throws -> [DestinationStatus] {
        var names = configured
        for name in try String.fetchAll(db, sql: "SELECT name FROM sync_destination ORDER BY name") where !names.contains(name) {
            names.append(name)
        }
        return try names.map { name in
            let counts = try Row.fetchOne(db, sql: """
                SELECT
                  (SELECT count(*) FROM sync_outbox WHERE destination = :d AND state = 0) AS pending,
                  (SELECT count(*) FROM sync_outbox WHERE destination = :d AND state = 0 AND priority > 0) AS pending_priority,
                  (SELECT min(enqueued_at) FROM sync_outbox WHERE destination = :d AND state = 0) AS oldest,
                  (SELECT count(*) FROM sync_outbox WHERE destination = :d AND state = 1) AS delivered,
                  (SELECT count(*) FROM sync_outbox WHERE destination = :d AND state = 2) AS quarantined
                """, arguments: ["d": name])!
            let row = try Row.fetchOne(db, sql: "SELECT * FROM sync_destination WHERE name = ?", arguments: [name])
            let reconciliationText: String? = row?["reconciliation"]
            return DestinationStatus(
                destination: name, pending: counts["pending"], pendingPriority: counts["pending_priority"],
                oldestPendingAtMillis: counts["oldest"], delivered: counts["delivered"], quarantined: counts["quarantined"],
                nextSeq: row?["next_seq"] ?? 1, lastSuccessAtMillis: row?["last_success_at"],
                lastErrorAtMillis: row?["last_error_at"], lastError: row?["last_error"],
                consecutiveFailures: row?["consecutive_failures"] ?? 0, reconciledAtMillis: row?["reconciled_at"],
                reconciliation: reconciliationText.flatMap { try? JSONDecoder().decode(ReconciliationResult.self, from: Data($0.utf8)) },
                prunedThrough: (row?["pruned_through"] as Int64?).flatMap { $0 > 0 ? $0 : nil })
        }
    }

    /// Number of pending items of `destination` (for the metrics gauge).
    public func pendingCount(_ destination: String) async throws -> Int {
        try await database.readOffPool { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM sync_outbox WHERE destination = ? AND state = 0", arguments: [destination]) ?? 0
        }
    }

    /// Checks the queue's invariants; returns the problems found (empty when consistent): every change
    /// has an outbox row per routed destination at most once; sequence numbers of a destination run
    /// pruned_through+1…next_seq−1 without gaps or duplicates (1…next_seq−1 before any pruning);
    /// delivered rows have a digest and a receipt.
    public func consistencyProblems() async throws -> [String] {
        try await database.readOffPool { db in
            var problems: [String] = []
            for row in try Row.fetchAll(db, sql: """
                SELECT d.name, d.next_seq, d.pruned_through, count(o.seq) AS n, coalesce(min(o.seq), 0) AS lo,
                       coalesce(max(o.seq), 0) AS hi
                FROM sync_destination d LEFT JOIN sync_outbox o ON o.destination = d.name GROUP BY d.name
                """) {
                let name: String = row["name"], next: Int64 = row["next_seq"], n: Int64 = row["n"]
                let lo: Int64 = row["lo"], hi: Int64 = row["hi"], pruned: Int64 = row["pruned_through"]
                if n != next - 1 - pruned || (n > 0 && (lo != pruned + 1 || hi != next - 1)) {
                    problems.append("\(name): \(n) rows, seq \(lo)…\(hi), next_seq \(next), pruned through \(pruned)")
                }
            }
            let doubled = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM (SELECT change_id, destination FROM sync_outbox GROUP BY change_id, destination HAVING count(*) > 1)
                """) ?? 0
            if doubled > 0 { problems.append("\(doubled) changes queued twice for one destination") }
            let orphans = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM sync_change c WHERE NOT EXISTS (SELECT 1 FROM sync_outbox o WHERE o.change_id = c.id)
                """) ?? 0
            if orphans > 0 { problems.append("\(orphans) changes without an outbox row") }
            let undigested = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM sync_outbox WHERE state = 1 AND (payload_digest IS NULL OR receipt IS NULL)
                """) ?? 0
            if undigested > 0 { problems.append("\(undigested) delivered rows without digest or receipt") }
            return problems
        }
    }
}

/// The audit detail of a queue action: the destination, which items, how many.
public enum QueueAudit {
    /// `destination=bureau seqs=all requeued=3` (or the first sequence numbers asked for).
    public static func detail(destination: String, seqs: [Int64]?, count: Int) -> String {
        let which = seqs.map { $0.prefix(20).map(String.init).joined(separator: ",") + ($0.count > 20 ? ",…" : "") } ?? "all"
        return "destination=\(destination.prefix(64)) seqs=\(which) requeued=\(count)"
    }
}

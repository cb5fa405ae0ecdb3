import Foundation
import GRDB
import Registry

/// One queued record for one destination, as read from disk for sending.
public struct OutboxItem: Sendable, Hashable {
    /// The destination.
    public var destination: String
    /// The destination's sequence number.
    public var seq: Int64
    /// The envelope id (the same at every destination).
    public var envelopeId: UUID
    /// What kind of record (``RecordKind`` raw value).
    public var kind: String
    /// The record's UUID.
    public var recordUUID: UUID
    /// 1 新增, 2 修改, 3 注销.
    public var operation: Int
    /// The register action (`person.registerFromCard`).
    public var action: String
    /// When the change was committed (ms since 1970).
    public var occurredAtMillis: Int64
    /// The row snapshot (see ``RegisterStore/recordSnapshot(kind:rowId:in:)``).
    public var snapshot: Data
    /// 1 for priority kinds (alerts).
    public var priority: Int
    /// Attempts so far.
    public var attempts: Int
}

/// What a destination said about one item of a batch.
public enum ItemOutcome: Sendable, Hashable {
    /// Stored by the server.
    case accepted
    /// The server already had it (an earlier delivery whose answer was lost): counts as delivered.
    case duplicate
    /// Refused. A permanent refusal sends the item to quarantine; a transient one leaves it queued.
    case rejected(code: String, message: String, permanent: Bool)
}

/// The outbox of the register's database: pages of pending items, receipts, quarantine, re-drive.
/// Every method is one transaction (or one read).
public struct Outbox: Sendable {
    /// The register's database.
    public let database: DatabasePool
    let clock: @Sendable () -> Date

    /// The outbox in `database` (migrated with ``SyncSchema/migrate(_:)``).
    public init(database: DatabasePool, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.clock = clock
    }

    var nowMillis: Int64 { Int64((clock().timeIntervalSince1970 * 1000).rounded()) }

    /// The next `limit` pending items of `destination`: priority first, then by sequence number.
    /// Quarantined and delivered items are never returned; memory is bounded by `limit`.
    public func pending(_ destination: String, limit: Int) async throws -> [OutboxItem] {
        try await pending(destination, after: nil, limit: limit)
    }

    /// The next `limit` pending items of `destination` that come after `cursor` (priority, seq) in
    /// sending order (all of them when `cursor` is nil).
    public func pending(_ destination: String, after cursor: (priority: Int, seq: Int64)?, limit: Int) async throws -> [OutboxItem] {
        try await database.readOffPool { db in try Self.pending(db, destination, after: cursor, limit: limit) }
    }

    static func pending(_ db: Database, _ destination: String, after cursor: (priority: Int, seq: Int64)?, limit: Int) throws -> [OutboxItem] {
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT o.seq, o.priority, o.attempts, c.uuid, c.kind, c.record_uuid, c.operation, c.action, c.occurred_at, c.snapshot
            FROM sync_outbox o JOIN sync_change c ON c.id = o.change_id
            WHERE o.destination = ?1 AND o.state = 0
              AND (?2 IS NULL OR o.priority < ?2 OR (o.priority = ?2 AND o.seq > ?3))
            ORDER BY o.priority DESC, o.seq
            LIMIT ?4
            """), arguments: [destination, cursor?.priority, cursor?.seq ?? 0, limit])
        return rows.map { row in
            OutboxItem(
                destination: destination, seq: row["seq"], envelopeId: UUID(uuidString: row["uuid"]) ?? UUID(),
                kind: row["kind"], recordUUID: UUID(uuidString: row["record_uuid"]) ?? UUID(),
                operation: row["operation"], action: row["action"], occurredAtMillis: row["occurred_at"],
                snapshot: row["snapshot"], priority: row["priority"], attempts: row["attempts"])
        }
    }

    /// Applies the receipts of one batch in one transaction: accepted and duplicate items are delivered
    /// (with the digest that was sent), permanently rejected ones quarantined with an alarm, transiently
    /// rejected ones stay queued. Items of the batch without a receipt stay queued. Returns the counts.
    @discardableResult
    public func apply(_ destination: String, receipts: [(seq: Int64, digest: String, outcome: ItemOutcome)]) async throws
        -> ReceiptCounts
    {
        let now = nowMillis
        return try await database.write { db in
            var counts = ReceiptCounts()
            for receipt in receipts {
                switch receipt.outcome {
                case .accepted, .duplicate:
                    let duplicate = receipt.outcome == .duplicate
                    try db.cachedStatement(sql: """
                        UPDATE sync_outbox SET state = 1, delivered_at = ?, receipt = ?, payload_digest = ?, attempts = attempts + 1,
                            error_code = NULL, error_message = NULL
                        WHERE destination = ? AND seq = ? AND state = 0
                        """).execute(arguments: [now, duplicate ? "duplicate" : "accepted", receipt.digest, destination, receipt.seq])
                    if db.changesCount > 0 { if duplicate { counts.duplicate += 1 } else { counts.accepted += 1 } }
                case let .rejected(code, message, permanent):
                    try db.cachedStatement(sql: """
                        UPDATE sync_outbox SET state = ?, attempts = attempts + 1, error_code = ?, error_message = ?, payload_digest = ?
                        WHERE destination = ? AND seq = ? AND state = 0
                        """).execute(arguments: [permanent ? 2 : 0, code, String(message.prefix(500)), receipt.digest, destination, receipt.seq])
                    if permanent {
                        counts.quarantined += 1
                        try Alarms.raise(db, at: now, destination: destination, code: "sync.quarantine",
                                         message: "\(destination) 永久拒收第 \(receipt.seq) 条记录（\(code)），已移入隔离区；处理后可用 renfang queue redrive 重发")
                    } else {
                        counts.transient += 1
                    }
                }
            }
            try db.cachedStatement(sql: """
                INSERT INTO sync_destination (name, last_attempt_at, last_success_at, consecutive_failures) VALUES (?, ?, ?, 0)
                ON CONFLICT (name) DO UPDATE SET last_attempt_at = excluded.last_attempt_at,
                    last_success_at = excluded.last_success_at, consecutive_failures = 0
                """).execute(arguments: [destination, now, now])
            return counts
        }
    }

    /// Records a failed attempt (the whole batch stays queued).
    public func recordFailure(_ destination: String, error: String) async throws {
        let now = nowMillis
        try await database.write { db in
            try db.execute(sql: """
                INSERT INTO sync_destination (name, last_attempt_at, last_error_at, last_error, consecutive_failures) VALUES (?, ?, ?, ?, 1)
                ON CONFLICT (name) DO UPDATE SET last_attempt_at = excluded.last_attempt_at, last_error_at = excluded.last_error_at,
                    last_error = excluded.last_error, consecutive_failures = consecutive_failures + 1
                """, arguments: [destination, now, now, String(error.prefix(500))])
        }
    }

    /// Puts quarantined items of `destination` back in the queue (all of them, or only `seqs`), keeping
    /// their sequence numbers; clears the quarantine alarm when none is left. `audit` runs in the same
    /// transaction with the number re-queued (the operator's audit entry, ``RegisterStore/appendQueueAudit``).
    /// Returns how many.
    @discardableResult
    public func redrive(_ destination: String, seqs: [Int64]? = nil,
                        audit: (@Sendable (Database, Int) throws -> Void)? = nil) async throws -> Int {
        let now = nowMillis
        return try await database.write { db in
            var count = 0
            if let seqs {
                for seq in seqs {
                    try db.execute(sql: """
                        UPDATE sync_outbox SET state = 0, error_code = NULL, error_message = NULL
                        WHERE destination = ? AND seq = ? AND state = 2
                        """, arguments: [destination, seq])
                    count += db.changesCount
                }
            } else {
                try db.execute(sql: """
                    UPDATE sync_outbox SET state = 0, error_code = NULL, error_message = NULL WHERE destination = ? AND state = 2
                    """, arguments: [destination])
                count = db.changesCount
            }
            let left = try Int.fetchOne(db, sql: "SELECT count(*) FROM sync_outbox WHERE destination = ? AND state = 2",
                                        arguments: [destination]) ?? 0
            if left == 0 { try Alarms.clear(db, at: now, destination: destination, code: "sync.quarantine") }
            try audit?(db, count)
            return count
        }
    }

    /// Puts delivered items of `destination` whose sequence numbers fall in `ranges` back in the queue
    /// (the server says it does not hold them); returns their sequence numbers.
    /// Only items delivered before `deliveredBefore` (ms since 1970) when given: an answer cannot speak
    /// for items whose receipts came in after it was sent.
    public func requeueDelivered(_ destination: String, ranges: [(from: Int64, to: Int64)],
                                 deliveredBefore: Int64? = nil) async throws -> [Int64] {
        guard !ranges.isEmpty else { return [] }
        return try await database.write { db in
            try Self.requeueDelivered(db, destination, ranges: ranges, deliveredBefore: deliveredBefore)
        }
    }

    static func requeueDelivered(_ db: Database, _ destination: String, ranges: [(from: Int64, to: Int64)],
                                 deliveredBefore: Int64? = nil) throws -> [Int64] {
        var seqs: [Int64] = []
        for range in ranges {
            let found = try Int64.fetchAll(db, sql: """
                SELECT seq FROM sync_outbox WHERE destination = ? AND state = 1 AND seq BETWEEN ? AND ?
                  AND (? IS NULL OR delivered_at < ?) ORDER BY seq
                """, arguments: [destination, range.from, range.to, deliveredBefore, deliveredBefore])
            for seq in found {
                try db.execute(sql: "UPDATE sync_outbox SET state = 0, receipt = NULL, delivered_at = NULL WHERE destination = ? AND seq = ?",
                               arguments: [destination, seq])
            }
            seqs += found
        }
        return seqs
    }

    /// The quarantined items of `destination` (sequence number, kind, record UUID, error), oldest first.
    public func quarantined(_ destination: String, limit: Int = 100) async throws -> [QuarantinedItem] {
        try await database.readOffPool { db in
            try Row.fetchAll(db, sql: """
                SELECT o.seq, c.kind, c.record_uuid, o.error_code, o.error_message, o.attempts
                FROM sync_outbox o JOIN sync_change c ON c.id = o.change_id
                WHERE o.destination = ? AND o.state = 2 ORDER BY o.seq LIMIT ?
                """, arguments: [destination, limit]).map { row in
                QuarantinedItem(seq: row["seq"], kind: row["kind"], recordUUID: row["record_uuid"],
                                errorCode: row["error_code"] ?? "", errorMessage: row["error_message"] ?? "",
                                attempts: row["attempts"])
            }
        }
    }
}

/// Counts of one batch's receipts.
public struct ReceiptCounts: Sendable, Hashable {
    /// Newly stored by the server.
    public var accepted = 0
    /// Already held by the server.
    public var duplicate = 0
    /// Moved to quarantine.
    public var quarantined = 0
    /// Refused for now; still queued.
    public var transient = 0
}

/// An item in quarantine.
public struct QuarantinedItem: Sendable, Hashable, Codable {
    /// The destination's sequence number.
    public var seq: Int64
    /// The record kind.
    public var kind: String
    /// The record's UUID.
    public var recordUUID: String
    /// The server's rejection code.
    public var errorCode: String
    /// The server's message.
    public var errorMessage: String
    /// Attempts made.
    public var attempts: Int
}

import Foundation
import GRDB
import Registry
import SyncProtocol

extension Uplink {
    /// Reconciles the delivered range of this destination: from 1 (or just after the pruned prefix, or the
    /// last `maxReconcileSpan` numbers) up to just before the first pending item. The appliance's count and ``RangeDigest`` over
    /// its delivered items are sent; the server answers with its own and the sequence numbers it lacks,
    /// which are put back in the queue (state pending) to be sent again. When the answer does not match
    /// and nothing is missing, the range is bisected (at most 64 more requests) to name the sequence
    /// numbers whose contents differ, and the `sync.reconciliation` alarm is raised. The result is stored
    /// for `renfang queue status`.
    @discardableResult
    public func reconcile() async throws -> ReconciliationResult? {
        let name = destination.name
        let bounds = try await outbox.database.readOffPool { db -> (from: Int64, to: Int64)? in
            let firstPending = try Int64.fetchOne(db, sql: "SELECT min(seq) FROM sync_outbox WHERE destination = ? AND state = 0", arguments: [name])
            let maxSeq = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM sync_outbox WHERE destination = ?", arguments: [name]) ?? 0
            let to = firstPending.map { $0 - 1 } ?? maxSeq
            // Rows up to pruned_through were pruned (acknowledged long ago): the range starts after them.
            let pruned = try Int64.fetchOne(db, sql: "SELECT pruned_through FROM sync_destination WHERE name = ?", arguments: [name]) ?? 0
            let from = max(1, pruned + 1, to - SyncLimits.maxReconcileSpan + 1)
            guard to >= from else { return nil }
            return (from, to)
        }
        guard let bounds else { return nil }
        let (local, answer) = try await check(bounds.from, bounds.to)
        var budget = 64
        let differing = !answer.match && answer.missing.isEmpty ? try await bisect(bounds.from, bounds.to, budget: &budget) : []
        let now = Int64(clock().timeIntervalSince1970 * 1000)
        let result = try await outbox.database.write { db -> ReconciliationResult in
            let missing = try Outbox.requeueDelivered(db, name, ranges: answer.missing.map { ($0.from, $0.to) })
            let result = ReconciliationResult(
                fromSeq: bounds.from, toSeq: bounds.to, localCount: Int(local.count), remoteCount: Int(answer.count),
                matched: answer.match, missing: missing, unexpected: differing)
            let text = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
            try db.execute(sql: """
                INSERT INTO sync_destination (name, reconciled_at, reconciliation) VALUES (?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET reconciled_at = excluded.reconciled_at, reconciliation = excluded.reconciliation
                """, arguments: [name, now, text])
            if answer.match || !missing.isEmpty {
                try Alarms.clear(db, at: now, destination: name, code: "sync.reconciliation")
            } else {
                let seqs = differing.prefix(10).map(String.init).joined(separator: ", ")
                try Alarms.raise(db, at: now, destination: name, code: "sync.reconciliation",
                                 message: "\(name) 对账不一致（\(bounds.from)…\(bounds.to)：本机 \(local.count) 条，对方 \(answer.count) 条）"
                                     + (differing.isEmpty ? "，且对方未列出缺失记录" : "，内容不同的序号：\(seqs)"))
            }
            return result
        }
        if !result.missing.isEmpty { signal.notify() }
        SyncMetrics.reconciliation(name, matched: result.matched, missing: result.missing.count)
        logger.info("sync.reconcile", metadata: ["from": "\(result.fromSeq)", "to": "\(result.toSeq)", "matched": "\(result.matched)",
                                                 "requeued": "\(result.missing.count)", "differing": "\(differing.count)"])
        return result
    }

    /// The appliance's count and digest of `from…to`, and the server's answer to them.
    func check(_ from: Int64, _ to: Int64) async throws -> (local: RangeDigest, answer: ReconcileResponse) {
        let name = destination.name
        let local = try await outbox.database.readOffPool { db -> RangeDigest in
            var digest = RangeDigest()
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT o.seq, c.uuid, o.payload_digest FROM sync_outbox o JOIN sync_change c ON c.id = o.change_id
                WHERE o.destination = ? AND o.state = 1 AND o.seq BETWEEN ? AND ? ORDER BY o.seq
                """, arguments: [name, from, to])
            while let row = try cursor.next() {
                digest.add(seq: row[0], id: row[1], payloadDigest: row[2] ?? "")
            }
            return digest
        }
        let body = try JSONEncoder().encode(ReconcileRequest(applianceId: applianceId, from: from, to: to,
                                                             count: local.count, digest: local.hex))
        let response = try await transport.perform(UpstreamRequest(method: "POST", path: SyncPaths.reconcile, body: body))
        guard response.status == 200 else { throw SyncError(.badResponse, "对账 HTTP \(response.status)") }
        do {
            return (local, try JSONDecoder().decode(ReconcileResponse.self, from: response.body))
        } catch {
            throw SyncError(.badResponse, "对账应答无法解析：\(error)")
        }
    }

    /// The sequence numbers of `from…to` whose contents differ, by halving the range while it does not
    /// match; stops when `budget` requests are spent.
    func bisect(_ from: Int64, _ to: Int64, budget: inout Int) async throws -> [Int64] {
        guard budget > 0 else { return [] }
        budget -= 1
        let (_, answer) = try await check(from, to)
        if answer.match { return [] }
        if from == to { return [from] }
        let middle = from + (to - from) / 2
        let low = try await bisect(from, middle, budget: &budget)
        return low + (try await bisect(middle + 1, to, budget: &budget))
    }
}

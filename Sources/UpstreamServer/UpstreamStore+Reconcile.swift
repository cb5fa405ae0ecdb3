import Foundation
import GRDB
import SyncProtocol

extension UpstreamStore {
    /// Counts and digests the records held for the request's range, compares with the appliance's, and
    /// names the seqs never received (permanently rejected ones are not missing).
    public func reconcile(_ request: ReconcileRequest) throws -> ReconcileResponse {
        try queue.read { db in
            var digest = RangeDigest()
            let rows = try Row.fetchCursor(db, sql: """
                SELECT seq, id, payload_digest FROM records WHERE appliance_id = ? AND seq BETWEEN ? AND ? ORDER BY seq
                """, arguments: [request.applianceId, request.from, request.to])
            while let row = try rows.next() {
                digest.add(seq: row[0], id: row[1], payloadDigest: row[2])
            }
            var missing: [SeqRange] = []
            var truncated = false
            var expected = request.from
            func gap(upTo last: Int64) {
                guard last >= expected else { return }
                if missing.count < SyncLimits.maxMissingRanges { missing.append(SeqRange(from: expected, to: last)) } else { truncated = true }
            }
            let seqs = try Int64.fetchCursor(db, sql: """
                SELECT seq FROM records WHERE appliance_id = ?1 AND seq BETWEEN ?2 AND ?3
                UNION SELECT seq FROM rejections WHERE appliance_id = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq
                """, arguments: [request.applianceId, request.from, request.to])
            while let seq = try seqs.next() {
                gap(upTo: seq - 1)
                expected = seq + 1
            }
            gap(upTo: request.to)
            let hex = digest.hex
            return ReconcileResponse(from: request.from, to: request.to, count: digest.count, digest: hex,
                                     match: digest.count == request.count && hex == request.digest,
                                     missing: missing, missingTruncated: truncated)
        }
    }

    /// Deletes the record of `applianceId` with sequence number `seq` (tests plant gaps with it).
    @discardableResult
    public func forget(applianceId: String, seq: Int64) throws -> Bool {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM records WHERE appliance_id = ? AND seq = ?", arguments: [applianceId, seq])
            let changed = db.changesCount > 0
            try db.execute(sql: "UPDATE streams SET contiguous = min(contiguous, ?) WHERE appliance_id = ?", arguments: [seq - 1, applianceId])
            return changed
        }
    }
}

import Foundation
import GRDB
import SyncProtocol

extension UpstreamStore {
    /// Stores the records of a verified batch in one transaction and returns the receipts: dedup by record
    /// id, conflicts on id or seq, per-record validation, `rejectKinds` refused permanently, then the
    /// stream's highest seq and missing ranges.
    ///
    /// `records` are the elements of the batch's `records` array as received, so a malformed one is a
    /// rejected receipt, not a refused batch.
    public func receive(batchId: String, applianceId: String, records: [JSONValue], rejectKinds: Set<String> = []) throws -> BatchResponse {
        try queue.write { db in
            let now = SyncTime.string(Date())
            var receipts: [Receipt] = []
            for element in records {
                let receipt = try Self.receiveOne(db, element, batchId: batchId, applianceId: applianceId, rejectKinds: rejectKinds, now: now)
                receipts.append(receipt)
            }
            try db.execute(
                sql: "INSERT INTO batches (batch_id, appliance_id, received_at, accepted, duplicates, rejected) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [batchId, applianceId, now, receipts.count { $0.status == .accepted },
                            receipts.count { $0.status == .duplicate }, receipts.count { $0.status == .rejected }])
            let (highest, missing, truncated) = try Self.advanceStream(db, applianceId: applianceId)
            return BatchResponse(batchId: batchId, receipts: receipts, highestSeq: highest, missing: missing, missingTruncated: truncated)
        }
    }

    static func receiveOne(_ db: Database, _ element: JSONValue, batchId: String, applianceId: String,
                           rejectKinds: Set<String>, now: String) throws -> Receipt {
        let id = element["id"]?.stringValue ?? ""
        let seq = element["seq"]?.integerValue
        guard let record = try? JSONDecoder().decode(SyncRecord.self, from: CanonicalJSON.data(element)) else {
            return .rejected(id: id, seq: seq, SyncProtocolError(.recordMalformed, "the element is not a record envelope"))
        }
        do {
            try record.validate(applianceId: applianceId)
        } catch {
            if record.seq >= 1, error.code != .recordAppliance { try reject(db, record, error, now: now) }
            return .rejected(id: id, seq: seq, error)
        }
        if rejectKinds.contains(record.kind) {
            let error = SyncProtocolError(.kindRefused, "kind \(record.kind) is not taken here")
            try reject(db, record, error, now: now)
            return .rejected(id: id, seq: seq, error)
        }
        if let row = try Row.fetchOne(db, sql: "SELECT appliance_id, seq, payload_digest FROM records WHERE id = ?", arguments: [record.id]) {
            if row["appliance_id"] == record.applianceId, row["seq"] == record.seq, row["payload_digest"] == record.payloadDigest {
                return .duplicate(record)
            }
            return .rejected(id: id, seq: seq, SyncProtocolError(.recordConflict, "record id already held with another seq or payload"))
        }
        if let holder = try String.fetchOne(db, sql: "SELECT id FROM records WHERE appliance_id = ? AND seq = ?",
                                            arguments: [record.applianceId, record.seq]) {
            return .rejected(id: id, seq: seq, SyncProtocolError(.recordConflict, "seq \(record.seq) already held by record \(holder)"))
        }
        try db.execute(
            sql: """
                INSERT INTO records (id, appliance_id, seq, kind, operation, source, occurred_at, payload, payload_digest, batch_id, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [record.id, record.applianceId, record.seq, record.kind, record.operation.rawValue, record.source.rawValue,
                        record.occurredAt, CanonicalJSON.string(record.payload), record.payloadDigest, batchId, now])
        try db.execute(sql: "DELETE FROM rejections WHERE appliance_id = ? AND seq = ?", arguments: [record.applianceId, record.seq])
        return .accepted(record)
    }

    /// Remembers a permanent rejection so that its seq is not reported missing.
    static func reject(_ db: Database, _ record: SyncRecord, _ error: SyncProtocolError, now: String) throws {
        guard error.isPermanent else { return }
        let held = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM records WHERE appliance_id = ? AND seq = ?)",
                                     arguments: [record.applianceId, record.seq]) ?? false
        guard !held else { return }
        try db.execute(
            sql: "INSERT OR REPLACE INTO rejections (appliance_id, seq, record_id, code, message, at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [record.applianceId, record.seq, record.id, error.code.rawValue, error.message, now])
    }

    /// Moves the appliance's contiguous mark over every seq now seen and lists the gaps above it.
    static func advanceStream(_ db: Database, applianceId: String) throws -> (Int64, [SeqRange], Bool) {
        let row = try Row.fetchOne(db, sql: "SELECT contiguous, highest FROM streams WHERE appliance_id = ?", arguments: [applianceId])
        var contiguous: Int64 = row?["contiguous"] ?? 0
        var highest: Int64 = row?["highest"] ?? 0
        var missing: [SeqRange] = []
        var truncated = false
        var expected = contiguous + 1
        var inGaps = false
        let seqs = try Int64.fetchCursor(db, sql: """
            SELECT seq FROM records WHERE appliance_id = ?1 AND seq > ?2
            UNION SELECT seq FROM rejections WHERE appliance_id = ?1 AND seq > ?2 ORDER BY seq
            """, arguments: [applianceId, contiguous])
        while let seq = try seqs.next() {
            highest = max(highest, seq)
            if seq > expected {
                inGaps = true
                if missing.count < SyncLimits.maxMissingRanges { missing.append(SeqRange(from: expected, to: seq - 1)) } else { truncated = true }
            }
            if !inGaps { contiguous = seq }
            expected = seq + 1
        }
        try db.execute(sql: "INSERT OR REPLACE INTO streams (appliance_id, contiguous, highest) VALUES (?, ?, ?)",
                       arguments: [applianceId, contiguous, highest])
        return (highest, missing, truncated)
    }
}

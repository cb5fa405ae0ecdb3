import Foundation
import GRDB
import SyncProtocol

extension UpstreamStore {
    /// One held record, as `dump` lists it.
    public struct HeldRecord: Sendable, Hashable {
        /// Record id.
        public var id: String
        /// Appliance.
        public var applianceId: String
        /// Sequence number.
        public var seq: Int64
        /// Kind.
        public var kind: String
        /// Operation (1, 2, 3).
        public var operation: Int
        /// Payload digest.
        public var payloadDigest: String
    }

    /// Every held record, by appliance then seq (optionally of one appliance).
    public func records(applianceId: String? = nil) throws -> [HeldRecord] {
        try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, appliance_id, seq, kind, operation, payload_digest FROM records
                WHERE ?1 IS NULL OR appliance_id = ?1 ORDER BY appliance_id, seq
                """, arguments: [applianceId]).map {
                HeldRecord(id: $0["id"], applianceId: $0["appliance_id"], seq: $0["seq"], kind: $0["kind"],
                           operation: $0["operation"], payloadDigest: $0["payload_digest"])
            }
        }
    }

    /// A text listing of everything held: appliances, streams, records, rejections, inbox.
    public func dump(applianceId: String? = nil) throws -> String {
        try queue.read { db in
            var lines: [String] = []
            for row in try Row.fetchAll(db, sql: "SELECT id, key_id FROM appliances WHERE ?1 IS NULL OR id = ?1 ORDER BY id", arguments: [applianceId]) {
                lines.append("appliance \(row["id"] as String) key=\((row["key_id"] as String).prefix(16))")
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT s.appliance_id, s.contiguous, s.highest, (SELECT count(*) FROM records r WHERE r.appliance_id = s.appliance_id) AS held,
                       (SELECT count(*) FROM rejections j WHERE j.appliance_id = s.appliance_id) AS rejected
                FROM streams s WHERE ?1 IS NULL OR s.appliance_id = ?1 ORDER BY s.appliance_id
                """, arguments: [applianceId]) {
                lines.append("stream \(row["appliance_id"] as String) held=\(row["held"] as Int64) rejected=\(row["rejected"] as Int64) contiguous=\(row["contiguous"] as Int64) highest=\(row["highest"] as Int64)")
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT appliance_id, seq, id, kind, operation, payload_digest, received_at FROM records
                WHERE ?1 IS NULL OR appliance_id = ?1 ORDER BY appliance_id, seq
                """, arguments: [applianceId]) {
                lines.append("record \(row["appliance_id"] as String) seq=\(row["seq"] as Int64) id=\(row["id"] as String) kind=\(row["kind"] as String) op=\(row["operation"] as Int) digest=\((row["payload_digest"] as String).prefix(16)) received=\(row["received_at"] as String)")
            }
            for feedback in try Self.caseFeedback(db, applianceId: applianceId) {
                lines.append("feedback \(feedback.applianceId) case=\(feedback.caseNo) outcome=\(feedback.outcome)"
                             + (feedback.reason.map { " reason=\($0)" } ?? "") + " unit=\(feedback.unit) record=\(feedback.recordId)")
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM rejections WHERE ?1 IS NULL OR appliance_id = ?1 ORDER BY appliance_id, seq", arguments: [applianceId]) {
                lines.append("rejected \(row["appliance_id"] as String) seq=\(row["seq"] as Int64) id=\(row["record_id"] as String) code=\(row["code"] as String)")
            }
            for row in try Row.fetchAll(db, sql: "SELECT cursor, id, appliance_id, kind, created_at FROM inbox ORDER BY cursor") {
                lines.append("inbox cursor=\(row["cursor"] as Int64) id=\(row["id"] as String) to=\((row["appliance_id"] as String?) ?? "*") kind=\(row["kind"] as String) created=\(row["created_at"] as String)")
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM inbox_acks ORDER BY appliance_id") {
                lines.append("acknowledged \(row["appliance_id"] as String) upTo=\(row["acknowledged"] as Int64)")
            }
            return lines.joined(separator: "\n")
        }
    }

    /// A case feedback (协查反馈) received: a `case_feedback` record, by the case it answers.
    public struct ReceivedFeedback: Sendable, Hashable {
        /// The record id.
        public var recordId: String
        /// The appliance that answered.
        public var applianceId: String
        /// The case number the feedback answers.
        public var caseNo: String
        /// The outcome (`notFound`, `consistent`, `reRegistered`, `residentConsistent`, `residentReRegistered`).
        public var outcome: String
        /// 查无此人原因, when notFound.
        public var reason: String?
        /// The requesting unit.
        public var unit: String
        /// The whole payload (canonical JSON).
        public var payload: String
    }

    /// The case feedback records held (kind `case_feedback`), by appliance then seq.
    public func caseFeedback(applianceId: String? = nil) throws -> [ReceivedFeedback] {
        try queue.read { db in try Self.caseFeedback(db, applianceId: applianceId) }
    }

    static func caseFeedback(_ db: Database, applianceId: String?) throws -> [ReceivedFeedback] {
        try Row.fetchAll(db, sql: """
            SELECT id, appliance_id, payload, json_extract(payload, '$.case_no') AS case_no,
                   json_extract(payload, '$.outcome') AS outcome, json_extract(payload, '$.not_found_reason') AS reason,
                   json_extract(payload, '$.requesting_unit') AS unit
            FROM records WHERE kind = 'case_feedback' AND (?1 IS NULL OR appliance_id = ?1) ORDER BY appliance_id, seq
            """, arguments: [applianceId]).map {
            ReceivedFeedback(recordId: $0["id"], applianceId: $0["appliance_id"], caseNo: $0["case_no"] ?? "",
                             outcome: $0["outcome"] ?? "", reason: $0["reason"], unit: $0["unit"] ?? "", payload: $0["payload"])
        }
    }
}

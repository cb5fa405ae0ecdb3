import Foundation
import GRDB
import SyncProtocol

extension UpstreamStore {
    /// Queues a message for `applianceId` (`nil`: every appliance); returns its cursor.
    @discardableResult
    public func push(kind: InboxMessage.Kind, body: JSONValue, applianceId: String? = nil) throws -> Int64 {
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO inbox (id, appliance_id, kind, created_at, body) VALUES (?, ?, ?, ?, ?)",
                arguments: [UUID().uuidString.lowercased(), applianceId, kind.rawValue, SyncTime.string(Date()), CanonicalJSON.string(body)])
            return db.lastInsertedRowID
        }
    }

    /// The messages for `applianceId` after `after` (default: its acknowledged cursor), at most `limit`.
    public func inboxPage(applianceId: String, after: Int64?, limit: Int) throws -> InboxPage {
        try queue.read { db in
            let start = try after ?? (Int64.fetchOne(db, sql: "SELECT acknowledged FROM inbox_acks WHERE appliance_id = ?", arguments: [applianceId]) ?? 0)
            let rows = try Row.fetchAll(db, sql: """
                SELECT cursor, id, kind, created_at, body FROM inbox
                WHERE cursor > ? AND (appliance_id IS NULL OR appliance_id = ?) ORDER BY cursor LIMIT ?
                """, arguments: [start, applianceId, limit + 1])
            let messages = try rows.prefix(limit).map { row in
                InboxMessage(cursor: row["cursor"], id: row["id"], kind: .init(rawValue: row["kind"]), createdAt: row["created_at"],
                             body: try CanonicalJSON.parse(Data((row["body"] as String).utf8)))
            }
            return InboxPage(messages: messages, next: messages.last?.cursor ?? start, more: rows.count > limit)
        }
    }

    /// Records that the appliance stored everything up to `upTo`; the mark never goes back.
    public func acknowledge(_ ack: InboxAck) throws -> InboxAckResponse {
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO inbox_acks (appliance_id, acknowledged) VALUES (?1, ?2)
                ON CONFLICT (appliance_id) DO UPDATE SET acknowledged = max(acknowledged, ?2)
                """, arguments: [ack.applianceId, ack.upTo])
            return InboxAckResponse(acknowledged: try Int64.fetchOne(db, sql: "SELECT acknowledged FROM inbox_acks WHERE appliance_id = ?",
                                                                     arguments: [ack.applianceId]) ?? 0)
        }
    }
}

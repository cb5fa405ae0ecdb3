import Foundation
import GRDB
import Registry
import SyncProtocol

extension Uplink {
    /// Pulls the inbox of this destination from the stored cursor: each page is stored (`sync_inbox`,
    /// with the new cursor, in one transaction) before it is acknowledged, so a crash between the two
    /// only means the page is fetched again (messages are unique per destination and id). Returns the
    /// number of new messages stored.
    @discardableResult
    public func pullInbox(pageLimit: Int = SyncLimits.maxInboxPage) async throws -> Int {
        let name = destination.name
        var stored = 0
        while true {
            let cursor = try await outbox.database.readOffPool { db in
                try String.fetchOne(db, sql: "SELECT inbox_cursor FROM sync_destination WHERE name = ?", arguments: [name])
            }.flatMap { Int64($0) } ?? 0
            let query = "?appliance=\(applianceId)&after=\(cursor)&limit=\(pageLimit)"
            let response = try await transport.perform(UpstreamRequest(method: "GET", path: SyncPaths.inbox + query))
            guard response.status == 200 else {
                throw SyncError(.badResponse, "收件箱 HTTP \(response.status)")
            }
            let page: InboxPage
            do { page = try JSONDecoder().decode(InboxPage.self, from: response.body) } catch {
                throw SyncError(.badResponse, "收件箱应答无法解析：\(error)")
            }
            let now = Int64(clock().timeIntervalSince1970 * 1000)
            let added = try await outbox.database.write { db -> Int in
                var added = 0
                for message in page.messages {
                    try db.execute(sql: """
                        INSERT INTO sync_inbox (destination, message_id, kind, cursor, received_at, body)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (destination, message_id) DO NOTHING
                        """, arguments: [name, message.id, message.kind.rawValue, String(message.cursor), now,
                                         CanonicalJSON.data(message.body)])
                    added += db.changesCount
                }
                try db.execute(sql: """
                    INSERT INTO sync_destination (name, inbox_cursor) VALUES (?, ?)
                    ON CONFLICT (name) DO UPDATE SET inbox_cursor = excluded.inbox_cursor
                    """, arguments: [name, String(page.next)])
                return added
            }
            for kind in Set(page.messages.map(\.kind.rawValue)) {
                SyncMetrics.inbox(name, kind: kind, count: page.messages.filter { $0.kind.rawValue == kind }.count)
            }
            stored += added
            if !page.messages.isEmpty {
                let ack = try JSONEncoder().encode(InboxAck(applianceId: applianceId, upTo: page.next))
                let answer = try await transport.perform(UpstreamRequest(method: "POST", path: SyncPaths.inboxAck, body: ack))
                guard answer.status == 200 else { throw SyncError(.badResponse, "收件箱确认 HTTP \(answer.status)") }
            }
            if !page.more || page.messages.isEmpty { break }
        }
        if stored > 0 { logger.info("sync.inbox.stored", metadata: ["messages": "\(stored)"]) }
        return stored
    }
}

/// Inbox messages stored at the appliance.
public struct InboxStore: Sendable {
    /// The register's database.
    public let database: DatabasePool

    /// The inbox in `database`.
    public init(database: DatabasePool) { self.database = database }

    /// A stored message.
    public struct Message: Sendable, Hashable {
        /// Row id (for ``markHandled(_:)``).
        public var id: Int64
        /// The destination it came from.
        public var destination: String
        /// The server's message id.
        public var messageId: String
        /// `watchlist.bundle`, `notice`, `verification.case`, …
        public var kind: String
        /// The body as canonical JSON.
        public var body: Data
    }

    /// Messages not yet handled (oldest first), optionally of one kind.
    public func unhandled(kind: String? = nil, limit: Int = 100) async throws -> [Message] {
        try await database.readOffPool { db in
            try Row.fetchAll(db, sql: """
                SELECT id, destination, message_id, kind, body FROM sync_inbox
                WHERE handled_at IS NULL AND (? IS NULL OR kind = ?) ORDER BY id LIMIT ?
                """, arguments: [kind, kind, limit]).map {
                Message(id: $0["id"], destination: $0["destination"], messageId: $0["message_id"], kind: $0["kind"], body: $0["body"])
            }
        }
    }

    /// Marks a message handled (by the watchlist loader, the notice page, …).
    public func markHandled(_ id: Int64, at date: Date = Date()) async throws {
        try await database.write { db in
            try db.execute(sql: "UPDATE sync_inbox SET handled_at = ? WHERE id = ?", arguments: [Int64(date.timeIntervalSince1970 * 1000), id])
        }
    }
}

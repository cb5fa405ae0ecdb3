import Foundation
import GRDB
import Logging
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
                    guard db.changesCount > 0 else { continue }
                    added += 1
                    try InboxApplier.apply(message, source: name, store: store, now: now, logger: logger, in: db)
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

/// Hands the messages the register understands to it, in the transaction that stores them: a
/// `verification.case` becomes a case (paired at once), a `notice` a notice. A message whose body the
/// register refuses (a field missing) stays in `sync_inbox` unhandled, with a warning naming the field; it
/// never blocks the inbox. Handled messages get `handled_at`.
enum InboxApplier {
    static func apply(_ message: InboxMessage, source: String, store: RegisterStore, now: Int64, logger: Logger,
                      in db: Database) throws {
        let body = CanonicalJSON.data(message.body)
        do {
            switch message.kind {
            case .verificationCase:
                let decoded: CaseMessage
                do { decoded = try JSONDecoder().decode(CaseMessage.self, from: body) } catch {
                    throw SyncError(.badResponse, "协查案件内容无法解析：\(Self.describe(error))")
                }
                try db.inSavepoint {
                    try store.receiveCase(decoded, source: source, messageId: message.id, in: db)
                    return .commit
                }
            case .notice:
                let decoded: NoticeBody
                do { decoded = try JSONDecoder().decode(NoticeBody.self, from: body) } catch {
                    throw SyncError(.badResponse, "通知公告内容无法解析：\(Self.describe(error))")
                }
                try db.inSavepoint {
                    try store.receiveNotice(title: decoded.title, text: decoded.text, level: decoded.level,
                                            isPublic: decoded.isPublic ?? false, source: source, messageId: message.id, in: db)
                    return .commit
                }
            default:
                return  // watchlist bundles and unknown kinds: left for their own handlers
            }
        } catch {
            logger.warning("sync.inbox.unusable", metadata: ["destination": "\(source)", "kind": "\(message.kind.rawValue)",
                                                            "message": "\(message.id)", "error": "\(Self.describe(error))"])
            return
        }
        try db.execute(sql: "UPDATE sync_inbox SET handled_at = ? WHERE destination = ? AND message_id = ?",
                       arguments: [now, source, message.id])
    }

    /// The error without personal data: field errors by field and code, decoding errors by path.
    static func describe(_ error: any Error) -> String {
        if let error = error as? RegistryError {
            return error.fieldErrors.isEmpty ? error.code.rawValue : error.fieldErrors.map { "\($0.field):\($0.code)" }.joined(separator: ",")
        }
        if let error = error as? DecodingError {
            switch error {
            case let .keyNotFound(key, context): return "missing " + (context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")
            case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
                return "bad " + context.codingPath.map(\.stringValue).joined(separator: ".")
            @unknown default: return "undecodable"
            }
        }
        if let error = error as? SyncError { return error.message }
        return "\(type(of: error))"
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

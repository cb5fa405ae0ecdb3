import Foundation
import GRDB

/// Operator alarms of the sync part (quarantine, disk reserve, reconciliation mismatch), in `sync_alarm`.
/// An alarm is raised once and stays open until cleared; raising an open alarm again only updates its
/// message.
public enum Alarms {
    static func raise(_ db: Database, at: Int64, destination: String?, code: String, message: String) throws {
        if let id = try Int64.fetchOne(db, sql: """
            SELECT id FROM sync_alarm WHERE code = ? AND destination IS ? AND cleared_at IS NULL
            """, arguments: [code, destination]) {
            try db.execute(sql: "UPDATE sync_alarm SET message = ? WHERE id = ?", arguments: [message, id])
        } else {
            try db.execute(sql: "INSERT INTO sync_alarm (raised_at, destination, code, message) VALUES (?, ?, ?, ?)",
                           arguments: [at, destination, code, message])
            SyncLog.logger.warning("sync.alarm", metadata: ["code": "\(code)", "destination": "\(destination ?? "-")"])
        }
    }

    static func clear(_ db: Database, at: Int64, destination: String?, code: String) throws {
        try db.execute(sql: "UPDATE sync_alarm SET cleared_at = ? WHERE code = ? AND destination IS ? AND cleared_at IS NULL",
                       arguments: [at, code, destination])
    }

    /// The open alarms.
    public static func open(_ reader: any DatabaseReader) throws -> [SyncAlarm] {
        try reader.read { db in
            try Row.fetchAll(db, sql: "SELECT raised_at, destination, code, message FROM sync_alarm WHERE cleared_at IS NULL ORDER BY id")
                .map { SyncAlarm(raisedAtMillis: $0["raised_at"], destination: $0["destination"], code: $0["code"], message: $0["message"]) }
        }
    }
}

/// An open operator alarm.
public struct SyncAlarm: Sendable, Hashable, Codable {
    /// When it was raised (ms since 1970).
    public var raisedAtMillis: Int64
    /// The destination concerned, if one.
    public var destination: String?
    /// `sync.quarantine`, `sync.diskReserve`, `sync.diskFull`, `sync.reconciliation`.
    public var code: String
    /// Operator text (Chinese).
    public var message: String
}

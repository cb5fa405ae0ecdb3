import Foundation
import GRDB
import IDCard

/// 预警状态: 新预警 → 已签收 → 已派警 → 已结束 (a false alarm may be closed right after 签收).
public enum AlertState: Int, Sendable, Hashable, Codable, CaseIterable {
    /// 1 新预警.
    case new = 1
    /// 2 已签收 (a police officer has seen it).
    case acknowledged = 2
    /// 3 已派警.
    case dispatched = 3
    /// 4 已结束.
    case closed = 4

    /// The Chinese name.
    public var label: String {
        switch self {
        case .new: "新预警"
        case .acknowledged: "已签收"
        case .dispatched: "已派警"
        case .closed: "已结束"
        }
    }

    /// The states reachable from this one.
    public var next: [AlertState] {
        switch self {
        case .new: [.acknowledged]
        case .acknowledged: [.dispatched, .closed]
        case .dispatched: [.closed]
        case .closed: []
        }
    }
}

/// A watchlist hit to record (from `WatchlistHit` and where the person was scanned). The identity is
/// masked here before anything is stored: only `4401**********1234` and `张*` reach the database.
public struct AlertDraft: Sendable, Hashable {
    /// The list, its version in force, and the entry's random reference (`WatchlistDetails.entryRef`).
    public var listId: String, listVersion: Int64, entryRef: UUID
    /// 预警级别 (1–3), 类别 and 处置要求 from the sealed details.
    public var level: Int, category: String, instructions: String
    /// `idNumber` or `nameAndBirthDate`.
    public var matchedBy: String
    /// The scanned ID number and name (masked before storage), if known.
    public var idNumber: String?, name: String?
    /// Where: the device name (`serial:/dev/ttyUSB0`, `sim:desk`…), the 小区 and optionally the house.
    public var device: String, xiaoqu: UUID, house: UUID?

    /// A draft.
    public init(listId: String, listVersion: Int64, entryRef: UUID, level: Int, category: String,
                instructions: String, matchedBy: String = "idNumber", idNumber: String?, name: String?,
                device: String, xiaoqu: UUID, house: UUID? = nil) {
        self.listId = listId
        self.listVersion = listVersion
        self.entryRef = entryRef
        self.level = level
        self.category = category
        self.instructions = instructions
        self.matchedBy = matchedBy
        self.idNumber = idNumber
        self.name = name
        self.device = device
        self.xiaoqu = xiaoqu
        self.house = house
    }
}

/// What recording a hit did: opened a new alert, or updated the open one of the same person at the same
/// device within the window.
public struct AlertReceipt: Sendable, Hashable {
    /// The alert.
    public var uuid: UUID
    /// Whether a new alert was opened (false: a repeated scan updated an open one).
    public var isNew: Bool
    /// Scans counted on the alert.
    public var scanCount: Int
}

/// One step of an alert's handling: who, when, and a note.
public struct AlertStep: Sendable, Hashable, Codable {
    /// When (UTC text) and who (user id).
    public var at: String, by: String
    /// The note given.
    public var note: String?
}

/// 预警: a watchlist hit at a device, for the police of the 小区's station.
public struct Alert: Sendable, Hashable, Codable {
    /// Record UUID.
    public var uuid: UUID
    /// Which list and version, and the entry's random reference.
    public var listId: String, listVersion: Int64, entryRef: UUID
    /// 预警级别 (1 most urgent), 类别, 处置要求.
    public var level: Int, category: String, instructions: String
    /// `idNumber` or `nameAndBirthDate`.
    public var matchedBy: String
    /// Who, masked: `4401**********1234`, `张*`.
    public var maskedIdNumber: String?, maskedName: String?
    /// Where.
    public var device: String, xiaoquUuid: UUID, houseUuid: UUID?
    /// State, first and last scan (UTC text), scans counted.
    public var state: AlertState, firstSeenAt: String, lastSeenAt: String, scanCount: Int
    /// Handling steps.
    public var acknowledged: AlertStep?, dispatched: AlertStep?, closed: AlertStep?
    /// Created / last updated (UTC).
    public var createdAt: String, updatedAt: String

    static let select = """
        SELECT a.*, x.uuid AS xiaoqu_uuid, h.uuid AS house_uuid
        FROM alert a JOIN xiaoqu x ON x.id = a.xiaoqu_id LEFT JOIN house h ON h.id = a.house_id
        """

    init(row: Row) {
        uuid = row.uuid("uuid")
        listId = row["list_id"]
        listVersion = row["list_version"]
        entryRef = row.uuid("entry_ref")
        level = row["level"]
        category = row["category"]
        instructions = row["instructions"]
        matchedBy = row["matched_by"]
        maskedIdNumber = row["masked_id_number"]
        maskedName = row["masked_name"]
        device = row["device"]
        xiaoquUuid = row.uuid("xiaoqu_uuid")
        houseUuid = row.optionalUUID("house_uuid")
        state = AlertState(rawValue: row["state"]) ?? .new
        firstSeenAt = row["first_seen_at"]
        lastSeenAt = row["last_seen_at"]
        scanCount = row["scan_count"]
        func step(_ prefix: String) -> AlertStep? {
            guard let at: String = row["\(prefix)_at"] else { return nil }
            return AlertStep(at: at, by: row["\(prefix)_by"] ?? "", note: row["\(prefix)_note"])
        }
        acknowledged = step("acknowledged")
        dispatched = step("dispatched")
        closed = step("closed")
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }

    /// A name masked for alerts and public screens: the first character kept, every other one `*`
    /// (`张三丰` → `张**`).
    public static func maskName(_ name: String) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let first = trimmed.first else { return "" }
        return String(first) + String(repeating: "*", count: trimmed.count - 1)
    }

    /// An ID number masked (``IDNumber/mask(_:)`` of the normalised number: `4401**********1234`).
    public static func maskIdNumber(_ number: String) -> String {
        IDNumber.mask(IDNumber.normalize(number))
    }
}

import Foundation
import GRDB
import IDCard

/// A card read at one of the box's readers, as the intake pipeline records it.
public struct CardReadIntake: Sendable {
    /// What the reader read.
    public var card: CardRead
    /// The reader's device name (`serial:/dev/ttyUSB0`, `sim:desk`, …).
    public var device: String
    /// The 小区 the reader serves, when known (required when there are alerts).
    public var xiaoqu: UUID?
    /// When the card was read.
    public var readAt: Date
    /// One draft per watchlist hit, in the same transaction as the read.
    public var alerts: [AlertDraft]

    /// An intake.
    public init(card: CardRead, device: String, xiaoqu: UUID?, readAt: Date, alerts: [AlertDraft] = []) {
        self.card = card
        self.device = device
        self.xiaoqu = xiaoqu
        self.readAt = readAt
        self.alerts = alerts
    }
}

/// What recording a card read wrote.
public struct CardReadReceipt: Sendable, Hashable {
    /// The card-read record.
    public var uuid: UUID
    /// The person in the register with this ID number, if there is one (identity is global).
    public var person: UUID?
    /// One receipt per alert draft: opened, or a repeated scan counted on the open alert.
    public var alerts: [AlertReceipt]
}

extension RegisterStore {
    /// Records a card read and the alerts of its watchlist hits in ONE transaction, with their audit
    /// entries and record changes (the sync outbox rows), as the intake pipeline of design.md requires.
    ///
    /// The caller's role must be one that scans (kiosk, desk, police, admin); the 小区 must be in its
    /// scope. The read row holds the ID number sealed and masked only, and says nothing about the hits.
    public func recordCardRead(_ intake: CardReadIntake, window: TimeInterval = RegisterStore.defaultAlertWindow,
                               by actor: Actor) async throws -> CardReadReceipt {
        try Self.requireAlertIntake(actor)
        if !intake.alerts.isEmpty, intake.xiaoqu == nil {
            throw RegistryError(.validationFailed, "读卡设备未配置所属小区，无法登记预警",
                                fieldErrors: [FieldError(code: "field.required", field: .xiaoqu, message: "所属小区不能为空")])
        }
        let readAt = Timestamp.text(intake.readAt)
        let idNumber = intake.card.text.idNumber.map(IDNumber.normalize).flatMap { $0.isEmpty ? nil : $0 }
        return try await perform(actor, action: "card.read") { db, journal, scope in
            var xiaoquId: Int64?
            if let xiaoqu = intake.xiaoqu {
                xiaoquId = try Lookup.xiaoqu(db, xiaoqu, scope).orNotFound(.xiaoqu)["id"]
            }
            let personId = try self.personId(db, idNumber: idNumber)
            let id = try RowWriter.insert(db, .cardRead, [
                ("device", intake.device), ("xiaoqu_id", xiaoquId), ("card_type", intake.card.text.cardType.rawValue),
                ("id_number_enc", try self.cipher.seal(optional: idNumber, for: .cardReadIdNumber)),
                ("id_number_hash", idNumber.map { self.cipher.hash(idNumber: $0) }),
                ("id_number_masked", idNumber.map(IDNumber.mask)),
                ("person_id", personId), ("sam_id", intake.card.samId), ("read_at", readAt),
            ], at: journal.at)
            try journal.record(db, .cardRead, id: id, operation: .create, before: nil)
            var receipts: [AlertReceipt] = []
            for draft in intake.alerts {
                receipts.append(try self.writeAlert(db, &journal, scope: scope, draft, window: window, now: intake.readAt))
            }
            let uuid = try String.fetchOne(db.cachedStatement(sql: "SELECT uuid FROM card_read WHERE id = ?"), arguments: [id])
                .flatMap(UUID.init(uuidString:))
            let person = try personId.flatMap {
                try String.fetchOne(db.cachedStatement(sql: "SELECT uuid FROM person WHERE id = ?"), arguments: [$0])
            }.flatMap(UUID.init(uuidString:))
            return CardReadReceipt(uuid: uuid ?? UUID(), person: person, alerts: receipts)
        }
    }

    /// The retention of the card-read history (`retention.card_read_days`): deletes the card reads older
    /// than `date`, at most `batchSize` per transaction, each batch with one audit entry
    /// (`cardRead.prune`, the count in its detail) in the same transaction. Nothing is queued upstream:
    /// the upstream servers keep their copies. Alerts are records of their own and are never pruned here.
    /// Returns how many were deleted.
    @discardableResult
    public func pruneCardReads(before date: Date, batchSize: Int = 5_000,
                               by actor: Actor = .retention) async throws -> Int {
        guard actor.role == .admin else { throw RegistryError.denied("清理读卡记录") }
        let cutoff = Timestamp.text(date)
        var total = 0
        while true {
            let deleted = try await perform(actor, action: "cardRead.prune") { db, journal, _ in
                try db.execute(sql: """
                    DELETE FROM card_read WHERE id IN (SELECT id FROM card_read WHERE read_at < ? ORDER BY read_at LIMIT ?)
                    """, arguments: [cutoff, batchSize])
                let count = db.changesCount
                if count > 0 {
                    try AuditLog.append(db, at: journal.at, actor: actor, action: "cardRead.prune", targetKind: "cardRead",
                                        targetUuid: nil, before: nil, after: nil, detail: "deleted=\(count) before=\(cutoff)")
                }
                return count
            }
            total += deleted
            if deleted < batchSize { break }
        }
        if total > 0 { Self.logger.info("cardRead.prune", metadata: ["deleted": "\(total)"]) }
        return total
    }

    /// Card reads recorded since `date` (for retention and statistics): count only.
    public func cardReadCount(since date: Date) async throws -> Int {
        try await writer.readOffPool { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM card_read WHERE read_at >= ?", arguments: [Timestamp.text(date)]) ?? 0
        }
    }
}

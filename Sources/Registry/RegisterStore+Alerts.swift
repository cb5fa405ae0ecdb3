import Foundation
import GRDB

extension RegisterStore {
    /// The default window within which a repeated scan of the same person at the same device updates the
    /// open alert instead of opening another: 10 minutes.
    public static let defaultAlertWindow: TimeInterval = 600

    /// Records a watchlist hit seen at `seenAt` (the card read's time; default now): opens an alert, or —
    /// when an alert for the same list entry at the same device is still open and was last seen within
    /// `window` before `seenAt` — counts the scan on it. One transaction
    /// with its audit entry and ``RecordChange`` (kind ``RecordKind/alert``), like every operation.
    ///
    /// Called by the intake paths on behalf of the device or desk that scanned (kiosk, desk, police; the
    /// 小区 must be in its scope) or by admin. The receipt is for the alert stream only: nothing of it may
    /// reach the person at the kiosk.
    public func raiseAlert(_ draft: AlertDraft, seenAt: Date? = nil,
                           window: TimeInterval = RegisterStore.defaultAlertWindow,
                           by actor: Actor) async throws -> AlertReceipt {
        try Self.requireAlertIntake(actor)
        let now = seenAt ?? options.clock()
        return try await perform(actor, action: "alert.raise") { db, journal, scope in
            try self.writeAlert(db, &journal, scope: scope, draft, window: window, now: now)
        }
    }

    /// ``raiseAlert(_:seenAt:window:by:)`` inside an operation's transaction (for the intake operation that
    /// also records the read).
    func writeAlert(_ db: Database, _ journal: inout Journal, scope: Scope, _ draft: AlertDraft,
                    window: TimeInterval, now: Date) throws -> AlertReceipt {
        try Self.validate(draft)
        let xiaoquId: Int64 = try Lookup.xiaoqu(db, draft.xiaoqu, scope).orNotFound(.xiaoqu)["id"]
        var houseId: Int64?
        if let house = draft.house {
            let row = try Lookup.house(db, house, scope).orNotFound(.house)
            guard row["xiaoqu_id"] == xiaoquId else { throw RegistryError(.validationFailed, "该房屋不属于所选小区") }
            houseId = row["id"]
        }
        let cutoff = Timestamp.text(now.addingTimeInterval(-max(0, window)))
        let seen = Timestamp.text(now)
        if let open = try Row.fetchOne(db, sql: """
            SELECT id, uuid, scan_count, last_seen_at FROM alert
            WHERE list_id = ? AND entry_ref = ? AND device = ? AND state <> 4 AND last_seen_at >= ?
            ORDER BY last_seen_at DESC LIMIT 1
            """, arguments: [draft.listId, draft.entryRef.dbText, draft.device, cutoff]) {
            let id: Int64 = open["id"]
            let count: Int = open["scan_count"]
            let before = try journal.before(db, .alert, id: id)
            try RowWriter.update(db, .alert, id: id, [
                ("scan_count", count + 1), ("last_seen_at", max(seen, open["last_seen_at"] as String)),
                ("list_version", draft.listVersion),
            ], at: journal.at)
            try journal.record(db, .alert, id: id, operation: .update, before: before, detail: "repeat scan")
            return AlertReceipt(uuid: open.uuid("uuid"), isNew: false, scanCount: count + 1)
        }
        let id = try RowWriter.insert(db, .alert, [
            ("list_id", draft.listId), ("list_version", draft.listVersion), ("entry_ref", draft.entryRef.dbText),
            ("level", draft.level), ("category", draft.category), ("instructions", draft.instructions),
            ("matched_by", draft.matchedBy),
            ("masked_id_number", draft.idNumber.map(Alert.maskIdNumber).flatMap { $0.isEmpty ? nil : $0 }),
            ("masked_name", draft.name.map(Alert.maskName).flatMap { $0.isEmpty ? nil : $0 }),
            ("device", draft.device), ("xiaoqu_id", xiaoquId), ("house_id", houseId),
            ("state", AlertState.new.rawValue), ("first_seen_at", seen), ("last_seen_at", seen), ("scan_count", 1),
        ], at: journal.at)
        try journal.record(db, .alert, id: id, operation: .create, before: nil)
        let uuid = try String.fetchOne(db, sql: "SELECT uuid FROM alert WHERE id = ?", arguments: [id]).flatMap(UUID.init)!
        return AlertReceipt(uuid: uuid, isNew: true, scanCount: 1)
    }

    /// The alerts in the actor's scope, most recently seen first: police see their station's 小区, admin
    /// and the security officer see all; desk, kiosk and auditor are refused.
    public func alerts(state: AlertState? = nil, limit: Int = 200, for actor: Actor) async throws -> [Alert] {
        try Self.requireAlertReader(actor)
        return try await read(actor) { db, scope in
            let filter = Self.alertScope(actor, scope).xiaoquFilter("a.xiaoqu_id")
            let condition = state.map { SQL(sql: "a.state = ?", arguments: [$0.rawValue]) } ?? SQL(sql: "1")
            return try Lookup.rows(db, Alert.select, where: condition, filter: filter,
                                   order: "a.last_seen_at DESC, a.id DESC LIMIT \(max(1, min(limit, 10_000)))")
                .map(Alert.init(row:))
        }
    }

    /// One alert in the actor's scope (same rules as ``alerts(state:limit:for:)``).
    public func alert(_ uuid: UUID, for actor: Actor) async throws -> Alert {
        try Self.requireAlertReader(actor)
        return try await read(actor) { db, scope in
            try Self.alertRow(db, uuid, Self.alertScope(actor, scope)).map(Alert.init(row:)).orAlertNotFound()
        }
    }

    /// Moves an alert on (签收, 派警, 结束) with who, when and a note; police of the station only. Closing
    /// needs a note (the outcome).
    public func progressAlert(_ uuid: UUID, to state: AlertState, note: String? = nil, by actor: Actor) async throws -> Alert {
        guard case .police = actor.role else { throw RegistryError.denied("处置预警") }
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        return try await perform(actor, action: "alert.progress") { db, journal, scope in
            let row = try Self.alertRow(db, uuid, scope).orAlertNotFound()
            let id: Int64 = row["id"]
            let current = AlertState(rawValue: row["state"]) ?? .new
            guard current.next.contains(state) else {
                throw RegistryError(.alertBadTransition, "预警状态不能从\"\(current.label)\"变为\"\(state.label)\"")
            }
            if state == .closed, note == nil { throw RegistryError(.validationFailed, "结束预警须填写处置结果") }
            if let note, note.count > 2000 { throw RegistryError(.validationFailed, "备注超过 2000 字") }
            let prefix = switch state {
            case .acknowledged: "acknowledged"
            case .dispatched: "dispatched"
            default: "closed"
            }
            let before = try journal.before(db, .alert, id: id)
            try RowWriter.update(db, .alert, id: id, [
                ("state", state.rawValue), ("\(prefix)_at", journal.at), ("\(prefix)_by", actor.userId),
                ("\(prefix)_note", note),
            ], at: journal.at)
            try journal.record(db, .alert, id: id, operation: state == .closed ? .cancel : .update, before: before,
                               detail: state.label)
            return Alert(row: try Self.alertRow(db, uuid, .everything)!)
        }
    }

    /// Writes an audit entry for a watchlist action that changes no register row (`watchlist.check`,
    /// `watchlist.import`), e.g. `detail` = `4401**********1234 hits=0`. Admin, security officer and
    /// police only (the roles that see alerts). Never put a full ID number or name in `detail`.
    public func auditWatchlist(action: String, detail: String, by actor: Actor) async throws {
        try Self.requireAlertReader(actor)
        guard action.hasPrefix("watchlist.") else { throw RegistryError(.validationFailed, "审计动作必须以 watchlist. 开头") }
        _ = try await perform(actor, action: action) { db, journal, _ in
            _ = try AuditLog.append(db, at: journal.at, actor: actor, action: action, targetKind: "watchlist",
                                    targetUuid: nil, before: nil, after: nil, detail: detail)
        }
    }

    static func alertRow(_ db: Database, _ uuid: UUID, _ scope: Scope) throws -> Row? {
        try Lookup.row(db, Alert.select, alias: "a", uuid: uuid, filter: scope.xiaoquFilter("a.xiaoqu_id"))
    }

    /// The security officer's register scope is nothing, but alerts are theirs to oversee: all of them.
    static func alertScope(_ actor: Actor, _ scope: Scope) -> Scope {
        if case .securityOfficer = actor.role { return .everything }
        return scope
    }

    static func requireAlertReader(_ actor: Actor) throws {
        switch actor.role {
        case .admin, .securityOfficer, .police: return
        default: throw RegistryError.denied("查看预警")
        }
    }

    static func requireAlertIntake(_ actor: Actor) throws {
        switch actor.role {
        case .admin, .police, .desk, .kiosk: return
        default: throw RegistryError.denied("登记预警")
        }
    }

    static func validate(_ draft: AlertDraft) throws {
        var problems: [String] = []
        if !(1...64).contains(draft.listId.count) { problems.append("名单编号") }
        if draft.listVersion < 1 { problems.append("名单版本") }
        if !(1...3).contains(draft.level) { problems.append("预警级别") }
        if draft.category.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("类别") }
        if !["idNumber", "nameAndBirthDate"].contains(draft.matchedBy) { problems.append("比中方式") }
        if draft.device.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("设备") }
        if !problems.isEmpty { throw RegistryError(.validationFailed, "预警信息不完整：" + problems.joined(separator: "、")) }
    }
}

extension RegistryError.Code {
    /// An alert cannot move from its state to the one asked.
    public static let alertBadTransition = RegistryError.Code(rawValue: "alert.badTransition")
}

extension Optional {
    /// The value, or `record.notFound` for an alert.
    func orAlertNotFound() throws -> Wrapped {
        guard let value = self else { throw RegistryError(.notFound, "预警不存在或不在您的管辖范围内") }
        return value
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}

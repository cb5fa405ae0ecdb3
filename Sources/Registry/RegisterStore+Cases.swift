import Foundation
import GRDB
import IDCard

extension Actor {
    /// The sync inbox storing what an upstream server sent (cases, notices): written to the audit log.
    public static func inbox(_ source: String) -> Actor { Actor(userId: "sync:" + source, role: .admin) }
}

extension RegistryError.Code {
    /// The case is already answered: its one feedback is queued; a second answer is refused.
    public static let caseAnswered = RegistryError.Code(rawValue: "case.answered")
}

/// 协查/核查 cases: received from the inbox, paired with the register (配对), answered (协查反馈).
///
/// Scope: a case belongs to the 小区 of its paired person's current stay (else the last one); a case
/// paired with nobody belongs to no 小区 and is seen by every police and desk user of the box (it still
/// has to be answered by somebody). Candidates outside the caller's scope are not shown.
extension RegisterStore {
    /// Stores a case received from upstream server `source` (inbox message `messageId`) inside `db`'s
    /// transaction (the uplink's, which also stores the message), and pairs it at once. Idempotent: a case
    /// number already received from that server is left as it is (the inbox delivers at least once).
    /// Returns the case's UUID. Throws ``RegistryError/Code/validationFailed`` naming the field when the
    /// body lacks one.
    @discardableResult
    public func receiveCase(_ message: CaseMessage, source: String, messageId: String, in db: Database) throws -> UUID {
        if let known = try String.fetchOne(db, sql: "SELECT uuid FROM verification_case WHERE source = ? AND case_no = ?",
                                           arguments: [source, message.caseId.trimmingWhitespace()]),
           let uuid = UUID(uuidString: known) {
            return uuid
        }
        var check = checker()
        let caseNo = check.required(message.caseId, .caseNo, max: 100)
        let type = check.required(message.type, .caseType, max: 10)
        if let type, !["协查", "核查"].contains(type) { check.add(.invalid(.caseType, "应为\"协查\"或\"核查\"")) }
        let name = check.required(message.person.name, .name, max: 100)
        let sex = check.required(message.person.sex, .sex, max: 1)
        if let sex, !["0", "1", "2", "9"].contains(sex) { check.add(.badCode(.sex, sex)) }
        let birth = RegisterDate(message.person.birthDate)
        if birth == nil { check.add(.invalid(.birthDate, "应为 YYYY-MM-DD 日期")) }
        let idNumber = check.optional(message.person.idNumber, .idNumber, max: 30).map(IDNumber.normalize)
        let address = check.required(message.address, .caseAddress, max: 500)
        let deadline = RegisterDate(message.deadline)
        if deadline == nil { check.add(.invalid(.deadline, "应为 YYYY-MM-DD 日期")) }
        let unit = check.required(message.unit, .requestingUnit, max: 200)
        let items = message.items.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        let note = check.optional(message.note, .remark, max: 2000)
        try check.finish()
        let at = nowText
        let journal = Journal(actor: .inbox(source), action: "case.receive", at: at, sink: options.changeSink)
        let uuid = UUID.random()
        try db.execute(sql: """
            INSERT INTO verification_case (uuid, source, message_id, case_no, case_type, id_number_enc, id_number_hash,
                id_number_masked, name, sex, birth_date, address, items, deadline, requesting_unit, note, received_at,
                received_on, state, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, ?)
            """, arguments: [
                uuid.dbText, source, messageId, caseNo, type,
                try idNumber.map { try cipher.seal(text: $0, for: .caseIdNumber) }, idNumber.map { cipher.hash(idNumber: $0) },
                idNumber.map(IDNumber.mask), name, sex, birth!.description, address, jsonArray(items),
                deadline!.description, unit, note, at, today.description, at, at,
            ])
        let id = db.lastInsertedRowID
        try journal.audit(db, targetKind: "verificationCase", targetUuid: uuid.dbText,
                          detail: CanonicalJSON.object([("source", CanonicalJSON.json(source)),
                                                        ("caseNo", CanonicalJSON.json(caseNo!))]))
        try Self.pairAutomatically(db, caseId: id, at: at)
        let state = try String.fetchOne(db, sql: "SELECT state FROM verification_case WHERE id = ?", arguments: [id]) ?? ""
        Self.logger.info("case.received", metadata: ["source": "\(source)", "state": "\(state)"])
        return uuid
    }

    /// The cases in the caller's scope, by state (default: every state), most urgent first (open cases by
    /// deadline, then answered ones newest first).
    public func cases(state: CaseState? = nil, limit: Int = 500, for actor: Actor) async throws -> [VerificationCase] {
        try actor.require(.answerCases)
        let today = self.today
        return try await read(actor) { db, scope in
            let condition: SQL = state.map { SQL(sql: "c.state = ?", arguments: [$0.rawValue]) } ?? SQL(sql: "1")
            let rows = try Lookup.rows(db, "SELECT c.*, p.uuid AS person_uuid, x.uuid AS xiaoqu_uuid FROM verification_case c "
                                       + "LEFT JOIN person p ON p.id = c.person_id LEFT JOIN xiaoqu x ON x.id = c.xiaoqu_id",
                                       where: condition, filter: Self.caseFilter(scope),
                                       order: "(c.state = 'answered'), c.deadline, c.id LIMIT \(max(0, limit))")
            return try rows.map { try self.caseView(db, $0, scope: scope, today: today, full: false) }
        }
    }

    /// One case in the caller's scope, with its candidates, the full ID number asked about, and its
    /// feedback once answered.
    public func verificationCase(_ uuid: UUID, for actor: Actor) async throws -> VerificationCase {
        try actor.require(.answerCases)
        let today = self.today
        return try await read(actor) { db, scope in
            let row = try Self.caseRow(db, uuid, scope).orNotFound(.verificationCase)
            return try self.caseView(db, row, scope: scope, today: today, full: true)
        }
    }

    /// Pairs a case again (重新配对): with `person` (a person in scope the operator chose), or, without one,
    /// automatically (after the person was registered). Refused once the case is answered.
    public func repairCase(_ uuid: UUID, person: UUID? = nil, by actor: Actor) async throws -> VerificationCase {
        try actor.require(.answerCases)
        let today = self.today
        return try await perform(actor, action: "case.repair") { db, journal, scope in
            let row = try Self.openCaseRow(db, uuid, scope, refusal: "该协查案件已反馈，不能重新配对")
            let id: Int64 = row["id"]
            if let person {
                let personRow = try Lookup.person(db, person, scope).orNotFound(.person)
                let personId: Int64 = personRow["id"]
                try db.execute(sql: """
                    UPDATE verification_case SET state = 'paired', person_id = ?, pair_basis = 'manual', xiaoqu_id = ?, updated_at = ?
                    WHERE id = ?
                    """, arguments: [personId, try Self.personXiaoqu(db, personId: personId), journal.at, id])
            } else {
                try Self.pairAutomatically(db, caseId: id, at: journal.at)
            }
            try journal.audit(db, targetKind: "verificationCase", targetUuid: uuid.dbText,
                              detail: person.map { CanonicalJSON.object([("person", CanonicalJSON.json($0.dbText))]) })
            // The case may have left the caller's scope by pairing with a person elsewhere: read it unscoped.
            let updated = try Row.fetchOne(db, sql: """
                SELECT c.*, p.uuid AS person_uuid, x.uuid AS xiaoqu_uuid FROM verification_case c
                LEFT JOIN person p ON p.id = c.person_id LEFT JOIN xiaoqu x ON x.id = c.xiaoqu_id WHERE c.id = ?
                """, arguments: [id])!
            return try self.caseView(db, updated, scope: scope, today: today, full: true)
        }
    }

    /// Answers a case (协查反馈) with one of the outcomes of domain.md §5, each with its required fields
    /// (refused with the field named): 查无此人 needs a reason, 婚出/迁出 the destination down to the
    /// township, 其他 a remark; the found outcomes need a paired person with a current stay, the ticked
    /// 常驻人口信息员确认 (``CaseAnswerDraft/residentOfficerConfirmed``), and the variant of the records the
    /// person is found in (``RecordSource``: 流动 ``CaseOutcome/consistent``/``CaseOutcome/reRegistered``,
    /// 常住 ``CaseOutcome/residentConsistent``/``CaseOutcome/residentReRegistered``); the address-inconsistent
    /// ones need the old stay closed and a new one registered since the case arrived. A case paired with
    /// nobody can only be answered 查无此人 (or after a registration, which pairs it again by itself).
    ///
    /// In one transaction: the feedback record (`caseFeedback`, queued to the upstream server the case came
    /// from, and only there), the case marked answered, the audit entries. A second answer is refused
    /// (``RegistryError/Code/caseAnswered``).
    public func answerCase(_ uuid: UUID, _ draft: CaseAnswerDraft, by actor: Actor) async throws -> VerificationCase {
        try actor.require(.answerCases)
        let today = self.today
        return try await perform(actor, action: "case.answer") { db, journal, scope in
            let row = try Self.openCaseRow(db, uuid, scope, refusal: "该协查案件已反馈，不能重复答复")
            let caseId: Int64 = row["id"]
            var check = self.checker()
            var columns: Columns = []
            guard let outcome = draft.outcome else {
                check.add(.required(.caseOutcome))
                try check.finish()
                return try self.caseView(db, row, scope: scope, today: today, full: true)
            }
            switch outcome {
            case .notFound:
                guard let reason = draft.reason else {
                    check.add(.required(.notFoundReason))
                    break
                }
                var region: String?, township: String?
                if reason == .marriedOut || reason == .movedOut {
                    region = check.required(draft.destinationRegion, .destinationRegion, max: 6)
                    if let r = region, !(r.count == 6 && r.allSatisfy(\.isASCII) && r.allSatisfy(\.isNumber)) {
                        check.add(.invalid(.destinationRegion, "应为6位行政区划代码（到县级）"))
                    }
                    township = check.required(draft.destinationTownship, .destinationTownship, max: 100)
                } else {
                    _ = check.optional(draft.destinationRegion, .destinationRegion, max: 6)
                    _ = check.optional(draft.destinationTownship, .destinationTownship, max: 100)
                }
                let remark = reason == .other ? check.required(draft.remark, .remark, max: 2000)
                    : check.optional(draft.remark, .remark, max: 2000)
                columns = [("not_found_reason", reason.rawValue), ("destination_region", region),
                           ("destination_township", township), ("remark", remark)]
            case .consistent, .reRegistered, .residentConsistent, .residentReRegistered:
                let remark = check.optional(draft.remark, .remark, max: 2000)
                guard let personId = row["person_id"] as Int64?, row["state"] as String == CaseState.paired.rawValue else {
                    check.add(FieldError(code: "case.unpaired", field: .person,
                                         message: "\"\(Field.person.label)\"未配对：只能答复\"查无此人\"，或先登记该人员（登记后自动重新配对）"))
                    break
                }
                guard try Lookup.person(db, try Self.uuid(db, "person", personId), scope) != nil else {
                    throw RegistryError.notFound(.person)
                }
                if draft.residentOfficerConfirmed != true {
                    check.add(FieldError(code: "field.required", field: .residentOfficerConfirmed,
                                         message: "须勾选\"\(Field.residentOfficerConfirmed.label)\"：核实信息经常驻人口信息员签字确认后才能确认"))
                }
                let source = try Self.recordSource(db, personId: personId)
                if outcome.recordSource != source {
                    check.add(FieldError(code: "case.recordSource", field: .caseOutcome,
                                         message: "\"\(Field.caseOutcome.label)\"不符：该人员在\(source.label)记录中，应选择\"\(source.label)\"的核查结果"))
                }
                let stays = try Row.fetchAll(db, sql: """
                    SELECT s.id, s.created_at, s.departure_date, s.updated_at, h.address, h.xiaoqu_id
                    FROM stay s JOIN house h ON h.id = s.house_id WHERE s.person_id = ? ORDER BY s.arrival_date DESC, s.id DESC
                    """, arguments: [personId])
                let active = stays.filter { ($0["departure_date"] as String?) == nil }
                guard let current = active.first else {
                    check.add(FieldError(code: "case.noStay", field: .stay,
                                         message: "\"\(Field.stay.label)\"不存在：该人员没有有效的居住登记，不能确认核实信息"))
                    break
                }
                if outcome.requiresReRegistration {
                    let receivedAt: String = row["received_at"]
                    let closedSince = stays.contains { ($0["departure_date"] as String?) != nil && ($0["updated_at"] as String) >= receivedAt }
                    if active.count > 1 || !closedSince {
                        check.add(FieldError(code: "case.oldStayOpen", field: .stay,
                                             message: "\"\(Field.stay.label)\"：地址不一致时须先注销原居住登记（人走注销）"))
                    }
                    if (current["created_at"] as String) < receivedAt {
                        check.add(FieldError(code: "case.notReRegistered", field: .stay,
                                             message: "\"\(Field.stay.label)\"：地址不一致时须按现址重新登记后才能确认"))
                    }
                }
                let person = try Row.fetchOne(db, sql: "SELECT name, sex, birth_date FROM person WHERE id = ?", arguments: [personId])!
                columns = [("person_id", personId), ("stay_id", current["id"] as Int64), ("verified_name", person["name"] as String),
                           ("verified_sex", person["sex"] as String), ("verified_birth_date", person["birth_date"] as String),
                           ("verified_address", current["address"] as String), ("remark", remark),
                           ("resident_officer_confirmed", 1)]
            }
            try check.finish()
            let source: String = row["source"]
            let base: Columns = [
                ("case_id", caseId), ("case_no", row["case_no"] as String), ("case_type", row["case_type"] as String),
                ("requesting_unit", row["requesting_unit"] as String), ("addressee", source), ("outcome", outcome.rawValue),
                ("answered_by", actor.userId), ("answered_at", journal.at),
            ]
            let feedbackId = try RowWriter.insert(db, .caseFeedback, base + columns, at: journal.at)
            try journal.record(db, .caseFeedback, id: feedbackId, operation: .create, before: nil, addressee: source)
            try db.execute(sql: "UPDATE verification_case SET state = 'answered', answered_on = ?, updated_at = ? WHERE id = ?",
                           arguments: [today.description, journal.at, caseId])
            try journal.audit(db, targetKind: "verificationCase", targetUuid: uuid.dbText,
                              detail: CanonicalJSON.object([("outcome", CanonicalJSON.json(outcome.rawValue))]))
            let updated = try Self.caseRow(db, uuid, .everything)!
            return try self.caseView(db, updated, scope: scope, today: today, full: true)
        }
    }

    // MARK: - Pairing

    /// Pairs case `caseId` with the register: the person whose ID number's keyed hash equals the case's;
    /// else the people with the same name, sex and birth date (excluding people whose own ID number differs
    /// from the case's). The candidates are stored; exactly one makes the case `paired`, else `unpaired`.
    static func pairAutomatically(_ db: Database, caseId: Int64, at: String) throws {
        let row = try Row.fetchOne(db, sql: "SELECT id_number_hash, name, sex, birth_date FROM verification_case WHERE id = ?",
                                   arguments: [caseId])!
        let hash: Data? = row["id_number_hash"]
        try db.execute(sql: "DELETE FROM case_candidate WHERE case_id = ?", arguments: [caseId])
        var found: [(Int64, String)] = []
        if let hash, let id = try Int64.fetchOne(db, sql: "SELECT id FROM person WHERE id_number_hash = ?", arguments: [hash]) {
            found = [(id, "idNumber")]
        } else {
            found = try Int64.fetchAll(db, sql: """
                SELECT id FROM person WHERE name = ? AND sex = ? AND birth_date = ? AND (? IS NULL OR id_number_hash IS NULL)
                ORDER BY id LIMIT 20
                """, arguments: [row["name"] as String, row["sex"] as String, row["birth_date"] as String, hash]).map { ($0, "nameSexBirth") }
        }
        for (personId, basis) in found {
            try db.execute(sql: "INSERT INTO case_candidate (case_id, person_id, basis, found_at) VALUES (?, ?, ?, ?)",
                           arguments: [caseId, personId, basis, at])
        }
        if found.count == 1, let first = found.first {
            let (personId, basis) = first
            try db.execute(sql: """
                UPDATE verification_case SET state = 'paired', person_id = ?, pair_basis = ?, xiaoqu_id = ?, updated_at = ? WHERE id = ?
                """, arguments: [personId, basis, try personXiaoqu(db, personId: personId), at, caseId])
        } else {
            try db.execute(sql: """
                UPDATE verification_case SET state = 'unpaired', person_id = NULL, pair_basis = NULL, xiaoqu_id = NULL, updated_at = ?
                WHERE id = ?
                """, arguments: [at, caseId])
        }
    }

    /// Where the register finds person `personId` (``RecordSource``): 常住 when their 户籍地行政区划 lies in
    /// the city of the 社区 of their current stay (latest arrival), else of their last stay; 流动 otherwise
    /// (户籍 in another city or unknown, or no stay at all).
    static func recordSource(_ db: Database, personId: Int64) throws -> RecordSource {
        let resident = try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT ifnull(\(RecordSource.sameCitySQL("p.native_region", "c.region_code")), 0)
            FROM person p JOIN stay s ON s.person_id = p.id JOIN house h ON h.id = s.house_id
            JOIN xiaoqu x ON x.id = h.xiaoqu_id JOIN community c ON c.id = x.community_id
            WHERE p.id = ? ORDER BY (s.departure_date IS NULL) DESC, s.arrival_date DESC, s.id DESC LIMIT 1
            """), arguments: [personId]) ?? false
        return resident ? .resident : .floating
    }

    /// Automatic re-pairing (自动重新配对): after an operation created or changed people — whichever path:
    /// a registration on /desk or through the API, a card-read registration, a kiosk declaration, an import
    /// row — the unpaired cases that match one of them (the keyed hash of the case's ID number, else name,
    /// sex and birth date, as ``pairAutomatically(_:caseId:at:)`` pairs) are paired again in the same
    /// transaction, after the operation's own rows (so a new person's stay decides the case's 小区). Each
    /// case that becomes paired gets an audit entry `case.autoPair` by the operation's actor. Cases that
    /// are paired or answered are left alone; the manual 重新配对 stays available.
    static func pairWaitingCases(after changes: [RecordChange], actor: Actor, at: String, in db: Database) throws {
        var seen: Set<Int64> = []
        for change in changes where change.kind == .person && seen.insert(change.rowId).inserted {
            let waiting = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT c.id, c.uuid FROM verification_case c JOIN person p ON p.id = ?
                WHERE c.state = 'unpaired' AND (c.id_number_hash = p.id_number_hash
                    OR (c.name = p.name AND c.sex = p.sex AND c.birth_date = p.birth_date
                        AND (c.id_number_hash IS NULL OR p.id_number_hash IS NULL)))
                """), arguments: [change.rowId])
            for row in waiting {
                let caseId: Int64 = row["id"]
                try pairAutomatically(db, caseId: caseId, at: at)
                guard let paired = try Row.fetchOne(db, sql: """
                    SELECT p.uuid, c.pair_basis FROM verification_case c JOIN person p ON p.id = c.person_id
                    WHERE c.id = ? AND c.state = 'paired'
                    """, arguments: [caseId]) else { continue }
                _ = try AuditLog.append(db, at: at, actor: actor, action: "case.autoPair", targetKind: "verificationCase",
                                        targetUuid: row["uuid"], before: nil, after: nil,
                                        detail: CanonicalJSON.object([("person", CanonicalJSON.json(paired["uuid"] as String)),
                                                                      ("basis", CanonicalJSON.json(paired["pair_basis"] as String))]))
                logger.info("case.autoPaired", metadata: ["basis": "\(paired["pair_basis"] as String)"])
            }
        }
    }

    /// The 小区 of a person's current stay (latest arrival), else of the last stay, else none.
    static func personXiaoqu(_ db: Database, personId: Int64) throws -> Int64? {
        try Int64.fetchOne(db, sql: """
            SELECT h.xiaoqu_id FROM stay s JOIN house h ON h.id = s.house_id WHERE s.person_id = ?
            ORDER BY (s.departure_date IS NULL) DESC, s.arrival_date DESC, s.id DESC LIMIT 1
            """, arguments: [personId])
    }

    // MARK: - Reading

    /// Cases visible in `scope`: those of a 小区 in scope, and those of no 小区 (paired with nobody).
    static func caseFilter(_ scope: Scope, alias: String = "c") -> SQL {
        switch scope {
        case .everything: SQL(sql: "1")
        case .nothing: SQL(sql: "0")
        default: SQL(sql: "(\(alias).xiaoqu_id IS NULL OR ") + scope.xiaoquFilter("\(alias).xiaoqu_id") + SQL(sql: ")")
        }
    }

    static func caseRow(_ db: Database, _ uuid: UUID, _ scope: Scope) throws -> Row? {
        try Lookup.row(db, "SELECT c.*, p.uuid AS person_uuid, x.uuid AS xiaoqu_uuid FROM verification_case c "
                       + "LEFT JOIN person p ON p.id = c.person_id LEFT JOIN xiaoqu x ON x.id = c.xiaoqu_id",
                       alias: "c", uuid: uuid, filter: caseFilter(scope))
    }

    /// The case in scope, refused with ``RegistryError/Code/caseAnswered`` (`refusal`) once answered.
    static func openCaseRow(_ db: Database, _ uuid: UUID, _ scope: Scope, refusal: String) throws -> Row {
        let row = try caseRow(db, uuid, scope).orNotFound(.verificationCase)
        guard row["state"] as String != CaseState.answered.rawValue else { throw RegistryError(.caseAnswered, refusal) }
        return row
    }

    static func uuid(_ db: Database, _ table: String, _ id: Int64) throws -> UUID {
        try String.fetchOne(db, sql: "SELECT uuid FROM \(table) WHERE id = ?", arguments: [id]).flatMap(UUID.init(uuidString:))
            .orNotFound(.person)
    }

    /// `deadline − day` in days.
    static func days(from day: RegisterDate, to deadline: RegisterDate) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let a = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
        let b = calendar.date(from: DateComponents(year: deadline.year, month: deadline.month, day: deadline.day))!
        return calendar.dateComponents([.day], from: a, to: b).day ?? 0
    }

    func caseView(_ db: Database, _ row: Row, scope: Scope, today: RegisterDate, full: Bool) throws -> VerificationCase {
        let id: Int64 = row["id"]
        let state = CaseState(rawValue: row["state"]) ?? .new
        let deadline = row.date("deadline")!
        let answeredOn = row.date("answered_on")
        let daysLeft = Self.days(from: answeredOn ?? today, to: deadline)
        var candidates: [CaseCandidate] = []
        let candidateSQL = SQL(sql: """
            SELECT p.uuid, p.name, p.sex, p.birth_date, p.id_number_masked, cc.basis,
                   (SELECT h.address FROM stay s JOIN house h ON h.id = s.house_id
                    WHERE s.person_id = p.id AND s.departure_date IS NULL ORDER BY s.arrival_date DESC LIMIT 1) AS current_address
            FROM case_candidate cc JOIN person p ON p.id = cc.person_id WHERE cc.case_id = ?
            """, arguments: [id]) + SQL(sql: " AND ") + scope.personFilter("p.id") + SQL(sql: " ORDER BY p.id")
        for c in try Row.fetchAll(db, SQLRequest<Row>(literal: candidateSQL)) {
            candidates.append(CaseCandidate(personUuid: c.uuid("uuid"), name: c["name"], sex: c["sex"], birthDate: c.date("birth_date")!,
                                            idNumberMasked: c["id_number_masked"], basis: c["basis"], currentAddress: c["current_address"]))
        }
        var feedback: CaseFeedback?
        if state == .answered, let f = try Row.fetchOne(db, sql: """
            SELECT f.*, s.uuid AS stay_uuid FROM case_feedback f LEFT JOIN stay s ON s.id = f.stay_id WHERE f.case_id = ?
            """, arguments: [id]) {
            feedback = CaseFeedback(uuid: f.uuid("uuid"), outcome: CaseOutcome(rawValue: f["outcome"]) ?? .notFound,
                                    reason: f["not_found_reason"], destinationRegion: f["destination_region"],
                                    destinationTownship: f["destination_township"], remark: f["remark"],
                                    verifiedName: f["verified_name"], verifiedAddress: f["verified_address"],
                                    stayUuid: f.optionalUUID("stay_uuid"),
                                    residentOfficerConfirmed: (f["resident_officer_confirmed"] as Int?).map { $0 == 1 },
                                    answeredBy: f["answered_by"], answeredAt: f["answered_at"], addressee: f["addressee"])
        }
        // Answered: where the answer found the person; open: where the register finds them now.
        let source: RecordSource? = if let feedback { feedback.outcome.recordSource } else {
            try (row["person_id"] as Int64?).map { try Self.recordSource(db, personId: $0) }
        }
        let allowed: [CaseOutcome] = switch state {
        case .paired: [.notFound] + CaseOutcome.found(in: source ?? .floating)
        case .unpaired, .new: [.notFound]
        case .answered: []
        }
        var idNumber: String?
        if full, let sealed = row["id_number_enc"] as Data? {
            idNumber = try cipher.openText(sealed, for: .caseIdNumber)
        }
        return VerificationCase(
            uuid: row.uuid("uuid"), caseNo: row["case_no"], type: row["case_type"], source: row["source"], name: row["name"],
            sex: row["sex"], birthDate: row.date("birth_date")!, idNumberMasked: row["id_number_masked"], idNumber: idNumber,
            address: row["address"], items: row.strings("items"), deadline: deadline, daysLeft: daysLeft,
            overdue: daysLeft < 0, unit: row["requesting_unit"], note: row["note"], receivedAt: row["received_at"],
            receivedOn: row.date("received_on")!, state: state, personUuid: row.optionalUUID("person_uuid"),
            pairBasis: (row["pair_basis"] as String?).flatMap(PairBasis.init(rawValue:)), xiaoquUuid: row.optionalUUID("xiaoqu_uuid"),
            recordSource: source, candidates: candidates, allowedOutcomes: allowed, feedback: feedback, answeredOn: answeredOn)
    }
}

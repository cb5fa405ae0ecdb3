import Foundation
import GRDB
import IDCard

extension RegisterStore {
    /// 人来登记 from a card read: finds the person by ID number (or creates them), refreshes their card
    /// snapshot, and checks them into the house. Kiosks may call this (self-service).
    ///
    /// Refused with field errors when the stay is invalid (arrival missing, before birth or in the future,
    /// codes not in the tables), the house is cancelled, or the person already lives in this house
    /// (`stay.duplicateActive`). Returns ``Outcome/needsConfirmation(_:)`` — writing nothing — when the
    /// person has an active stay elsewhere (一证多住) and `confirm.allowMultipleStays` is not set. Card
    /// and ID-number warnings come back on the ``Registration``.
    public func register(
        card: CardRead, into house: UUID, stay: StayDraft, phone: String? = nil,
        confirm: Confirmations = .none, by actor: Actor
    ) async throws -> Outcome<Registration> {
        try actor.requireRegistration(fromCard: true)
        return try await perform(actor, action: "person.registerFromCard") { db, journal, scope in
            var check = self.checker()
            let input = self.personInput(card: card, phone: phone, check: &check)
            return try self.registerValidated(db, input, check: check, house: house, stay: stay, confirm: confirm,
                                              scope: scope, journal: &journal)
        }
    }

    /// 人来登记 from typed details (no card at hand). With an ID number that is already registered the
    /// existing person is used (the name must match); without one, or with a new one, a person with the
    /// same name and birth date is a likely duplicate: ``Outcome/needsConfirmation(_:)`` until
    /// `confirm.confirmDuplicate` is set (or use ``checkIn(person:into:stay:confirm:by:)`` with the
    /// existing record).
    public func register(
        person: PersonDraft, into house: UUID, stay: StayDraft, confirm: Confirmations = .none, by actor: Actor
    ) async throws -> Outcome<Registration> {
        try actor.requireRegistration(fromCard: false)
        return try await perform(actor, action: "person.registerManual") { db, journal, scope in
            var check = self.checker()
            let input = self.personInput(draft: person, check: &check)
            return try self.registerValidated(db, input, check: check, house: house, stay: stay, confirm: confirm,
                                              scope: scope, journal: &journal)
        }
    }

    /// 人来登记 of a person already in the register (in scope) into a house.
    public func checkIn(
        person: UUID, into house: UUID, stay: StayDraft, confirm: Confirmations = .none, by actor: Actor
    ) async throws -> Outcome<Registration> {
        try actor.require(.registerPeople)
        return try await perform(actor, action: "stay.checkIn") { db, journal, scope in
            let personRow = try Lookup.person(db, person, scope).orNotFound(.person)
            let personId: Int64 = personRow["id"]
            let houseRow = try Lookup.house(db, house, scope).orNotFound(.house)
            var check = self.checker()
            let stayColumns = self.checkStay(&check, stay, birth: personRow.date("birth_date"), house: houseRow)
            try self.checkNoActiveStay(db, personId: personId, houseId: houseRow["id"], check: &check)
            try check.finish()
            let findings = try self.stayFindings(db, personId: personId, excludingHouse: houseRow["id"],
                                                 excludingStay: nil, scope: scope, confirm: confirm)
            if let pending = findings.pending { return .needsConfirmation(pending) }
            let stayId = try self.insertStay(db, personId: personId, houseId: houseRow["id"], stayColumns, journal: &journal)
            let record = try self.person(db, id: personId)
            return .done(Registration(person: record, stay: try self.stay(db, id: stayId), personCreated: false,
                                      warnings: record.warnings, confirmedFindings: findings.confirmed))
        }
    }

    func registerValidated(
        _ db: Database, _ input: PersonInput?, check: Checker, house: UUID, stay: StayDraft,
        confirm: Confirmations, scope: Scope, journal: inout Journal
    ) throws -> Outcome<Registration> {
        var check = check
        let houseRow = try Lookup.house(db, house, scope).orNotFound(.house)
        let houseId: Int64 = houseRow["id"]
        let stayColumns = checkStay(&check, stay, birth: input?.birthDate, house: houseRow)
        let existingId = try personId(db, idNumber: input?.idNumber)
        if let existingId, let input, input.entryMethod == .manual {
            let name = try String.fetchOne(db.cachedStatement(sql: "SELECT name FROM person WHERE id = ?"), arguments: [existingId])
            if name != input.name {
                check.add(FieldError(code: "person.nameMismatch", field: .name,
                                     message: "\"姓名\"与该身份号码已登记的姓名不一致"))
            }
        }
        if let existingId {
            try checkNoActiveStay(db, personId: existingId, houseId: houseId, check: &check)
        }
        try check.finish()
        guard let input else { throw RegistryError.validation([.required(.person)]) }

        var findings: (pending: [Finding]?, confirmed: [Finding])
        var duplicateConfirmed = false
        if let existingId {
            findings = try stayFindings(db, personId: existingId, excludingHouse: houseId, excludingStay: nil,
                                        scope: scope, confirm: confirm)
        } else {
            findings = try duplicateFindings(db, input, scope: scope, confirm: confirm)
            duplicateConfirmed = !findings.confirmed.isEmpty
        }
        if let pending = findings.pending { return .needsConfirmation(pending) }

        let personId: Int64
        if let existingId {
            try refreshPerson(db, id: existingId, with: input, journal: &journal)
            personId = existingId
        } else {
            personId = try insertPerson(db, input, duplicateConfirmed: duplicateConfirmed, journal: &journal)
        }
        let stayId = try insertStay(db, personId: personId, houseId: houseId, stayColumns, journal: &journal)
        return .done(Registration(
            person: try self.person(db, id: personId), stay: try self.stay(db, id: stayId), personCreated: existingId == nil,
            warnings: input.warnings, confirmedFindings: findings.confirmed))
    }

    /// Validates the stay part; returns its columns.
    func checkStay(_ check: inout Checker, _ stay: StayDraft, birth: RegisterDate?, house: Row) -> Columns {
        if house["status"] as Int == HouseStatus.cancelled.rawValue {
            check.add(FieldError(code: "house.cancelled", field: .house, message: "\"房屋\"已注销，不能登记入住"))
        }
        let arrival = check.date(stay.arrivalDate, .arrivalDate, required: true)
        check.order(arrival, notBefore: birth, .arrivalDate, earlierName: "出生日期")
        let relation = check.code(stay.relation, .relation, .relation, required: true)
        if let relation, let birth, let arrival, birth.years(until: arrival) < 18, ["10", "50"].contains(relation) {
            check.add(FieldError(code: "relation.minor", field: .relation,
                                 message: "\"与户主关系\"不能是\(relation == "10" ? "配偶" : "父母")：到达时未满18周岁"))
        }
        return [
            ("arrival_date", arrival?.description), ("relation", relation),
            ("planned_stay", check.code(stay.plannedStay, .plannedStay, .plannedStay, required: false)),
            ("residence_reason", check.code(stay.residenceReason, .residenceReason, .residenceReason, required: false)),
            ("housing_type", check.code(stay.housingType, .housingType, .housingType, required: false)),
        ]
    }

    /// `stay.duplicateActive` when the person already lives in this house.
    func checkNoActiveStay(_ db: Database, personId: Int64, houseId: Int64, check: inout Checker) throws {
        if try ImportQueries.hasActiveStay(db, personId: personId, houseId: houseId) {
            check.add(FieldError(code: "stay.duplicateActive", field: .house,
                                 message: "该人员已在此\"房屋\"登记在住，不能重复登记"))
        }
    }

    func insertStay(_ db: Database, personId: Int64, houseId: Int64, _ columns: Columns, journal: inout Journal) throws -> Int64 {
        let id = try RowWriter.insert(db, .stay, [("person_id", personId), ("house_id", houseId)] + columns
                                      + [("registered_by", journal.actor.userId)], at: journal.at)
        try journal.record(db, .stay, id: id, operation: .create, before: nil)
        return id
    }

    /// 一证多住: active stays of the person in other houses. `pending` is set when they need confirmation.
    func stayFindings(_ db: Database, personId: Int64, excludingHouse: Int64, excludingStay: Int64?, scope: Scope,
                      confirm: Confirmations) throws -> (pending: [Finding]?, confirmed: [Finding]) {
        let others = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT s.id, s.uuid, s.arrival_date, h.uuid AS house_uuid, h.address, h.xiaoqu_id
            FROM stay s JOIN house h ON h.id = s.house_id
            WHERE s.person_id = ? AND s.departure_date IS NULL AND s.house_id <> ? AND s.id IS NOT ?
            ORDER BY s.arrival_date
            """), arguments: [personId, excludingHouse, excludingStay])
        guard !others.isEmpty else { return (nil, []) }
        let visibleIds = try scope.visibleXiaoquIds(in: db)
        let visible = others.filter { visibleIds?.contains($0["xiaoqu_id"]) ?? true }.map {
            ActiveStaySummary(stayUuid: $0.uuid("uuid"), houseUuid: $0.uuid("house_uuid"), houseAddress: $0["address"],
                              arrivalDate: $0.date("arrival_date")!)
        }
        let finding = Finding.multipleStays(count: others.count, visible: visible)
        return confirm.allowMultipleStays ? (nil, [finding]) : ([finding], [])
    }

    /// Likely duplicates of a new person: same name and birth date, different or no ID number.
    func duplicateFindings(_ db: Database, _ input: PersonInput, scope: Scope,
                           confirm: Confirmations) throws -> (pending: [Finding]?, confirmed: [Finding]) {
        let hash = input.idNumber.map { cipher.hash(idNumber: $0) }
        let candidates = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT id, uuid, name, id_number_masked, sex, birth_date FROM person
            WHERE name = ? AND birth_date = ? AND (id_number_hash IS NULL OR id_number_hash IS NOT ?)
            ORDER BY id
            """), arguments: [input.name, input.birthDate.description, hash])
        guard !candidates.isEmpty else { return (nil, []) }
        var visible: [PersonSummary] = []
        for row in candidates {
            let filter = SQL(sql: "SELECT 1 FROM person p WHERE p.id = ? AND ", arguments: [row["id"] as Int64])
                + scope.personFilter("p.id")
            if try Bool.fetchOne(db, SQLRequest<Bool>(literal: filter, cached: true)) == true {
                visible.append(PersonSummary(row: row))
            }
        }
        let finding = Finding.likelyDuplicate(count: candidates.count, visible: visible)
        return confirm.confirmDuplicate ? (nil, [finding]) : ([finding], [])
    }
}

import Foundation
import GRDB
import IDCard

extension ResidentRecord {
    /// Validates the row with the register's checks (person, stay, departure), then writes: a new
    /// person or the found one (updated, see ``updatePerson``), and a new stay or the matched one
    /// (same person, house and 到达日期) updated. 一证多住 and a likely duplicate person are findings:
    /// the row waits for confirmation unless ``ImportOptions/confirmFindings``.
    func write(_ db: Database, _ context: inout ImportContext, journal: inout ImportJournal) throws -> RowResult {
        let store = context.store
        var check = context.checker()
        let prepared = self.prepared ?? PreparedPerson(person, store: store, today: context.today)
        let input = prepared.input
        prepared.errors.forEach { check.add($0) }
        var placeRefusal: RowRefusal?
        var found: HouseRef?
        do {
            guard let place else { throw RowRefusal(status: .invalid, items: []) }
            found = try context.house(db, place, creation, journal: &journal)
        } catch let refusal as RowRefusal {
            placeRefusal = refusal
        }
        let hash = prepared.hash
        let existing = try ImportQueries.personId(db, hash: hash)
        var matched: Row?
        if let existing, let found, let arrival = stay.arrivalDate {
            matched = try ImportQueries.stay(db, personId: existing, houseId: found.id, arrival: arrival)
        }
        var stayColumns = store.checkStay(&check, stay, birth: input?.birthDate,
                                          house: Row(["status": matched == nil ? found?.status ?? 0 : 0]))
        let departureColumns = checkDeparture(&check)
        var current: Row?
        if let existing, let input {
            current = try ImportQueries.person(db, id: existing)
            if current?["name"] as String? != input.name {
                check.add(FieldError(code: "person.nameMismatch", field: .name, message: "\"姓名\"与该身份号码已登记的姓名不一致"))
            }
            if let found, matched == nil, departure == nil,
               try ImportQueries.hasActiveStay(db, personId: existing, houseId: found.id) {
                try store.checkNoActiveStay(db, personId: existing, houseId: found.id, check: &check)
            }
        }
        try RowRefusal.finish(check, placeRefusal, kind: .residents)
        guard let input, let house = found else { throw RowRefusal(status: .invalid, items: []) }

        // Findings: nothing is written until they are confirmed.
        let confirm = context.options.confirmations
        if let existing, matched == nil, departure == nil,
           try ImportQueries.hasActiveStayElsewhere(db, personId: existing, houseId: house.id) {
            let findings = try store.stayFindings(db, personId: existing, excludingHouse: house.id, excludingStay: nil,
                                                  scope: context.scope, confirm: confirm)
            if let pending = findings.pending { throw RowRefusal.findings(pending) }
        }
        var duplicateConfirmed = false
        if existing == nil, try ImportQueries.hasNameBirthTwin(db, input, hash: hash) {
            let findings = try store.duplicateFindings(db, input, scope: context.scope, confirm: confirm)
            if let pending = findings.pending { throw RowRefusal.findings(pending) }
            duplicateConfirmed = !findings.confirmed.isEmpty
        }

        var created = false, updated = false
        let personId: Int64
        if let existing, let current {
            updated = try updatePerson(db, id: existing, current: current, input: input, store: store, journal: &journal)
            personId = existing
        } else {
            let values = try prepared.columns ?? store.personColumns(input).map { ($0.0, $0.1?.databaseValue ?? .null) }
            personId = try journal.create(db, .person, values: values + [("duplicate_confirmed", (duplicateConfirmed ? 1 : 0).databaseValue)]).id
            created = true
        }
        var warnings = RowResult.idWarnings(input.warnings, column: .idNumber)
        if let matched {
            stayColumns = keepAbsent(stayColumns)
            updated = try updateStay(db, matched, stayColumns, departureColumns, journal: &journal) || updated
            if departureColumns == nil, hasDeparture, let ended = matched["departure_date"] as String? {
                warnings.append(RowRefusal.Item(column: .departureDate, code: "stay.notActive",
                                                message: "该\"居住登记\"已于\(ended)注销（人走注销），导入不恢复"))
            }
        } else {
            var columns = stayColumns
            if let departureColumns { columns += departureColumns + [("departed_by", journal.actor.userId)] }
            try journal.create(db, .stay, [("person_id", personId), ("house_id", house.id)] + columns
                               + [("registered_by", journal.actor.userId)])
            created = true
        }
        return RowResult(status: RowResult.status(created: created, updated: updated), warnings: warnings)
    }

    /// The departure columns when the row has a 离开日期 or 离开原因.
    private func checkDeparture(_ check: inout Checker) -> Columns? {
        guard let departure else { return nil }
        let date = check.date(departure.departureDate, .departureDate, required: true)
        check.order(date, notBefore: stay.arrivalDate, .departureDate, earlierName: "\"到达本地日期\"")
        let reason = check.required(departure.reason, .departureReason, max: 200)
        return [("departure_date", date?.description), ("departure_reason", reason),
                ("cancel_flag", StayCancelFlag.cancelled.rawValue)]
    }

    /// Stay columns the file does not have are left out (they keep the stored value).
    private func keepAbsent(_ columns: Columns) -> Columns {
        columns.filter { name, _ in
            switch name {
            case "planned_stay": hasPlannedStay
            case "residence_reason": hasReason
            case "housing_type": hasHousingType
            default: true
            }
        }
    }

    /// Updates a matched stay: its codes, and its departure (人走注销 when the file has one and the stay is
    /// still active; a changed departure of an ended stay). An ended stay is never reopened by an import
    /// (the row gets a `stay.notActive` warning when its 离开日期 is empty).
    private func updateStay(_ db: Database, _ row: Row, _ columns: Columns, _ departure: Columns?,
                            journal: inout ImportJournal) throws -> Bool {
        let id: Int64 = row["id"]
        let active = (row["departure_date"] as String?) == nil
        var changes = columns.filter { $0.0 != "arrival_date" }.changed(from: row)
        var operation = RecordOperation.update
        if let departure {
            let departureChanges = departure.changed(from: row)
            if !departureChanges.isEmpty {
                changes += departureChanges
                if active {
                    changes.append(("departed_by", journal.actor.userId))
                    operation = .cancel
                }
            }
        }
        guard !changes.isEmpty else { return false }
        let before = try journal.before(db, .stay, id: id)
        try RowWriter.update(db, .stay, id: id, changes, at: journal.at)
        try journal.record(db, .stay, id: id, operation: operation, before: before)
        return true
    }

    /// Updates a found person from the row. Empty cells never clear anything. A person whose record
    /// came from a card read keeps the card's data (a card is authoritative): only the phone is taken
    /// from the file. A typed record takes 性别, 民族, 出生日期, 户籍地址 and 联系电话 from the file.
    private func updatePerson(_ db: Database, id: Int64, current: Row, input: PersonInput, store: RegisterStore,
                              journal: inout ImportJournal) throws -> Bool {
        var columns: Columns = []
        if current["entry_method"] as Int? == EntryMethod.manual.rawValue {
            if person.sex != nil { columns.append(("sex", input.sex)) }
            if let nation = input.nation { columns.append(("nation", nation)) }
            if person.birthDate != nil { columns.append(("birth_date", input.birthDate.description)) }
            if let address = input.address { columns.append(("address", address)) }
            columns = columns.changed(from: current)
        }
        if let phone = input.phone {
            let stored = try store.cipher.text(current, "phone_enc", .personPhone)
            if stored != phone {
                columns += [("phone_enc", try store.cipher.seal(text: phone, for: .personPhone)),
                            ("phone_hash", store.cipher.hash(phone: phone))]
            }
        }
        guard !columns.isEmpty else { return false }
        let before = try journal.before(db, .person, id: id)
        try RowWriter.update(db, .person, id: id, columns, at: journal.at)
        try journal.record(db, .person, id: id, operation: .update, before: before)
        return true
    }
}

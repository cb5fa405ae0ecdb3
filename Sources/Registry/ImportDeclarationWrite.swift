import Foundation
import GRDB
import IDCard

extension DeclarationRecord {
    /// Validates the row with the checks of ``RegisterStore/declareResidence(_:by:)`` and creates the
    /// declaration, or updates the one of the same person, house and 申报日期. The person must be
    /// registered (found by ID number, same name) with an active stay in the house for a new
    /// declaration. Minors already recorded (same name and birth date) are kept; new ones are added.
    func write(_ db: Database, _ context: inout ImportContext, journal: inout ImportJournal) throws -> RowResult {
        let store = context.store
        var check = context.checker()
        var refusal: RowRefusal?
        var house: HouseRef?
        do {
            guard let place else { throw RowRefusal(status: .invalid, items: []) }
            house = try context.house(db, place, PlaceCreationInfo(), journal: &journal)
        } catch let error as RowRefusal {
            refusal = error
        }
        var person: Person?
        var personId: Int64?
        if let found = try store.personId(db, idNumber: idNumber) {
            personId = found
            person = try store.person(db, id: found)
            if let name, person?.name != name {
                check.add(FieldError(code: "person.nameMismatch", field: .name, message: "\"姓名\"与该身份号码已登记的姓名不一致"))
            }
        } else if let idNumber {
            let item = RowRefusal.Item(column: .idNumber, code: RegistryError.Code.notFound.rawValue,
                                       message: "身份号码 \(IDNumber.mask(idNumber)) 的人员未登记，请先导入住户")
            refusal = RowRefusal(status: .invalid, items: (refusal?.items ?? []) + [item])
        } else {
            check.add(.required(.idNumber))
        }
        if name == nil { check.add(.required(.name)) }

        var existingId: Int64?
        var stayRow: Row?
        if let personId, let house {
            if let declaredOn = draft.declaredOn {
                existingId = try Int64.fetchOne(db, sql: """
                    SELECT id FROM declaration WHERE person_id = ? AND house_id = ? AND declared_on = ? ORDER BY id LIMIT 1
                    """, arguments: [personId, house.id, declaredOn.description])
            }
            stayRow = try Row.fetchOne(db, sql: """
                SELECT id, arrival_date FROM stay WHERE person_id = ? AND house_id = ? AND departure_date IS NULL
                """, arguments: [personId, house.id])
            if stayRow == nil, existingId == nil {
                check.add(FieldError(code: "declaration.noActiveStay", field: .house,
                                     message: "该人员在此\"房屋\"没有在住登记，请先办理人来登记（导入住户）"))
            }
        }
        let stored = try existingId.map { try store.declaration(db, id: $0) }
        let effective = effectiveDraft(stored)
        let validated = try validate(&check, effective, person: person, house: house, stayRow: stayRow, store: store)
        try RowRefusal.finish(check, refusal, kind: .declarations)
        guard let person, let personId, let house, var columns = validated.columns, let phone = validated.phone
        else { throw RowRefusal(status: .invalid, items: []) }
        let warnings = RowResult.idWarnings(person.warnings + validated.warnings, column: .idNumber)

        guard let existingId, let stored else {
            columns = [("person_id", personId), ("house_id", house.id), ("stay_id", stayRow?["id"] as Int64?),
                       ("name", person.name)] + columns + [
                ("id_number_enc", try store.cipher.seal(text: person.idNumber ?? "", for: .declarationIdNumber)),
                ("id_number_hash", store.cipher.hash(idNumber: person.idNumber ?? "")),
                ("phone_enc", try store.cipher.seal(text: phone, for: .declarationPhone)),
                ("phone_hash", store.cipher.hash(phone: phone)),
            ]
            let (id, _) = try journal.create(db, .declaration, columns)
            try insertMinors(db, validated.minors, declarationId: id, journal: &journal)
            return RowResult(status: .created, warnings: warnings)
        }
        let current = try RegisterStore.one(db, "SELECT d.* FROM declaration d", alias: "d", id: existingId)
        var changes = columns.filter { $0.0 != "employer_phone_enc" }.changed(from: current)
        if stored.employerPhone != validated.employerPhone {
            changes += columns.filter { $0.0 == "employer_phone_enc" }
        }
        if stored.phone != phone {
            changes += [("phone_enc", try store.cipher.seal(text: phone, for: .declarationPhone)),
                        ("phone_hash", store.cipher.hash(phone: phone))]
        }
        if !changes.isEmpty {
            let before = try journal.before(db, .declaration, id: existingId)
            try RowWriter.update(db, .declaration, id: existingId, changes, at: journal.at)
            try journal.record(db, .declaration, id: existingId, operation: .update, before: before)
        }
        let known = Set(stored.minors.map { "\($0.name)\u{1}\($0.birthDate)" })
        let added = validated.minors.filter { minor in
            !known.contains("\(minor.first { $0.0 == "name" }?.1 as? String ?? "")\u{1}\(minor.first { $0.0 == "birth_date" }?.1 as? String ?? "")")
        }
        try insertMinors(db, added, declarationId: existingId, journal: &journal)
        return RowResult(status: changes.isEmpty && added.isEmpty ? .unchanged : .updated, warnings: warnings)
    }

    private func insertMinors(_ db: Database, _ minors: [Columns], declarationId: Int64, journal: inout ImportJournal) throws {
        for minor in minors {
            try journal.create(db, .declarationMinor, [("declaration_id", declarationId)] + minor)
        }
    }

    /// The row's draft, with the stored values for the columns the file does not have.
    private func effectiveDraft(_ stored: ResidenceDeclaration?) -> DeclarationDraft {
        guard let stored else { return draft }
        var d = draft
        func keep<T>(_ key: ColumnKey, _ path: WritableKeyPath<DeclarationDraft, T?>, _ value: T?) {
            if !present.contains(key) { d[keyPath: path] = value }
        }
        keep(.currentAddress, \.currentAddress, stored.currentAddress)
        keep(.housingType, \.housingType, stored.housingType)
        keep(.residenceReason, \.residenceReason, stored.residenceReason)
        keep(.maritalStatus, \.maritalStatus, stored.maritalStatus)
        keep(.politicalStatus, \.politicalStatus, stored.politicalStatus)
        keep(.education, \.education, stored.education)
        keep(.militaryService, \.militaryService, stored.militaryService)
        keep(.arrivalDate, \.arrivalDate, stored.arrivalDate)
        keep(.plannedStay, \.plannedStay, stored.plannedStay)
        keep(.applyPermit, \.applyResidencePermit, stored.applyResidencePermit)
        keep(.phone, \.phone, stored.phone)
        keep(.hasEmployer, \.hasEmployer, stored.hasEmployer)
        keep(.occupation, \.occupation, stored.occupation)
        keep(.employerName, \.employerName, stored.employerName)
        keep(.employerManager, \.employerManager, stored.employerManager)
        keep(.employerPhone, \.employerPhone, stored.employerPhone)
        keep(.employerAddress, \.employerAddress, stored.employerAddress)
        keep(.yearsWorked, \.yearsWorked, stored.yearsWorked)
        keep(.labourContract, \.labourContract, stored.labourContract)
        keep(.insurance, \.insurance, stored.insurance)
        return d
    }
}

import Foundation
import GRDB
import IDCard

extension RegisterStore {
    /// 居住登记申报: records a residence declaration of a registered person (with an ID number) for the
    /// house they have an active stay in, with every field of seed 003 §3.8 and the accompanying minors.
    /// Kiosks may call this (self-service).
    public func declareResidence(_ draft: DeclarationDraft, by actor: Actor) async throws -> DeclarationResult {
        try actor.require(.declare)
        return try await perform(actor, action: "declaration.create") { db, journal, scope in
            try self.writeDeclaration(db, draft, scope: scope, journal: &journal)
        }
    }

    /// 自助申报 (the kiosk): 人来登记 from the card just read into `house` and 居住登记申报 for that stay, in
    /// one transaction — both are written or neither is. A field error of either part (a missing
    /// 与户主关系, 居住事由, 联系方式, …) leaves the register as it was, so the person can correct it and
    /// confirm again. `declaration.person` and `declaration.house` are set from the registration.
    ///
    /// A person already living in `house` (an earlier 人来登记, at the desk or a kiosk) declares for that
    /// stay: their card snapshot is refreshed, no second stay is opened (``SelfServiceDeclaration/newStay``
    /// is false), and the stay draft is not used.
    public func registerAndDeclare(
        card: CardRead, into house: UUID, stay: StayDraft, phone: String?, declaration: DeclarationDraft,
        confirm: Confirmations = .none, by actor: Actor
    ) async throws -> Outcome<SelfServiceDeclaration> {
        try actor.requireRegistration(fromCard: true)
        try actor.require(.declare)
        return try await perform(actor, action: "declaration.selfService") { db, journal, scope in
            var check = self.checker()
            let input = self.personInput(card: card, phone: phone, check: &check)
            if let input, let living = try self.activeStay(db, idNumber: input.idNumber, house: house, scope: scope) {
                try check.finish()
                try self.refreshPerson(db, id: living.person, with: input, journal: &journal)
                let registration = Registration(person: try self.person(db, id: living.person), stay: try self.stay(db, id: living.stay),
                                                personCreated: false, warnings: input.warnings, confirmedFindings: [])
                var draft = declaration
                draft.person = registration.person.uuid
                draft.house = house
                let result = try self.writeDeclaration(db, draft, scope: scope, journal: &journal)
                return .done(SelfServiceDeclaration(registration: registration, declaration: result, newStay: false))
            }
            let outcome = try self.registerValidated(db, input, check: check, house: house, stay: stay, confirm: confirm,
                                                     scope: scope, journal: &journal)
            guard case let .done(registration) = outcome else {
                if case let .needsConfirmation(findings) = outcome { return .needsConfirmation(findings) }
                throw RegistryError.validation([.required(.person)])
            }
            var draft = declaration
            draft.person = registration.person.uuid
            draft.house = house
            let result = try self.writeDeclaration(db, draft, scope: scope, journal: &journal)
            return .done(SelfServiceDeclaration(registration: registration, declaration: result, newStay: true))
        }
    }

    /// The person with this ID number and their active stay in `house` (in scope), if they live there.
    func activeStay(_ db: Database, idNumber: String?, house: UUID, scope: Scope) throws -> (person: Int64, stay: Int64)? {
        guard let personId = try personId(db, idNumber: idNumber),
              let houseRow = try Lookup.house(db, house, scope),
              let stayId = try ImportQueries.activeStayId(db, personId: personId, houseId: houseRow["id"])
        else { return nil }
        return (personId, stayId)
    }

    /// The declaration part of ``declareResidence(_:by:)`` inside a write.
    func writeDeclaration(_ db: Database, _ draft: DeclarationDraft, scope: Scope, journal: inout Journal) throws -> DeclarationResult {
        let personRow = try Lookup.person(db, try draft.person.orRequired(.person), scope).orNotFound(.person)
        let houseRow = try Lookup.house(db, try draft.house.orRequired(.house), scope).orNotFound(.house)
        let person = try Person(row: personRow, cipher: self.cipher)
        let personId: Int64 = personRow["id"]
        let houseId: Int64 = houseRow["id"]
        let stayRow = try Row.fetchOne(db, sql: """
            SELECT id, arrival_date FROM stay WHERE person_id = ? AND house_id = ? AND departure_date IS NULL
            """, arguments: [personId, houseId])
        var check = self.checker()
        if stayRow == nil {
            check.add(FieldError(code: "declaration.noActiveStay", field: .house,
                                 message: "该人员在此\"房屋\"没有在住登记，请先办理人来登记"))
        }
        if person.idNumber == nil { check.add(.required(.idNumber)) }
        let declaredOn = check.date(draft.declaredOn ?? self.today, .declaredOn, required: true)
        let arrival = check.date(draft.arrivalDate ?? stayRow?.date("arrival_date"), .arrivalDate, required: true)
        check.order(arrival, notBefore: person.birthDate, .arrivalDate, earlierName: "出生日期")
        check.order(declaredOn, notBefore: arrival, .declaredOn, earlierName: "\"到达本地日期\"")
        let address = check.required(draft.currentAddress ?? houseRow["address"], .currentAddress, max: 300)
        let phone = self.checkPhone(&check, draft.phone ?? person.phone, .phone, required: true)
        if draft.applyResidencePermit == nil { check.add(.required(.applyResidencePermit)) }
        if draft.hasEmployer == nil { check.add(.required(.hasEmployer)) }
        var columns: Columns = [
            ("person_id", personId), ("house_id", houseId), ("stay_id", stayRow?["id"] as Int64?),
            ("declared_on", declaredOn?.description), ("name", person.name),
            ("current_address", address),
            ("housing_type", check.code(draft.housingType, .housingType, .housingType, required: true)),
            ("residence_reason", check.code(draft.residenceReason, .residenceReason, .residenceReason, required: true)),
            ("marital_status", check.code(draft.maritalStatus, .maritalStatus, .maritalStatus, required: false)),
            ("political_status", check.code(draft.politicalStatus, .politicalStatus, .politicalStatus, required: false)),
            ("education", check.code(draft.education, .education, .education, required: false)),
            ("military_service", check.code(draft.militaryService, .militaryService, .militaryService, required: false)),
            ("arrival_date", arrival?.description),
            ("planned_stay", check.code(draft.plannedStay, .plannedStay, .plannedStay, required: true)),
            ("apply_residence_permit", draft.applyResidencePermit.map { $0 ? 1 : 0 }),
            ("has_employer", draft.hasEmployer.map { $0 ? 1 : 0 }),
            ("occupation", check.optional(draft.occupation, .occupation, max: 100)),
        ]
        columns += try self.employerColumns(&check, draft)
        var minors: [Columns] = []
        var warnings = person.warnings
        for (index, minor) in draft.minors.enumerated() {
            var rowCheck = self.checker(path: "minors[\(index)]")
            let (minorColumns, minorWarnings) = try self.minorColumns(&rowCheck, minor, declaredOn: declaredOn)
            check.add(contentsOf: rowCheck)
            minors.append(minorColumns)
            warnings += minorWarnings
        }
        try check.finish()
        guard let idNumber = person.idNumber, let phone else { throw RegistryError.validation([.required(.idNumber)]) }
        columns += [
            ("id_number_enc", try self.cipher.seal(text: idNumber, for: .declarationIdNumber)),
            ("id_number_hash", self.cipher.hash(idNumber: idNumber)),
            ("phone_enc", try self.cipher.seal(text: phone, for: .declarationPhone)),
            ("phone_hash", self.cipher.hash(phone: phone)),
        ]
        let id = try RowWriter.insert(db, .declaration, columns, at: journal.at)
        try journal.record(db, .declaration, id: id, operation: .create, before: nil)
        for minor in minors {
            let minorId = try RowWriter.insert(db, .declarationMinor, [("declaration_id", id)] + minor, at: journal.at)
            try journal.record(db, .declarationMinor, id: minorId, operation: .create, before: nil)
        }
        var seen = Set<CardWarning>()
        return DeclarationResult(declaration: try self.declaration(db, id: id),
                                 warnings: warnings.filter { seen.insert($0).inserted })
    }

    func employerColumns(_ check: inout Checker, _ draft: DeclarationDraft) throws -> Columns {
        let name = check.optional(draft.employerName, .employerName, max: 200)
        let manager = check.optional(draft.employerManager, .employerManager, max: 50)
        let phone = checkPhone(&check, draft.employerPhone, .employerPhone)
        let address = check.optional(draft.employerAddress, .employerAddress, max: 300)
        if draft.hasEmployer == true, name == nil { check.add(.required(.employerName)) }
        if draft.hasEmployer == false, name != nil || manager != nil || draft.employerPhone != nil || address != nil {
            check.add(.invalid(.hasEmployer, "选择\"无工作单位\"时不应填写工作单位信息"))
        }
        if let years = draft.yearsWorked, !(0...80).contains(years) { check.add(.invalid(.yearsWorked, "应为0至80")) }
        return [
            ("employer_name", name), ("employer_pinyin", pinyin(name)), ("employer_manager", manager),
            ("employer_phone_enc", try cipher.seal(optional: phone, for: .declarationEmployerPhone)),
            ("employer_address", address), ("years_worked", draft.yearsWorked),
            ("labour_contract", check.code(draft.labourContract, .labourContract, .labourContract, required: false)),
            ("insurance", check.code(draft.insurance, .insurance, .insurance, required: false)),
        ]
    }

    func minorColumns(_ check: inout Checker, _ minor: MinorDraft,
                              declaredOn: RegisterDate?) throws -> (Columns, [CardWarning]) {
        let name = check.required(minor.name, .name, max: 100)
        let sex = check.code(minor.sex, .sex, .sex, required: true)
        let idNumber = minor.idNumber.map(IDNumber.normalize).flatMap { $0.isEmpty ? nil : $0 }
        let birth = check.date(minor.birthDate ?? idNumber.flatMap { RegisterDate(IDNumber.birthDate(of: $0)) },
                               .birthDate, required: true)
        if let birth, let declaredOn, birth.years(until: declaredOn) >= 18 {
            check.add(FieldError(code: "declaration.notMinor", field: .birthDate,
                                 message: "随行人员已满18周岁，不是未成年人：\"出生日期\"有误或应单独申报", path: check.path))
        }
        let relation = check.code(minor.relation, .relation, .relation, required: true)
        let warnings = idNumber.map { IDNumber.validate($0, cardType: .resident) } ?? []
        return ([
            ("name", name), ("sex", sex), ("birth_date", birth?.description),
            ("id_number_enc", try cipher.seal(optional: idNumber, for: .minorIdNumber)),
            ("id_number_hash", idNumber.map { cipher.hash(idNumber: $0) }), ("relation", relation),
        ], warnings)
    }
}

/// What ``RegisterStore/registerAndDeclare(card:into:stay:phone:declaration:confirm:by:)`` wrote.
public struct SelfServiceDeclaration: Sendable, Hashable {
    /// The person and their stay (new, or the one they already had in the house: ``newStay``).
    public var registration: Registration
    /// The declaration for that stay.
    public var declaration: DeclarationResult
    /// False when the person already lived in the house and declared for their existing stay.
    public var newStay: Bool
}

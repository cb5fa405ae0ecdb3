import Foundation
import GRDB
import IDCard

/// A declaration row checked: its columns (without the person, house and sealed identity columns),
/// the phone to seal, and the minors' columns.
struct ValidatedDeclaration {
    var columns: Columns?
    var phone: String?
    var employerPhone: String?
    var minors: [Columns] = []
    var warnings: [CardWarning] = []
}

extension DeclarationRecord {
    /// The checks of ``RegisterStore/declareResidence(_:by:)`` on a row: dates in order (birth ≤
    /// arrival ≤ 申报日期, none in the future), codes from the tables, required fields, the employer
    /// rules, minors under 18.
    func validate(_ check: inout Checker, _ draft: DeclarationDraft, person: Person?, house: HouseRef?, stayRow: Row?,
                  store: RegisterStore) throws -> ValidatedDeclaration {
        let declaredOn = check.date(draft.declaredOn, .declaredOn, required: true)
        let arrival = check.date(draft.arrivalDate ?? stayRow?.date("arrival_date"), .arrivalDate, required: true)
        check.order(arrival, notBefore: person?.birthDate, .arrivalDate, earlierName: "出生日期")
        check.order(declaredOn, notBefore: arrival, .declaredOn, earlierName: "\"到达本地日期\"")
        let address = check.required(draft.currentAddress ?? house?.address, .currentAddress, max: 300)
        let phone = store.checkPhone(&check, draft.phone ?? person?.phone, .phone, required: true)
        if draft.applyResidencePermit == nil { check.add(.required(.applyResidencePermit)) }
        if draft.hasEmployer == nil { check.add(.required(.hasEmployer)) }
        var columns: Columns = [
            ("declared_on", declaredOn?.description), ("current_address", address),
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
        var employerCheck = store.checker()
        columns += try store.employerColumns(&employerCheck, draft)
        check.add(contentsOf: employerCheck)
        var result = ValidatedDeclaration(columns: columns, phone: phone)
        if employerCheck.errors.isEmpty, let employerPhone = draft.employerPhone {
            result.employerPhone = PhoneNumber.normalize(employerPhone)
        }
        for (index, minor) in draft.minors.enumerated() {
            let group = index < minorGroups.count ? minorGroups[index] : index
            var rowCheck = store.checker(path: "minors[\(group)]")
            let (minorColumns, minorWarnings) = try store.minorColumns(&rowCheck, minor, declaredOn: declaredOn)
            check.add(contentsOf: rowCheck)
            result.minors.append(minorColumns)
            result.warnings += minorWarnings
        }
        if !check.errors.isEmpty { result.columns = nil }
        return result
    }
}

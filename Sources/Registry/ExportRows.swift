import Foundation
import GRDB

/// The data rows of each kind, in the column order of its ``SheetLayout``.
struct ExportRows {
    let layout: SheetLayout
    let format: ExportFormat
    let filter: ExportFilter

    /// One row from cell values by key (missing keys are empty cells).
    func ordered(_ values: [ColumnKey: String], minors: Int = 0) -> [String] {
        (layout.columns.filter(\.exported) + layout.minorColumns(count: minors)).map { values[$0.key] ?? "" }
    }

    func houses(_ db: Database) throws -> [[String]] {
        let sql = SQL(sql: """
            SELECT h.*, \(ExportFilter.placeSelect),
                   lp.name AS l_name, lp.id_number_enc AS l_id, lp.phone_enc AS l_phone,
                   sp.name AS s_name, sp.id_number_enc AS s_id, sp.phone_enc AS s_phone
            FROM house h \(ExportFilter.placeJoins)
            LEFT JOIN person lp ON lp.id = h.landlord_person_id LEFT JOIN person sp ON sp.id = h.security_person_id
            WHERE
            """) + filter.sql("h.xiaoqu_id") + SQL(sql: " ORDER BY h.xiaoqu_id, h.building_id, h.unit_id, h.id")
        return try Row.fetchAll(db, SQLRequest<Row>(literal: sql)).map { row in
            var v = location(row)
            v[.floor] = format.number(row, "floor")
            v[.houseAddress] = format.text(row, "address")
            v[.area] = format.number(row, "area")
            v[.usage] = format.code(row, "usage", .houseUsage)
            v[.rentalStatus] = ExportFormat.rentalStatus(row["rental_status"])
            v[.rentalUse] = format.code(row, "rental_use", .rentalUse)
            v[.rentedRooms] = format.number(row, "rented_rooms")
            v[.rentedArea] = format.number(row, "rented_area")
            v[.landlordName] = format.name(row, "l_name")
            v[.landlordId] = try format.idNumber(row, "l_id", .personIdNumber)
            v[.landlordPhone] = try format.phone(row, "l_phone", .personPhone)
            v[.securityName] = format.name(row, "s_name")
            v[.securityId] = try format.idNumber(row, "s_id", .personIdNumber)
            v[.securityPhone] = try format.phone(row, "s_phone", .personPhone)
            v[.rentalFiling] = format.text(row, "rental_filing_number")
            return ordered(v)
        }
    }

    func residents(_ db: Database, currentOnly: Bool) throws -> [[String]] {
        let sql = SQL(sql: """
            SELECT s.*, \(ExportFilter.placeSelect), p.name AS p_name, p.id_number_enc, p.document_type, p.sex,
                   p.nation, p.birth_date, p.address AS p_address, p.phone_enc
            FROM stay s JOIN person p ON p.id = s.person_id JOIN house h ON h.id = s.house_id \(ExportFilter.placeJoins)
            WHERE \(currentOnly ? "s.departure_date IS NULL AND " : "")
            """) + filter.sql("h.xiaoqu_id") + SQL(sql: " ORDER BY s.id")
        return try Row.fetchAll(db, SQLRequest<Row>(literal: sql)).map { row in
            var v = location(row)
            v[.name] = format.text(row, "p_name")
            v[.idNumber] = try format.idNumber(row, "id_number_enc", .personIdNumber)
            v[.documentType] = ExportFormat.documentType(row["document_type"])
            v[.sex] = format.code(row, "sex", .sex)
            v[.nation] = format.code(row, "nation", .nation)
            v[.birthDate] = format.text(row, "birth_date")
            v[.address] = format.text(row, "p_address")
            v[.phone] = try format.phone(row, "phone_enc", .personPhone)
            v[.relation] = format.code(row, "relation", .relation)
            v[.arrivalDate] = format.text(row, "arrival_date")
            v[.plannedStay] = format.code(row, "planned_stay", .plannedStay)
            v[.residenceReason] = format.code(row, "residence_reason", .residenceReason)
            v[.housingType] = format.code(row, "housing_type", .housingType)
            v[.departureDate] = format.text(row, "departure_date")
            v[.departureReason] = format.text(row, "departure_reason")
            return ordered(v)
        }
    }

    /// Declarations with their minors; the number of minor column groups is the longest list (at least
    /// the layout's).
    func declarations(_ db: Database) throws -> (rows: [[String]], minorGroups: Int) {
        let sql = SQL(sql: """
            SELECT d.*, \(ExportFilter.placeSelect) FROM declaration d JOIN house h ON h.id = d.house_id
            \(ExportFilter.placeJoins) WHERE
            """) + filter.sql("h.xiaoqu_id") + SQL(sql: " ORDER BY d.id")
        let rows = try Row.fetchAll(db, SQLRequest<Row>(literal: sql))
        let minorSQL = SQL(sql: """
            SELECT m.* FROM declaration_minor m JOIN declaration d ON d.id = m.declaration_id JOIN house h ON h.id = d.house_id
            WHERE
            """) + filter.sql("h.xiaoqu_id") + SQL(sql: " ORDER BY m.declaration_id, m.id")
        let minors = Dictionary(grouping: try Row.fetchAll(db, SQLRequest<Row>(literal: minorSQL))) { $0["declaration_id"] as Int64 }
        let groups = max(layout.minorGroups, minors.values.map(\.count).max() ?? 0)
        let out = try rows.map { row in
            var v = location(row)
            v[.name] = format.text(row, "name")
            v[.idNumber] = try format.idNumber(row, "id_number_enc", .declarationIdNumber)
            v[.declaredOn] = format.text(row, "declared_on")
            v[.currentAddress] = format.text(row, "current_address")
            v[.housingType] = format.code(row, "housing_type", .housingType)
            v[.residenceReason] = format.code(row, "residence_reason", .residenceReason)
            v[.maritalStatus] = format.code(row, "marital_status", .maritalStatus)
            v[.politicalStatus] = format.code(row, "political_status", .politicalStatus)
            v[.education] = format.code(row, "education", .education)
            v[.militaryService] = format.code(row, "military_service", .militaryService)
            v[.arrivalDate] = format.text(row, "arrival_date")
            v[.plannedStay] = format.code(row, "planned_stay", .plannedStay)
            v[.applyPermit] = format.flag(row, "apply_residence_permit")
            v[.phone] = try format.phone(row, "phone_enc", .declarationPhone)
            v[.hasEmployer] = format.flag(row, "has_employer", yes: "有", no: "无")
            v[.occupation] = format.text(row, "occupation")
            v[.employerName] = format.text(row, "employer_name")
            v[.employerManager] = format.text(row, "employer_manager")
            v[.employerPhone] = try format.phone(row, "employer_phone_enc", .declarationEmployerPhone)
            v[.employerAddress] = format.text(row, "employer_address")
            v[.yearsWorked] = format.number(row, "years_worked")
            v[.labourContract] = format.code(row, "labour_contract", .labourContract)
            v[.insurance] = format.code(row, "insurance", .insurance)
            for (index, minor) in (minors[row["id"] as Int64] ?? []).enumerated() {
                v[.minor(index, .name)] = format.text(minor, "name")
                v[.minor(index, .sex)] = format.code(minor, "sex", .sex)
                v[.minor(index, .birthDate)] = format.text(minor, "birth_date")
                v[.minor(index, .idNumber)] = try format.idNumber(minor, "id_number_enc", .minorIdNumber)
                v[.minor(index, .relation)] = format.code(minor, "relation", .relation)
            }
            return ordered(v, minors: groups)
        }
        return (out, groups)
    }

    private func location(_ row: Row) -> [ColumnKey: String] {
        let cells = ExportFilter.location(row)
        return [.community: cells[0], .xiaoqu: cells[1], .building: cells[2], .unit: cells[3],
                .room: row["h_room"] ?? ""]
    }
}

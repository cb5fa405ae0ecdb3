import IDCard

/// Why one row is not written: invalid (with its problems) or waiting for confirmation of findings.
/// Thrown inside the row's savepoint, so whatever the row wrote is rolled back.
struct RowRefusal: Error {
    /// One reason, on a column (`nil`: the row as a whole).
    struct Item: Sendable {
        var column: ColumnKey?
        var code: String
        var message: String
    }

    var status: ImportRowStatus
    var items: [Item]

    /// An invalid row with one reason.
    static func invalid(_ column: ColumnKey?, _ code: String, _ message: String) -> RowRefusal {
        RowRefusal(status: .invalid, items: [Item(column: column, code: code, message: message)])
    }

    /// A row waiting for these findings to be confirmed.
    static func findings(_ findings: [Finding]) -> RowRefusal {
        RowRefusal(status: .needsConfirmation, items: findings.map {
            Item(column: $0.code == "person.likelyDuplicate" ? .name : nil, code: $0.code,
                 message: $0.message + "（确认后可使用 --confirm-findings 重新导入）")
        })
    }

    /// Throws the field errors of `check` together with `other` (a place not found …), if any.
    static func finish(_ check: Checker, _ other: RowRefusal?, kind: SheetKind) throws {
        var items = other?.items ?? []
        if !check.errors.isEmpty { items += from(RegistryError.validation(check.errors), kind: kind).items }
        if other != nil || !items.isEmpty { throw RowRefusal(status: .invalid, items: items) }
    }

    /// The reasons of a ``RegistryError`` thrown by the register's checks: each field error on the
    /// column holding its field.
    static func from(_ error: RegistryError, kind: SheetKind) -> RowRefusal {
        if error.code == .validationFailed, !error.fieldErrors.isEmpty {
            return RowRefusal(status: .invalid, items: error.fieldErrors.map {
                Item(column: ImportFieldColumns.column(forField: $0.field, kind: kind), code: $0.code, message: $0.message)
            })
        }
        return .invalid(nil, error.code.rawValue, error.message)
    }
}

/// The column that holds a register ``Field`` (by its API key, `landlord.idNumber`, `minors[0].sex`).
enum ImportFieldColumns {
    static func column(forField path: String, kind: SheetKind) -> ColumnKey? {
        if path.hasPrefix("minors["), let close = path.firstIndex(of: "]"),
           let index = Int(path[path.index(path.startIndex, offsetBy: 7)..<close]) {
            let field = path[path.index(after: close)...].drop { $0 == "." }
            let part = MinorPart(rawValue: String(field)) ?? .name
            return .minor(index, part)
        }
        for (prefix, name, id, phone) in [("landlord.", ColumnKey.landlordName, ColumnKey.landlordId, ColumnKey.landlordPhone),
                                          ("securityPerson.", .securityName, .securityId, .securityPhone)]
        where path.hasPrefix(prefix) {
            switch path.dropFirst(prefix.count) {
            case "name": return name
            case "phone": return phone
            default: return id
            }
        }
        guard let field = Field(rawValue: path) else { return nil }
        return column(for: field, kind: kind)
    }

    private static func column(for field: Field, kind: SheetKind) -> ColumnKey? {
        switch field {
        case .community, .communityName: .community
        case .xiaoqu, .xiaoquName: .xiaoqu
        case .xiaoquAddress: .xiaoquAddress
        case .regionCode: .regionCode
        case .building, .buildingName: .building
        case .unit, .unitName: .unit
        case .roomNumber: .room
        case .floor: .floor
        case .houseAddress: .houseAddress
        case .area: .area
        case .usage: .usage
        case .rentalStatus: .rentalStatus
        case .rentalUse: .rentalUse
        case .rentedRooms: .rentedRooms
        case .rentedArea: .rentedArea
        case .landlord: .landlordName
        case .securityPerson: .securityName
        case .rentalFilingNumber: .rentalFiling
        case .documentType: .documentType
        case .idNumber: .idNumber
        case .name: .name
        case .sex: .sex
        case .nation: .nation
        case .birthDate: kind == .declarations ? .idNumber : .birthDate
        case .address: .address
        case .phone: .phone
        case .arrivalDate: .arrivalDate
        case .relation: .relation
        case .plannedStay: .plannedStay
        case .residenceReason: .residenceReason
        case .housingType: .housingType
        case .departureDate: .departureDate
        case .departureReason: .departureReason
        case .declaredOn: .declaredOn
        case .currentAddress: .currentAddress
        case .maritalStatus: .maritalStatus
        case .politicalStatus: .politicalStatus
        case .education: .education
        case .militaryService: .militaryService
        case .applyResidencePermit: .applyPermit
        case .hasEmployer: .hasEmployer
        case .occupation: .occupation
        case .employerName: .employerName
        case .employerManager: .employerManager
        case .employerPhone: .employerPhone
        case .employerAddress: .employerAddress
        case .yearsWorked: .yearsWorked
        case .labourContract: .labourContract
        case .insurance: .insurance
        default: nil
        }
    }
}

extension CardWarning {
    /// Whether the warning is about the ID number (the ones an import reports).
    var isIdNumberWarning: Bool { rawValue.hasPrefix("idNumber.") }
}

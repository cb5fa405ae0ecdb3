import IDCard

/// A row of a declarations sheet: every field of the residence declaration (domain.md §4) of a
/// registered person for the house they live in, with up to any number of 随行未成年人 column groups.
struct DeclarationRecord: ImportRecord {
    var place: PlaceNames?
    var name: String?
    var idNumber: String?
    var draft: DeclarationDraft
    /// The column group (0-based) of each of `draft.minors`, for reports.
    var minorGroups: [Int]
    /// Columns present in the file (an absent column keeps the stored value of an existing declaration).
    var present: Set<ColumnKey>

    static let keyDescription = "同一身份号码、房屋和申报日期"

    init(_ cells: inout RowCells) {
        place = ResidentRecord.place(&cells)
        name = cells.text(.name)
        idNumber = cells.idNumber(.idNumber)
        draft = DeclarationDraft(
            declaredOn: cells.date(.declaredOn), currentAddress: cells.text(.currentAddress),
            housingType: cells.code(.housingType, .housingType), residenceReason: cells.code(.residenceReason, .residenceReason),
            maritalStatus: cells.code(.maritalStatus, .maritalStatus),
            politicalStatus: cells.code(.politicalStatus, .politicalStatus), education: cells.code(.education, .education),
            militaryService: cells.code(.militaryService, .militaryService), arrivalDate: cells.date(.arrivalDate),
            plannedStay: cells.code(.plannedStay, .plannedStay), applyResidencePermit: cells.flag(.applyPermit),
            phone: cells.text(.phone), hasEmployer: cells.flag(.hasEmployer), occupation: cells.text(.occupation),
            employerName: cells.text(.employerName), employerManager: cells.text(.employerManager),
            employerPhone: cells.text(.employerPhone), employerAddress: cells.text(.employerAddress),
            yearsWorked: cells.integer(.yearsWorked), labourContract: cells.code(.labourContract, .labourContract),
            insurance: cells.code(.insurance, .insurance))
        let minors = Self.minors(&cells)
        draft.minors = minors.map(\.minor)
        minorGroups = minors.map(\.group)
        present = Set(SheetKind.declarations.layout.columns.map(\.key).filter(cells.has))
        if cells.map.minorGroups > 0 { present.insert(.minor(0, .name)) }
    }

    /// The filled 随行未成年人 groups, in order.
    private static func minors(_ cells: inout RowCells) -> [(group: Int, minor: MinorDraft)] {
        var minors: [(group: Int, minor: MinorDraft)] = []
        for index in 0..<cells.map.minorGroups {
            let parts = MinorPart.allCases.map { cells.text(.minor(index, $0)) }
            guard parts.contains(where: { $0 != nil }) else { continue }
            let number = cells.idNumber(.minor(index, .idNumber))
            minors.append((index, MinorDraft(
                name: cells.text(.minor(index, .name)),
                sex: cells.code(.minor(index, .sex), .sex) ?? ImportValues.sex(ofIdNumber: number),
                birthDate: cells.date(.minor(index, .birthDate)), idNumber: number,
                relation: cells.code(.minor(index, .relation), .relation))))
        }
        return minors
    }

    var fileKey: String? {
        guard let idNumber, let place, let declaredOn = draft.declaredOn else { return nil }
        return [idNumber, place.houseKey, declaredOn.description].joined(separator: "\u{2}")
    }
}

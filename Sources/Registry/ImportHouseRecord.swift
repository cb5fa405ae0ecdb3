import IDCard

/// A row of a houses sheet: the house at 小区 + 楼栋 + 单元 + 房号, with its landlord and 治安责任人
/// given by name, ID number and phone (found by ID number, or created).
struct HouseRecord: ImportRecord {
    var place: PlaceNames?
    var creation: PlaceCreationInfo
    var floor: Int?
    var address: String?
    var area: Double?
    var usage: String?
    var rentalStatus: RentalStatus?
    var rentalUse: String?
    var rentedRooms: Int?
    var rentedArea: Double?
    var landlord: PersonDraft?
    var securityPerson: PersonDraft?
    var rentalFilingNumber: String?
    /// Columns present in the file (an absent column keeps the stored value of an existing house).
    var present: Set<ColumnKey>

    static let keyDescription = "同一小区、楼栋、单元和房号"

    init(_ cells: inout RowCells) {
        place = ResidentRecord.place(&cells)
        creation = PlaceCreationInfo(regionCode: cells.text(.regionCode), streetOffice: cells.text(.streetOffice),
                                     xiaoquAddress: cells.text(.xiaoquAddress))
        floor = cells.integer(.floor)
        address = cells.text(.houseAddress)
        area = cells.decimal(.area)
        usage = cells.code(.usage, .houseUsage)
        if let text = cells.text(.rentalStatus) {
            rentalStatus = ImportValues.rentalStatus(text)
            if rentalStatus == nil {
                cells.problem(.rentalStatus, code: "field.badCode", "\"\(cells.header(.rentalStatus))\"应为未出租、出租或部分出租：\"\(text)\"")
            }
        }
        rentalUse = cells.code(.rentalUse, .rentalUse)
        rentedRooms = cells.integer(.rentedRooms)
        rentedArea = cells.decimal(.rentedArea)
        landlord = Self.person(&cells, name: .landlordName, id: .landlordId, phone: .landlordPhone)
        securityPerson = Self.person(&cells, name: .securityName, id: .securityId, phone: .securityPhone)
        rentalFilingNumber = cells.text(.rentalFiling)
        present = Set(SheetKind.houses.layout.columns.map(\.key).filter(cells.has))
    }

    /// A landlord or 治安责任人 when any of their cells is filled; 性别 and 出生日期 come from the number.
    private static func person(_ cells: inout RowCells, name: ColumnKey, id: ColumnKey, phone: ColumnKey) -> PersonDraft? {
        let number = cells.idNumber(id)
        guard cells.text(name) != nil || number != nil || cells.text(phone) != nil else { return nil }
        return PersonDraft(documentType: .residentCard, idNumber: number, name: cells.text(name),
                           sex: ImportValues.sex(ofIdNumber: number), phone: cells.text(phone))
    }

    var fileKey: String? { place?.houseKey }
}

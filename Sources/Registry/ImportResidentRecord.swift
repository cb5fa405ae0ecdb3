import IDCard

/// A row of a residents sheet: a person (found by ID number or new), the house they live in, and the
/// stay (人来登记, and 人走注销 when 离开日期 is filled).
struct ResidentRecord: ImportRecord {
    var place: PlaceNames?
    var creation: PlaceCreationInfo
    var person: PersonDraft
    var stay: StayDraft
    var departure: DepartureDraft?
    /// Which optional stay columns the file has (an absent column keeps the stored value).
    var hasPlannedStay: Bool, hasReason: Bool, hasHousingType: Bool, hasDeparture: Bool
    /// The person validated and sealed ahead of the write.
    var prepared: PreparedPerson?

    static let keyDescription = "同一身份号码、房屋和到达日期"

    init(_ cells: inout RowCells) {
        let idNumber = cells.idNumber(.idNumber)
        var documentType = DocumentType.residentCard
        if let text = cells.text(.documentType) {
            if let type = ImportValues.documentType(text, idNumber: idNumber) {
                documentType = type
            } else {
                cells.problem(.documentType, code: "field.badCode", "\"证件类型\"\"\(text)\"不正确（应为居民身份证、港澳台居民居住证、外国人永久居留身份证或其他）")
            }
        }
        let derivedSex = documentType == .residentCard || documentType == .hkMacaoTaiwanPermit
            ? ImportValues.sex(ofIdNumber: idNumber) : nil
        person = PersonDraft(
            documentType: documentType, idNumber: idNumber, name: cells.text(.name),
            sex: cells.code(.sex, .sex) ?? derivedSex, nation: cells.code(.nation, .nation),
            birthDate: cells.date(.birthDate), address: cells.text(.address), phone: cells.text(.phone))
        place = Self.place(&cells)
        creation = PlaceCreationInfo(regionCode: cells.text(.regionCode), streetOffice: cells.text(.streetOffice),
                                     xiaoquAddress: cells.text(.xiaoquAddress))
        stay = StayDraft(arrivalDate: cells.date(.arrivalDate), relation: cells.code(.relation, .relation),
                         plannedStay: cells.code(.plannedStay, .plannedStay),
                         residenceReason: cells.code(.residenceReason, .residenceReason),
                         housingType: cells.code(.housingType, .housingType))
        let departureDate = cells.date(.departureDate)
        let departureReason = cells.text(.departureReason)
        if departureDate != nil || departureReason != nil || cells.text(.departureDate) != nil {
            departure = DepartureDraft(departureDate: departureDate, reason: departureReason)
        }
        hasPlannedStay = cells.has(.plannedStay)
        hasReason = cells.has(.residenceReason)
        hasHousingType = cells.has(.housingType)
        hasDeparture = cells.has(.departureDate)
    }

    /// The place columns of a row (小区 and 房号 required).
    static func place(_ cells: inout RowCells) -> PlaceNames? {
        let xiaoqu = cells.text(.xiaoqu)
        let room = cells.text(.room)
        if xiaoqu == nil { cells.problem(.xiaoqu, code: "field.required", "\"\(cells.header(.xiaoqu))\"不能为空") }
        if room == nil { cells.problem(.room, code: "field.required", "\"\(cells.header(.room))\"不能为空") }
        guard let xiaoqu, let room else { return nil }
        return PlaceNames(community: cells.text(.community), xiaoqu: xiaoqu, building: cells.text(.building),
                          unit: cells.text(.unit), room: room)
    }

    mutating func prepare(_ store: RegisterStore, today: RegisterDate) {
        prepared = PreparedPerson(person, store: store, today: today)
    }

    var fileKey: String? {
        guard let id = person.idNumber, let place, let arrival = stay.arrivalDate else { return nil }
        return [id, place.houseKey, arrival.description].joined(separator: "\u{2}")
    }
}

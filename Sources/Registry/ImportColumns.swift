/// The stable key of a sheet column (`idNumber`, `minors[0].name`), independent of its header text.
public struct ColumnKey: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The key.
    public let rawValue: String
    /// A key.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The key.
    public var description: String { rawValue }
}

extension ColumnKey {
    // Places.
    static let community = ColumnKey(rawValue: "community")
    static let xiaoqu = ColumnKey(rawValue: "xiaoqu")
    static let building = ColumnKey(rawValue: "building")
    static let unit = ColumnKey(rawValue: "unit")
    static let room = ColumnKey(rawValue: "roomNumber")
    static let regionCode = ColumnKey(rawValue: "regionCode")
    static let streetOffice = ColumnKey(rawValue: "streetOffice")
    static let xiaoquAddress = ColumnKey(rawValue: "xiaoquAddress")
    // Houses.
    static let floor = ColumnKey(rawValue: "floor")
    static let houseAddress = ColumnKey(rawValue: "houseAddress")
    static let area = ColumnKey(rawValue: "area")
    static let usage = ColumnKey(rawValue: "usage")
    static let rentalStatus = ColumnKey(rawValue: "rentalStatus")
    static let rentalUse = ColumnKey(rawValue: "rentalUse")
    static let rentedRooms = ColumnKey(rawValue: "rentedRooms")
    static let rentedArea = ColumnKey(rawValue: "rentedArea")
    static let landlordName = ColumnKey(rawValue: "landlord.name")
    static let landlordId = ColumnKey(rawValue: "landlord.idNumber")
    static let landlordPhone = ColumnKey(rawValue: "landlord.phone")
    static let securityName = ColumnKey(rawValue: "securityPerson.name")
    static let securityId = ColumnKey(rawValue: "securityPerson.idNumber")
    static let securityPhone = ColumnKey(rawValue: "securityPerson.phone")
    static let rentalFiling = ColumnKey(rawValue: "rentalFilingNumber")
    // People and stays.
    static let name = ColumnKey(rawValue: "name")
    static let idNumber = ColumnKey(rawValue: "idNumber")
    static let documentType = ColumnKey(rawValue: "documentType")
    static let sex = ColumnKey(rawValue: "sex")
    static let nation = ColumnKey(rawValue: "nation")
    static let birthDate = ColumnKey(rawValue: "birthDate")
    static let address = ColumnKey(rawValue: "address")
    static let phone = ColumnKey(rawValue: "phone")
    static let relation = ColumnKey(rawValue: "relation")
    static let arrivalDate = ColumnKey(rawValue: "arrivalDate")
    static let plannedStay = ColumnKey(rawValue: "plannedStay")
    static let residenceReason = ColumnKey(rawValue: "residenceReason")
    static let housingType = ColumnKey(rawValue: "housingType")
    static let departureDate = ColumnKey(rawValue: "departureDate")
    static let departureReason = ColumnKey(rawValue: "departureReason")
    // Declarations.
    static let declaredOn = ColumnKey(rawValue: "declaredOn")
    static let currentAddress = ColumnKey(rawValue: "currentAddress")
    static let maritalStatus = ColumnKey(rawValue: "maritalStatus")
    static let politicalStatus = ColumnKey(rawValue: "politicalStatus")
    static let education = ColumnKey(rawValue: "education")
    static let militaryService = ColumnKey(rawValue: "militaryService")
    static let applyPermit = ColumnKey(rawValue: "applyResidencePermit")
    static let hasEmployer = ColumnKey(rawValue: "hasEmployer")
    static let occupation = ColumnKey(rawValue: "occupation")
    static let employerName = ColumnKey(rawValue: "employerName")
    static let employerManager = ColumnKey(rawValue: "employerManager")
    static let employerPhone = ColumnKey(rawValue: "employerPhone")
    static let employerAddress = ColumnKey(rawValue: "employerAddress")
    static let yearsWorked = ColumnKey(rawValue: "yearsWorked")
    static let labourContract = ColumnKey(rawValue: "labourContract")
    static let insurance = ColumnKey(rawValue: "insurance")

    /// A column of the `index`-th (0-based) accompanying minor: `minors[0].name`.
    static func minor(_ index: Int, _ part: MinorPart) -> ColumnKey {
        ColumnKey(rawValue: "minors[\(index)].\(part.rawValue)")
    }
}

/// The five columns of one 随行未成年家庭成员 (`随行未成年人1姓名` … `随行未成年人1与申报人关系`).
enum MinorPart: String, CaseIterable, Sendable {
    case name, sex, birthDate, idNumber, relation

    /// The header suffix after `随行未成年人N`.
    var suffix: String {
        switch self {
        case .name: "姓名"
        case .sex: "性别"
        case .birthDate: "出生日期"
        case .idNumber: "身份号码"
        case .relation: "与申报人关系"
        }
    }

    /// Other spellings of the suffix.
    var aliases: [String] {
        switch self {
        case .idNumber: ["身份证号", "身份证号码", "公民身份号码"]
        case .relation: ["关系", "与户主关系"]
        default: []
        }
    }
}

/// One column of a sheet layout: its key, the header text of templates and exports, other header
/// spellings accepted on import, and whether a file without it is refused.
public struct SheetColumn: Sendable, Hashable {
    /// The stable key.
    public var key: ColumnKey
    /// The header as written by exports and templates (`身份号码`).
    public var header: String
    /// Other headers accepted on import (`身份证号`, `公民身份号码` …).
    public var aliases: [String]
    /// A file without this column is refused (`import.missingColumns`).
    public var required: Bool
    /// Written by exports and templates (else accepted on import only).
    public var exported: Bool
    /// The synthetic example value of the templates.
    public var example: String
}

import Foundation

/// A person typed in by staff (manual entry, or a landlord).
public struct PersonDraft: Sendable, Hashable {
    /// 证件类型.
    public var documentType: DocumentType
    /// 身份号码 (normalised before use: full-width, spaces, lower-case x, 15 digits).
    public var idNumber: String?
    /// 姓名 (required), 外文姓名.
    public var name: String?, englishName: String?
    /// 性别 (GB/T 2261.1, required), 民族 (GB/T 3304).
    public var sex: String?, nation: String?
    /// 出生日期 (required; taken from the ID number when absent).
    public var birthDate: RegisterDate?
    /// 户籍地址.
    public var address: String?
    /// 户籍地 region (default: the ID number's first six digits).
    public var nativeRegion: String?
    /// 联系方式.
    public var phone: String?

    /// A draft.
    public init(
        documentType: DocumentType = .residentCard, idNumber: String? = nil, name: String? = nil,
        englishName: String? = nil, sex: String? = nil, nation: String? = nil, birthDate: RegisterDate? = nil,
        address: String? = nil, nativeRegion: String? = nil, phone: String? = nil
    ) {
        self.documentType = documentType
        self.idNumber = idNumber
        self.name = name
        self.englishName = englishName
        self.sex = sex
        self.nation = nation
        self.birthDate = birthDate
        self.address = address
        self.nativeRegion = nativeRegion
        self.phone = phone
    }
}

/// The stay part of a registration (人来登记).
public struct StayDraft: Sendable, Hashable {
    /// 到达本地日期 (required; not before birth, not after today).
    public var arrivalDate: RegisterDate?
    /// 与户主关系 (required).
    public var relation: String?
    /// 拟居住期限, 居住事由, 住所类别.
    public var plannedStay: String?, residenceReason: String?, housingType: String?

    /// A draft.
    public init(arrivalDate: RegisterDate? = nil, relation: String? = nil, plannedStay: String? = nil,
                residenceReason: String? = nil, housingType: String? = nil) {
        self.arrivalDate = arrivalDate
        self.relation = relation
        self.plannedStay = plannedStay
        self.residenceReason = residenceReason
        self.housingType = housingType
    }
}

/// 人走注销: the departure of a stay.
public struct DepartureDraft: Sendable, Hashable {
    /// 离开日期 (required; not before arrival, not after today).
    public var departureDate: RegisterDate?
    /// 注销原因 (required).
    public var reason: String?

    /// A draft.
    public init(departureDate: RegisterDate? = nil, reason: String? = nil) {
        self.departureDate = departureDate
        self.reason = reason
    }
}

/// What the caller has confirmed after seeing ``Finding``s.
public struct Confirmations: Sendable, Hashable {
    /// Register even though the person has an active stay elsewhere (一证多住).
    public var allowMultipleStays: Bool
    /// Create a new person even though a likely duplicate exists (same name and birth date).
    public var confirmDuplicate: Bool

    /// Confirmations (none by default).
    public init(allowMultipleStays: Bool = false, confirmDuplicate: Bool = false) {
        self.allowMultipleStays = allowMultipleStays
        self.confirmDuplicate = confirmDuplicate
    }

    /// Nothing confirmed.
    public static let none = Confirmations()
}

/// Input of ``RegisterStore/declareResidence(_:by:)``: every field of the residence declaration.
public struct DeclarationDraft: Sendable, Hashable {
    /// The declaring person (registered, with an ID number) and the house they live in (they must have
    /// an active stay there).
    public var person: UUID?, house: UUID?
    /// 申报日期 (default today).
    public var declaredOn: RegisterDate?
    /// 现居住地详址 (default: the house's address).
    public var currentAddress: String?
    /// 住所类别, 居住事由 (required).
    public var housingType: String?, residenceReason: String?
    /// 婚姻状况, 政治面貌, 学历, 服兵役情况.
    public var maritalStatus: String?, politicalStatus: String?, education: String?, militaryService: String?
    /// 到达本地日期 (default: the stay's), 拟居住期限 (required).
    public var arrivalDate: RegisterDate?, plannedStay: String?
    /// 是否申领居住证 (required).
    public var applyResidencePermit: Bool?
    /// 联系方式 (required; default the person's phone).
    public var phone: String?
    /// 居住地有无工作单位 (required); with one, 工作单位 is required.
    public var hasEmployer: Bool?
    /// 从事职业, 工作单位, 单位负责人, 单位联系电话, 单位详址, 已工作年限, 劳动合同签订情况, 参保情况.
    public var occupation: String?, employerName: String?, employerManager: String?, employerPhone: String?,
               employerAddress: String?, yearsWorked: Int?, labourContract: String?, insurance: String?
    /// 随行未成年家庭成员.
    public var minors: [MinorDraft]

    /// A draft.
    public init(
        person: UUID? = nil, house: UUID? = nil, declaredOn: RegisterDate? = nil, currentAddress: String? = nil,
        housingType: String? = nil, residenceReason: String? = nil, maritalStatus: String? = nil,
        politicalStatus: String? = nil, education: String? = nil, militaryService: String? = nil,
        arrivalDate: RegisterDate? = nil, plannedStay: String? = nil, applyResidencePermit: Bool? = nil,
        phone: String? = nil, hasEmployer: Bool? = nil, occupation: String? = nil, employerName: String? = nil,
        employerManager: String? = nil, employerPhone: String? = nil, employerAddress: String? = nil,
        yearsWorked: Int? = nil, labourContract: String? = nil, insurance: String? = nil, minors: [MinorDraft] = []
    ) {
        self.person = person
        self.house = house
        self.declaredOn = declaredOn
        self.currentAddress = currentAddress
        self.housingType = housingType
        self.residenceReason = residenceReason
        self.maritalStatus = maritalStatus
        self.politicalStatus = politicalStatus
        self.education = education
        self.militaryService = militaryService
        self.arrivalDate = arrivalDate
        self.plannedStay = plannedStay
        self.applyResidencePermit = applyResidencePermit
        self.phone = phone
        self.hasEmployer = hasEmployer
        self.occupation = occupation
        self.employerName = employerName
        self.employerManager = employerManager
        self.employerPhone = employerPhone
        self.employerAddress = employerAddress
        self.yearsWorked = yearsWorked
        self.labourContract = labourContract
        self.insurance = insurance
        self.minors = minors
    }
}

/// A 随行未成年家庭成员 row of a declaration.
public struct MinorDraft: Sendable, Hashable {
    /// 姓名, 性别, 出生日期 (required; under 18 on the declaration date).
    public var name: String?, sex: String?, birthDate: RegisterDate?
    /// 身份号码 (optional).
    public var idNumber: String?
    /// 与申报人关系 (required, ``CodeTable/relation``).
    public var relation: String?

    /// A draft.
    public init(name: String? = nil, sex: String? = nil, birthDate: RegisterDate? = nil, idNumber: String? = nil,
                relation: String? = nil) {
        self.name = name
        self.sex = sex
        self.birthDate = birthDate
        self.idNumber = idNumber
        self.relation = relation
    }
}

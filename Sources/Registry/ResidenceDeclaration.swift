import Foundation
import GRDB

/// 居住登记申报: every field of seed 003 §3.8 (domain.md §4).
public struct ResidenceDeclaration: Sendable, Hashable, Codable {
    /// Record UUID.
    public var uuid: UUID
    /// The declaring person, the house, and the stay it belongs to.
    public var personUuid: UUID, houseUuid: UUID, stayUuid: UUID?
    /// 申报日期.
    public var declaredOn: RegisterDate
    /// 姓名 and 身份号码 as declared (decrypted).
    public var name: String, idNumber: String
    /// 现居住地详址.
    public var currentAddress: String
    /// 住所类别, 居住事由 (GB/T 31000).
    public var housingType: String, residenceReason: String
    /// 婚姻状况, 政治面貌, 学历, 服兵役情况.
    public var maritalStatus: String?, politicalStatus: String?, education: String?, militaryService: String?
    /// 到达本地日期, 拟居住期限.
    public var arrivalDate: RegisterDate, plannedStay: String
    /// 是否申领居住证.
    public var applyResidencePermit: Bool
    /// 联系方式 (decrypted).
    public var phone: String
    /// 居住地有无工作单位, 从事职业.
    public var hasEmployer: Bool, occupation: String?
    /// 工作单位 (and its pinyin initials), 单位负责人, 单位联系电话, 单位详址.
    public var employerName: String?, employerPinyin: String?, employerManager: String?, employerPhone: String?,
                employerAddress: String?
    /// 已工作年限, 劳动合同签订情况, 参保情况.
    public var yearsWorked: Int?, labourContract: String?, insurance: String?
    /// 随行未成年家庭成员.
    public var minors: [DeclaredMinor]
    /// Created / last updated (UTC).
    public var createdAt: String, updatedAt: String

    static let select = """
        SELECT d.*, p.uuid AS person_uuid, h.uuid AS house_uuid, s.uuid AS stay_uuid, h.xiaoqu_id AS xiaoqu_id
        FROM declaration d JOIN person p ON p.id = d.person_id JOIN house h ON h.id = d.house_id
        LEFT JOIN stay s ON s.id = d.stay_id
        """

    init(row: Row, minors: [DeclaredMinor], cipher: DataCipher) throws {
        uuid = row.uuid("uuid")
        personUuid = row.uuid("person_uuid")
        houseUuid = row.uuid("house_uuid")
        stayUuid = row.optionalUUID("stay_uuid")
        declaredOn = row.date("declared_on") ?? RegisterDate(year: 1970, month: 1, day: 1)!
        name = row["name"]
        idNumber = try cipher.text(row, "id_number_enc", .declarationIdNumber) ?? ""
        currentAddress = row["current_address"]
        housingType = row["housing_type"]
        residenceReason = row["residence_reason"]
        maritalStatus = row["marital_status"]
        politicalStatus = row["political_status"]
        education = row["education"]
        militaryService = row["military_service"]
        arrivalDate = row.date("arrival_date") ?? RegisterDate(year: 1970, month: 1, day: 1)!
        plannedStay = row["planned_stay"]
        applyResidencePermit = row["apply_residence_permit"] == 1
        phone = try cipher.text(row, "phone_enc", .declarationPhone) ?? ""
        hasEmployer = row["has_employer"] == 1
        occupation = row["occupation"]
        employerName = row["employer_name"]
        employerPinyin = row["employer_pinyin"]
        employerManager = row["employer_manager"]
        employerPhone = try cipher.text(row, "employer_phone_enc", .declarationEmployerPhone)
        employerAddress = row["employer_address"]
        yearsWorked = row["years_worked"]
        labourContract = row["labour_contract"]
        insurance = row["insurance"]
        self.minors = minors
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }
}

/// 随行未成年家庭成员: a minor declared with a residence declaration.
public struct DeclaredMinor: Sendable, Hashable, Codable {
    /// Record UUID.
    public var uuid: UUID
    /// 姓名, 性别, 出生日期.
    public var name: String, sex: String, birthDate: RegisterDate
    /// 身份号码 (decrypted), if given.
    public var idNumber: String?
    /// 与申报人关系 (``CodeTable/relation``).
    public var relation: String

    init(row: Row, cipher: DataCipher) throws {
        uuid = row.uuid("uuid")
        name = row["name"]
        sex = row["sex"]
        birthDate = row.date("birth_date") ?? RegisterDate(year: 1970, month: 1, day: 1)!
        idNumber = try cipher.text(row, "id_number_enc", .minorIdNumber)
        relation = row["relation"]
    }
}

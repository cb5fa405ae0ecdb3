import Foundation

/// The kinds of data-quality findings (数据质量检查, domain.md §4), with stable codes.
public enum DataQualityKind: String, Sendable, Hashable, Codable, CodingKeyRepresentable, CaseIterable {
    /// A field the register needs is empty: a person's 身份号码 (document types 1–4), 民族 (居民身份证),
    /// 户籍地行政区划 (types 1–2), 联系方式 (people living somewhere now); an active stay's 拟居住期限,
    /// 居住事由, 住所类别; a rented house's 租赁备案证号 and 治安责任人; a 小区's 管辖民警 and 物业公司.
    case missingField = "dq.missingField"
    /// A coded field holds a code that is not in its dictionary (民族, 户籍地行政区划, 与户主关系,
    /// 居住事由, 住所类别, a declaration's 婚姻状况, 政治面貌, 学历).
    case invalidCode = "dq.invalidCode"
    /// Two or more people with the same 姓名 and 出生日期, at least two of them not confirmed as
    /// different people (`duplicate_confirmed`).
    case duplicatePerson = "dq.duplicatePerson"
    /// 一证多住: a person with more than one active stay.
    case multipleActiveStays = "dq.multipleActiveStays"
    /// A stay arriving before the person's birth.
    case birthAfterArrival = "dq.birthAfterArrival"
    /// A stay departing before its arrival.
    case departureBeforeArrival = "dq.departureBeforeArrival"
    /// An active stay as 户主 (02) of someone under 18 today.
    case minorHouseholder = "dq.minorHouseholder"
    /// An active stay as 配偶 (10) or 父母 (50) of someone under 18 on arrival.
    case minorRelation = "dq.minorRelation"
    /// A birth or arrival date after today.
    case futureDate = "dq.futureDate"
    /// An active stay in a cancelled (注销) house.
    case stayInCancelledHouse = "dq.stayInCancelledHouse"
    /// A person whose ID number or card carried warnings when registered (check digit, region, birth
    /// date, expired card …).
    case idNumberWarning = "dq.idNumberWarning"

    /// What staff read.
    public var title: String {
        switch self {
        case .missingField: "必填项缺失"
        case .invalidCode: "代码不在代码表中"
        case .duplicatePerson: "疑似重复人员"
        case .multipleActiveStays: "一证多住"
        case .birthAfterArrival: "到达日期早于出生日期"
        case .departureBeforeArrival: "离开日期早于到达日期"
        case .minorHouseholder: "未成年人登记为户主"
        case .minorRelation: "未成年人与户主关系为配偶或父母"
        case .futureDate: "日期晚于今天"
        case .stayInCancelledHouse: "已注销房屋仍有在住人员"
        case .idNumberWarning: "身份号码或证件告警"
        }
    }

    /// Whether the finding is about people (needs the right to read people).
    var aboutPeople: Bool {
        switch self {
        case .missingField, .invalidCode: false  // people's fields are skipped for place-only roles
        default: true
        }
    }
}

/// One finding: a record, the field concerned, a message naming it.
public struct DataQualityFinding: Sendable, Hashable, Codable {
    /// The check.
    public var kind: DataQualityKind
    /// The record (kind and UUID).
    public var record: RecordKind, recordUuid: UUID
    /// The field concerned (``Field/rawValue``) and its Chinese label, when one field is.
    public var field: String?, fieldLabel: String?
    /// Operator text (Chinese), naming the field.
    public var message: String
    /// Who and where, for the list (masked ID number only; `nil` for place records).
    public var personName: String?, idNumberMasked: String?
    /// The 小区 of the record, when it has one.
    public var xiaoquName: String?
}

/// The data-quality report of the actor's scope.
public struct DataQualityReport: Sendable, Hashable, Codable {
    /// The day it was made for.
    public var today: RegisterDate
    /// Findings: by kind (``DataQualityKind/allCases`` order), at most the limit per kind.
    public var findings: [DataQualityFinding]
    /// How many findings of each kind there are in scope (also those beyond the limit).
    public var counts: [DataQualityKind: Int]
}

/// How the data-quality report is made.
public struct DataQualityOptions: Sendable, Hashable {
    /// The day (default: today in the register's time zone).
    public var today: RegisterDate?
    /// Only these kinds.
    public var kinds: Set<DataQualityKind>
    /// Findings listed per kind.
    public var limitPerKind: Int

    /// Options.
    public init(today: RegisterDate? = nil, kinds: Set<DataQualityKind> = Set(DataQualityKind.allCases), limitPerKind: Int = 500) {
        self.today = today
        self.kinds = kinds
        self.limitPerKind = limitPerKind
    }
}

import Foundation

/// Input of ``RegisterStore/openServiceMatter(_:by:)``.
public struct ServiceMatterDraft: Sendable, Hashable {
    /// The 小区 (required unless a house is given; then the house's).
    public var xiaoqu: UUID?
    /// The house concerned.
    public var house: UUID?
    /// The applicant's person record, if registered.
    public var applicant: UUID?
    /// 申请人姓名 (required unless the applicant record gives it), phone.
    public var applicantName: String?, applicantPhone: String?
    /// 事项类型 (required), 事项内容 (required).
    public var matterType: String?, summary: String?
    /// 受理日期 (default today).
    public var openedOn: RegisterDate?

    /// A draft.
    public init(xiaoqu: UUID? = nil, house: UUID? = nil, applicant: UUID? = nil, applicantName: String? = nil,
                applicantPhone: String? = nil, matterType: String? = nil, summary: String? = nil,
                openedOn: RegisterDate? = nil) {
        self.xiaoqu = xiaoqu
        self.house = house
        self.applicant = applicant
        self.applicantName = applicantName
        self.applicantPhone = applicantPhone
        self.matterType = matterType
        self.summary = summary
        self.openedOn = openedOn
    }
}

/// Input of ``RegisterStore/createCoordinator(_:by:)``.
public struct CoordinatorDraft: Sendable, Hashable {
    /// The 社区 (required).
    public var community: UUID?
    /// 姓名 (required), 编号 (unique within the 社区), phone.
    public var name: String?, staffNumber: String?, phone: String?

    /// A draft.
    public init(community: UUID? = nil, name: String? = nil, staffNumber: String? = nil, phone: String? = nil) {
        self.community = community
        self.name = name
        self.staffNumber = staffNumber
        self.phone = phone
    }
}

/// Input of ``RegisterStore/recordInspection(_:by:)``.
public struct InspectionDraft: Sendable, Hashable {
    /// The house (required).
    public var house: UUID?
    /// The coordinator who inspected, if any.
    public var coordinator: UUID?
    /// 巡查日期 (required, not after today), 巡查人 (required; default the coordinator's name).
    public var inspectedOn: RegisterDate?, inspectorName: String?
    /// 巡查结果 (required); 发现问题 required when the result is 2 发现问题; 整改要求.
    public var result: String?, findings: String?, rectification: String?

    /// A draft.
    public init(house: UUID? = nil, coordinator: UUID? = nil, inspectedOn: RegisterDate? = nil,
                inspectorName: String? = nil, result: String? = nil, findings: String? = nil,
                rectification: String? = nil) {
        self.house = house
        self.coordinator = coordinator
        self.inspectedOn = inspectedOn
        self.inspectorName = inspectorName
        self.result = result
        self.findings = findings
        self.rectification = rectification
    }
}

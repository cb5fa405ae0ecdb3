/// The input fields the register validates, with the Chinese label every error message names.
///
/// ``rawValue`` is the stable key used by the API (``FieldError/field``); ``label`` is what staff read.
public enum Field: String, Sendable, Hashable, Codable, CaseIterable {
    // Places.
    case stationCode, stationName, station
    case community, communityName, regionCode, streetOffice
    case xiaoqu, xiaoquName, xiaoquAddress, developer, builder, propertyCompany, propertyContact,
         propertyPhone, officerName, officerBadge, officerPhone
    case building, buildingName, floorsAbove, floorsBelow
    case unit, unitName
    // Houses.
    case house, floor, roomNumber, houseAddress, area, usage, rentalStatus, rentalUse, rentedRooms,
         rentedArea, landlord, securityPerson, rentalFilingNumber, statusDate, statusReason
    // People.
    case person, card, documentType, idNumber, name, englishName, sex, nation, birthDate, address,
         nativeRegion, phone
    // Stays.
    case stay, arrivalDate, relation, plannedStay, residenceReason, housingType, departureDate,
         departureReason
    // Declarations.
    case declaredOn, currentAddress, maritalStatus, politicalStatus, education, militaryService,
         applyResidencePermit, hasEmployer, occupation, employerName, employerManager, employerPhone,
         employerAddress, yearsWorked, labourContract, insurance, minors
    // Service matters.
    case serviceMatter, matterType, applicantName, applicantPhone, summary, state, openedOn, note
    // Coordinators and inspections.
    case coordinator, coordinatorName, staffNumber, assignedOn, inspectedOn, inspectorName,
         inspectionResult, findings, rectification
    // Exports.
    case exportKind
    // Verification cases, notices and reports.
    case verificationCase, caseNo, caseType, caseAddress, caseItems, deadline, requestingUnit, caseOutcome,
         notFoundReason, destinationRegion, destinationTownship, remark, residentOfficerConfirmed, notice, reportType, reportSummary,
         occurredOn, period

    /// The Chinese name of the field, as staff see it on forms.
    public var label: String {
        switch self {
        case .stationCode: "派出所机构代码"
        case .stationName: "派出所名称"
        case .station: "派出所"
        case .community: "社区"
        case .communityName: "社区名称"
        case .regionCode: "行政区划"
        case .streetOffice: "街道"
        case .xiaoqu: "小区"
        case .xiaoquName: "小区名称"
        case .xiaoquAddress: "小区地址"
        case .developer: "开发商"
        case .builder: "建设单位"
        case .propertyCompany: "物业公司"
        case .propertyContact: "物业联系人"
        case .propertyPhone: "物业联系电话"
        case .officerName: "管辖民警"
        case .officerBadge: "民警警号"
        case .officerPhone: "民警联系电话"
        case .building: "楼栋"
        case .buildingName: "楼栋名称"
        case .floorsAbove: "地上层数"
        case .floorsBelow: "地下层数"
        case .unit: "单元"
        case .unitName: "单元名称"
        case .house: "房屋"
        case .floor: "楼层"
        case .roomNumber: "房号"
        case .houseAddress: "房屋详址"
        case .area: "建筑面积"
        case .usage: "房屋用途"
        case .rentalStatus: "出租状态"
        case .rentalUse: "出租用途"
        case .rentedRooms: "出租间数"
        case .rentedArea: "出租面积"
        case .landlord: "房主"
        case .securityPerson: "治安责任人"
        case .rentalFilingNumber: "租赁备案证号"
        case .statusDate: "注销/恢复日期"
        case .statusReason: "注销/恢复原因"
        case .person: "人员"
        case .card: "证件"
        case .documentType: "证件类型"
        case .idNumber: "身份号码"
        case .name: "姓名"
        case .englishName: "外文姓名"
        case .sex: "性别"
        case .nation: "民族"
        case .birthDate: "出生日期"
        case .address: "户籍地址"
        case .nativeRegion: "户籍地行政区划"
        case .phone: "联系方式"
        case .stay: "居住登记"
        case .arrivalDate: "到达本地日期"
        case .relation: "与户主关系"
        case .plannedStay: "拟居住期限"
        case .residenceReason: "居住事由"
        case .housingType: "住所类别"
        case .departureDate: "离开日期"
        case .departureReason: "注销原因"
        case .declaredOn: "申报日期"
        case .currentAddress: "现居住地详址"
        case .maritalStatus: "婚姻状况"
        case .politicalStatus: "政治面貌"
        case .education: "学历"
        case .militaryService: "服兵役情况"
        case .applyResidencePermit: "是否申领居住证"
        case .hasEmployer: "居住地有无工作单位"
        case .occupation: "从事职业"
        case .employerName: "工作单位"
        case .employerManager: "单位负责人"
        case .employerPhone: "单位联系电话"
        case .employerAddress: "单位详址"
        case .yearsWorked: "已工作年限"
        case .labourContract: "劳动合同签订情况"
        case .insurance: "参保情况"
        case .minors: "随行未成年家庭成员"
        case .serviceMatter: "服务事项"
        case .matterType: "事项类型"
        case .applicantName: "申请人姓名"
        case .applicantPhone: "申请人联系电话"
        case .summary: "事项内容"
        case .state: "办理状态"
        case .openedOn: "受理日期"
        case .note: "办理意见"
        case .coordinator: "协管员"
        case .coordinatorName: "协管员姓名"
        case .staffNumber: "协管员编号"
        case .assignedOn: "分配日期"
        case .inspectedOn: "巡查日期"
        case .inspectorName: "巡查人"
        case .inspectionResult: "巡查结果"
        case .findings: "发现问题"
        case .rectification: "整改要求"
        case .exportKind: "导出类型"
        case .verificationCase: "协查案件"
        case .caseNo: "协查编号"
        case .caseType: "协查类型"
        case .caseAddress: "协查地址"
        case .caseItems: "协查项目"
        case .deadline: "反馈期限"
        case .requestingUnit: "发起单位"
        case .caseOutcome: "核查结果"
        case .notFoundReason: "查无此人原因"
        case .destinationRegion: "婚出地/迁出地行政区划"
        case .destinationTownship: "婚出地/迁出地乡镇（街道）"
        case .residentOfficerConfirmed: "常驻人口信息员确认"
        case .remark: "备注"
        case .notice: "通知公告"
        case .reportType: "通报类型"
        case .reportSummary: "通报内容"
        case .occurredOn: "发生日期"
        case .period: "统计期间"
        }
    }
}

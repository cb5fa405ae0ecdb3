import IDCard

/// The code tables of the register's coded fields (domain.md §6, plus a few local tables marked
/// "local" in protocol-docs/data-model.md).
public enum CodeTable: String, Sendable, Hashable, Codable, CaseIterable {
    /// 性别, GB/T 2261.1.
    case sex
    /// 民族, GB/T 3304.
    case nation
    /// 婚姻状况, GB/T 2261.2.
    case maritalStatus
    /// 学历, GB/T 4658-2006.
    case education
    /// 政治面貌, GB/T 4762.
    case politicalStatus
    /// 与户主关系, GB/T 4761 (partial) plus local 91 承租人, 92 雇员.
    case relation
    /// 居住事由 (流入原因), GB/T 31000.
    case residenceReason
    /// 住所类别 (住所类型), GB/T 31000.
    case housingType
    /// 拟居住期限 (legacy 1–6).
    case plannedStay
    /// 出租用途.
    case rentalUse
    /// 房屋用途 (local).
    case houseUsage
    /// 服兵役情况 (local).
    case militaryService
    /// 劳动合同签订情况 (local).
    case labourContract
    /// 参保情况 (local).
    case insurance
    /// 服务事项类型 (local).
    case serviceMatterType
    /// 巡查结果 (local).
    case inspectionResult
}

/// Decides whether a code belongs to a code table. The register validates every coded field through
/// one of these before writing; the default is ``BuiltInCodes``, and the appliance may plug in the
/// Dictionaries module instead (it must accept at least the codes the schema's CHECK constraints
/// allow for the local tables, see protocol-docs/data-model.md).
public protocol CodeValidator: Sendable {
    /// The display name of `code` in `table`, or `nil` if the code is not in the table.
    func name(of code: String, in table: CodeTable) -> String?
}

extension CodeValidator {
    /// Whether `code` is in `table`.
    public func contains(_ code: String, in table: CodeTable) -> Bool {
        name(of: code, in: table) != nil
    }
}

/// The code tables of domain.md §6 compiled in (sex and nation from IDCard), used when nothing
/// else is configured.
public struct BuiltInCodes: CodeValidator {
    /// The built-in tables.
    public init() {}

    /// The name of `code` in `table`, or `nil`.
    public func name(of code: String, in table: CodeTable) -> String? {
        switch table {
        case .sex: return Sex.name(forCode: code)
        case .nation: return Nation.name(forCode: code)
        default: return BuiltInCodes.lookup[table]?[code]
        }
    }

    /// Every entry of a table, sorted by code.
    public static func entries(of table: CodeTable) -> [(code: String, name: String)] {
        switch table {
        case .sex: return Sex.all
        case .nation: return Nation.all
        default: return tables[table] ?? []
        }
    }

    private static let lookup: [CodeTable: [String: String]] = tables.mapValues {
        Dictionary($0.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    static let tables: [CodeTable: [(code: String, name: String)]] = [
        .maritalStatus: [
            ("10", "未婚"), ("20", "已婚"), ("21", "初婚"), ("22", "再婚"), ("23", "复婚"), ("30", "丧偶"),
            ("40", "离婚"), ("90", "未说明的婚姻状况"),
        ],
        .education: [
            ("10", "研究生教育"), ("11", "博士研究生毕业"), ("12", "博士研究生结业"), ("13", "博士研究生肄业"),
            ("14", "硕士研究生毕业"), ("15", "硕士研究生结业"), ("16", "硕士研究生肄业"), ("17", "研究生班毕业"),
            ("18", "研究生班结业"), ("19", "研究生班肄业"), ("20", "大学本科"), ("21", "大学本科毕业"),
            ("22", "大学本科结业"), ("23", "大学本科肄业"), ("28", "大学普通班毕业"), ("30", "大学专科"),
            ("31", "大学专科毕业"), ("32", "大学专科结业"), ("33", "大学专科肄业"), ("40", "中等职业教育"),
            ("41", "中等专科毕业"), ("42", "中等专科结业"), ("43", "中等专科肄业"), ("44", "职业高中毕业"),
            ("45", "职业高中结业"), ("46", "职业高中肄业"), ("47", "技工学校毕业"), ("48", "技工学校结业"),
            ("49", "技工学校肄业"), ("60", "普通高级中学教育"), ("61", "普通高中毕业"), ("62", "普通高中结业"),
            ("63", "普通高中肄业"), ("70", "初级中学教育"), ("71", "初中毕业"), ("73", "初中肄业"),
            ("80", "小学教育"), ("81", "小学毕业"), ("83", "小学肄业"), ("90", "其他"),
        ],
        .politicalStatus: [
            ("01", "中共党员"), ("02", "中共预备党员"), ("03", "共青团员"), ("04", "民革党员"), ("05", "民盟盟员"),
            ("06", "民建会员"), ("07", "民进会员"), ("08", "农工党党员"), ("09", "致公党党员"), ("10", "九三学社社员"),
            ("11", "台盟盟员"), ("12", "无党派民主人士"), ("13", "群众"),
        ],
        .relation: [
            ("01", "本人"), ("02", "户主"), ("10", "配偶"), ("20", "子"), ("30", "女"), ("40", "孙辈"), ("50", "父母"),
            ("60", "祖父母或外祖父母"), ("70", "兄弟姐妹"), ("91", "承租人"), ("92", "雇员"), ("97", "其他亲属"), ("99", "非亲属"),
        ],
        .residenceReason: [
            ("01", "务工"), ("02", "务农"), ("03", "经商"), ("04", "学习培训"), ("05", "婚嫁"), ("06", "随迁"),
            ("07", "治病疗养"), ("08", "投亲靠友"), ("09", "工作调动"), ("99", "其他"),
        ],
        .housingType: [
            ("01", "自购房屋"), ("02", "租赁房屋"), ("03", "寄宿"), ("04", "借住"), ("05", "单位宿舍"),
            ("06", "临时性宿舍"), ("07", "农民工公寓"), ("99", "其他"),
        ],
        .plannedStay: [
            ("1", "一个月"), ("2", "三个月"), ("3", "六个月"), ("4", "一年"), ("5", "两年"), ("6", "三年"),
        ],
        .rentalUse: [("01", "宿舍"), ("02", "住房"), ("03", "商铺"), ("05", "仓库"), ("06", "厂房"), ("99", "其他")],
        .houseUsage: [
            ("01", "自住"), ("02", "出租"), ("03", "空置"), ("04", "商铺"), ("05", "办公"), ("06", "厂房仓库"),
            ("99", "其他"),
        ],
        .militaryService: [("1", "未服兵役"), ("2", "退出现役"), ("3", "服预备役"), ("4", "服现役"), ("9", "其他")],
        .labourContract: [("1", "已签订"), ("2", "未签订"), ("3", "无需签订")],
        .insurance: [("1", "已参保"), ("2", "未参保"), ("3", "部分参保")],
        .serviceMatterType: [
            ("01", "居住登记"), ("02", "居住证申领"), ("03", "居住证签注"), ("04", "出租房屋登记"), ("05", "证明开具"),
            ("06", "矛盾纠纷调解"), ("07", "求助报修"), ("08", "政策咨询"), ("99", "其他"),
        ],
        .inspectionResult: [("1", "正常"), ("2", "发现问题"), ("3", "无人在家")],
    ]
}

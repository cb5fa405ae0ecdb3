extension CodeTables {
    /// 居住事由, GB/T 31000 流入原因.
    public static let residenceReason = CodeTable(id: "residenceReason", title: "居住事由", source: "GB/T 31000", [
        ("01", "务工"), ("02", "务农"), ("03", "经商"), ("04", "学习培训"), ("05", "婚嫁"), ("06", "随迁"), ("07", "治病疗养"),
        ("08", "投亲靠友"), ("09", "工作调动"), ("99", "其他"),
    ])

    /// 住所类别, GB/T 31000 住所类型.
    public static let housingType = CodeTable(id: "housingType", title: "住所类别", source: "GB/T 31000", [
        ("01", "自购房屋"), ("02", "租赁房屋"), ("03", "寄宿"), ("04", "借住"), ("05", "单位宿舍"), ("06", "临时性宿舍"),
        ("07", "农民工公寓"), ("99", "其他"),
    ])

    /// 拟居住期限, the legacy one-digit codes; `plannedStayMonths(for:)` gives each length in months.
    public static let plannedStay = CodeTable(id: "plannedStay", title: "拟居住期限", source: "legacy", [
        ("1", "一个月"), ("2", "三个月"), ("3", "六个月"), ("4", "一年"), ("5", "两年"), ("6", "三年"),
    ])

    /// The length of a planned stay in months (`"4"` → 12), for the expiry reminders; `nil` for an unknown code.
    public static func plannedStayMonths(for code: String) -> Int? {
        ["1": 1, "2": 3, "3": 6, "4": 12, "5": 24, "6": 36][code]
    }

    /// 出租用途 (the legacy codes; 04 is not used).
    public static let rentalUse = CodeTable(id: "rentalUse", title: "出租用途", source: "legacy", [
        ("01", "宿舍"), ("02", "住房"), ("03", "商铺"), ("05", "仓库"), ("06", "厂房"), ("99", "其他"),
    ])

    /// 房屋用途, renfang's own codes (no standard covers it).
    public static let houseUsage = CodeTable(id: "houseUsage", title: "房屋用途", source: "renfang", [
        ("01", "自住"), ("02", "出租"), ("03", "空置"), ("04", "商铺"), ("05", "办公"), ("06", "厂房仓库"), ("99", "其他"),
    ])
}

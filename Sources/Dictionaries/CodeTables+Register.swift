import IDCard

extension CodeTables {
    /// 行政区划, GB/T 2260: every 6-digit code since 1980, current and abolished, under its latest name
    /// (IDCard's `Regions.all`; `Regions.fullName(forCode:)` gives 北京市朝阳区-style display names).
    public static let region = CodeTable(id: "region", title: "行政区划", source: "GB/T 2260", Regions.all)

    /// 服务事项状态, renfang's own codes: 01 受理 → 02 办理中 → 03 办结, or 04 退回 / 05 撤销.
    public static let serviceMatterState = CodeTable(id: "serviceMatterState", title: "服务事项状态", source: "renfang", [
        ("01", "受理"), ("02", "办理中"), ("03", "办结"), ("04", "退回"), ("05", "撤销"),
    ])

    /// 注销原因 of a stay (人走注销), renfang's own codes.
    public static let departureReason = CodeTable(id: "departureReason", title: "注销原因", source: "renfang", [
        ("01", "迁出"), ("02", "退租"), ("03", "死亡"), ("04", "婚出"), ("05", "离职"), ("06", "出国（境）"), ("07", "入伍"),
        ("08", "登记有误"), ("99", "其他"),
    ])

    /// 注销标识 of a residence record: 0 正常, 1 注销, 2 自动注销 (30 days after the planned stay expired).
    public static let cancellationFlag = CodeTable(id: "cancellationFlag", title: "注销标识", source: "legacy", [
        ("0", "正常"), ("1", "注销"), ("2", "自动注销"),
    ])
}

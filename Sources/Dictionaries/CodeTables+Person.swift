import IDCard

extension CodeTables {
    /// 性别, GB/T 2261.1: 0 未知的性别 · 1 男 · 2 女 · 9 未说明的性别 (IDCard's `Sex.all`).
    public static let sex = CodeTable(id: "sex", title: "性别", source: "GB/T 2261.1", Sex.all)

    /// 民族, GB/T 3304: 01 汉族 … 56 基诺族, 97 其他, 98 外国血统中国籍人士 (IDCard's `Nation.all`).
    public static let nation = CodeTable(id: "nation", title: "民族", source: "GB/T 3304", Nation.all)

    /// 婚姻状况, GB/T 2261.2.
    public static let maritalStatus = CodeTable(id: "maritalStatus", title: "婚姻状况", source: "GB/T 2261.2", [
        ("10", "未婚"), ("20", "已婚"), ("21", "初婚"), ("22", "再婚"), ("23", "复婚"), ("30", "丧偶"), ("40", "离婚"),
        ("90", "未说明的婚姻状况"),
    ])

    /// 学历, GB/T 4658-2006, with the sub-codes (毕业/结业/肄业). The group codes carry the short names of
    /// domain.md §6 (20 大学本科, 60 普通高中 …; the standard writes 大学本科教育, 普通高级中学教育 …).
    public static let education = CodeTable(id: "education", title: "学历", source: "GB/T 4658-2006", [
        ("10", "研究生教育"),
        ("11", "博士研究生毕业"), ("12", "博士研究生结业"), ("13", "博士研究生肄业"),
        ("14", "硕士研究生毕业"), ("15", "硕士研究生结业"), ("16", "硕士研究生肄业"),
        ("17", "研究生班毕业"), ("18", "研究生班结业"), ("19", "研究生班肄业"),
        ("20", "大学本科"), ("21", "大学本科毕业"), ("22", "大学本科结业"), ("23", "大学本科肄业"),
        ("28", "大学普通班毕业"),
        ("30", "大学专科"), ("31", "大学专科毕业"), ("32", "大学专科结业"), ("33", "大学专科肄业"),
        ("40", "中等职业教育"),
        ("41", "中等专科毕业"), ("42", "中等专科结业"), ("43", "中等专科肄业"),
        ("44", "职业高中毕业"), ("45", "职业高中结业"), ("46", "职业高中肄业"),
        ("47", "技工学校毕业"), ("48", "技工学校结业"), ("49", "技工学校肄业"),
        ("60", "普通高中"), ("61", "普通高中毕业"), ("62", "普通高中结业"), ("63", "普通高中肄业"),
        ("70", "初中"), ("71", "初中毕业"), ("73", "初中肄业"),
        ("80", "小学"), ("81", "小学毕业"), ("83", "小学肄业"),
        ("90", "其他"),
    ])

    /// 政治面貌, GB/T 4762 (the short names).
    public static let politicalStatus = CodeTable(id: "politicalStatus", title: "政治面貌", source: "GB/T 4762", [
        ("01", "中共党员"), ("02", "中共预备党员"), ("03", "共青团员"), ("04", "民革"), ("05", "民盟"), ("06", "民建"),
        ("07", "民进"), ("08", "农工党"), ("09", "致公党"), ("10", "九三学社"), ("11", "台盟"), ("12", "无党派民主人士"),
        ("13", "群众"),
    ])

    /// 与户主关系, GB/T 4761 (the group codes renfang uses) plus two codes of renfang's own for the people
    /// of rented and staff housing, which GB/T 4761 has no code for: 91 承租人 and 92 雇员 (in the range
    /// the standard leaves free between 80 and 97).
    public static let relation = CodeTable(id: "relation", title: "与户主关系", source: "GB/T 4761", [
        ("01", "本人"), ("02", "户主"), ("10", "配偶"), ("20", "子"), ("30", "女"), ("40", "孙辈"), ("50", "父母"),
        ("60", "祖父母或外祖父母"), ("70", "兄弟姐妹"),
        ("91", "承租人"), ("92", "雇员"),  // renfang's own codes, not GB/T 4761
        ("97", "其他亲属"), ("99", "非亲属"),
    ])
}

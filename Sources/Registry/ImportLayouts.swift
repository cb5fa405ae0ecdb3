import IDCard

/// The columns of one ``SheetKind``: what templates and exports write (in this order) and what imports
/// accept (in any order, matched by header text; see ``HeaderMap``).
public struct SheetLayout: Sendable, Hashable {
    /// The kind.
    public var kind: SheetKind
    /// The fixed columns.
    public var columns: [SheetColumn]
    /// Declarations only: the number of 随行未成年人 column groups templates write (imports accept any
    /// number, exports write as many as the longest list needs, at least this many).
    public var minorGroups: Int

    /// The headers an export or template writes, with `minors` groups of minor columns.
    public func headers(minors: Int? = nil) -> [String] {
        columns.filter(\.exported).map(\.header) + minorColumns(count: minors ?? minorGroups).map(\.header)
    }

    /// The headers of the template files: the exported columns plus the columns an import needs to
    /// create missing places (行政区划, 街道, 小区地址; read only with `--create-places`).
    public var templateHeaders: [String] {
        templateColumns.map(\.header) + minorColumns(count: minorGroups).map(\.header)
    }

    /// The example row of the templates (synthetic people only), matching ``templateHeaders``.
    public var exampleRow: [String] {
        templateColumns.map(\.example) + minorColumns(count: minorGroups).map(\.example)
    }

    private var templateColumns: [SheetColumn] {
        columns.filter { $0.exported || Self.placeCreationColumns.contains($0) }
    }

    /// The minor columns of `count` groups (none for houses and residents).
    func minorColumns(count: Int) -> [SheetColumn] {
        guard kind == .declarations else { return [] }
        return (0..<count).flatMap { index in
            MinorPart.allCases.map { part in
                SheetColumn(key: .minor(index, part), header: "随行未成年人\(index + 1)\(part.suffix)", aliases: [],
                            required: false, exported: true,
                            example: index == 0 ? SheetLayout.exampleMinor[part] ?? "" : "")
            }
        }
    }

    static func of(_ kind: SheetKind) -> SheetLayout {
        switch kind {
        case .houses: SheetLayout(kind: kind, columns: houseColumns, minorGroups: 0)
        case .residents: SheetLayout(kind: kind, columns: residentColumns, minorGroups: 0)
        case .declarations: SheetLayout(kind: kind, columns: declarationColumns, minorGroups: 2)
        }
    }

    private static func column(_ key: ColumnKey, _ header: String, _ aliases: [String] = [], required: Bool = false,
                               exported: Bool = true, _ example: String = "") -> SheetColumn {
        SheetColumn(key: key, header: header, aliases: aliases, required: required, exported: exported, example: example)
    }

    /// The location columns every kind has (社区 optional, 小区 and 房号 required).
    private static let locationColumns: [SheetColumn] = [
        column(.community, "社区", ["所属社区", "社区名称"], "安慧里社区"),
        column(.xiaoqu, "小区", ["小区名称", "所属小区"], required: true, "阳光花园"),
        column(.building, "楼栋", ["楼号", "楼栋名称", "楼栋号"], "1号楼"),
        column(.unit, "单元", ["单元号", "单元名称"], "1单元"),
    ]

    /// Accepted on import only, to create missing places (`--create-places`).
    private static let placeCreationColumns: [SheetColumn] = [
        column(.regionCode, "行政区划", ["社区行政区划", "行政区划代码"], exported: false, "110105"),
        column(.streetOffice, "街道", ["所属街道"], exported: false, "安贞街道"),
        column(.xiaoquAddress, "小区地址", ["小区详址"], exported: false, "北京市朝阳区安慧里一区"),
    ]

    static let exampleLandlordId = exampleId(region: "320102", birth: "19780115", sequence: "451")
    static let exampleResidentId = exampleId(region: "110105", birth: "19900307", sequence: "131")
    static let exampleMinorId = exampleId(region: "110105", birth: "20150505", sequence: "017")

    private static func exampleId(region: String, birth: String, sequence: String) -> String {
        let first17 = region + birth + sequence
        return first17 + (IDNumber.checkCharacter(forFirst17: first17).map(String.init) ?? "X")
    }

    static let houseColumns: [SheetColumn] = locationColumns + [
        column(.floor, "楼层", ["所在楼层"], "3"),
        column(.room, "房号", ["门牌号", "房间号", "户号", "室号"], required: true, "301"),
        column(.houseAddress, "房屋详址", ["门楼详址", "门(楼)详址", "详细地址", "房屋地址"]),
        column(.area, "建筑面积", ["面积", "房屋面积", "建筑面积(平方米)", "建筑面积(㎡)"], "89.5"),
        column(.usage, "房屋用途", ["用途"], required: true, "出租"),
        column(.rentalStatus, "出租状态", ["是否出租"], "出租"),
        column(.rentalUse, "出租用途", [], "住房"),
        column(.rentedRooms, "出租间数", ["出租房间数"], "2"),
        column(.rentedArea, "出租面积", ["出租面积(平方米)", "出租面积(㎡)"], "60"),
        column(.landlordName, "房东姓名", ["房主姓名", "房主", "房东", "产权人"], "赵磊"),
        column(.landlordId, "房东身份号码", ["房主身份号码", "房东身份证号", "房主身份证号", "房东身份证号码", "产权人身份号码"],
               exampleLandlordId),
        column(.landlordPhone, "房东电话", ["房东联系电话", "房主电话", "房主联系电话", "房东手机"], "13600136004"),
        column(.securityName, "治安责任人", ["治安责任人姓名"], "赵磊"),
        column(.securityId, "治安责任人身份号码", ["治安责任人身份证号", "治安责任人身份证号码"], exampleLandlordId),
        column(.securityPhone, "治安责任人电话", ["治安责任人联系电话"], "13600136004"),
        column(.rentalFiling, "租赁备案证号", ["租赁备案号", "备案证号"], "朝租备2025-0001"),
    ] + placeCreationColumns

    private static let personColumns: [SheetColumn] = [
        column(.name, "姓名", [], required: true, "张伟"),
        column(.idNumber, "身份号码", ["身份证号", "身份证号码", "公民身份号码", "证件号码"], required: true, exampleResidentId),
        column(.documentType, "证件类型", [], "居民身份证"),
        column(.sex, "性别", [], "男"),
        column(.nation, "民族", [], "汉族"),
        column(.birthDate, "出生日期", ["出生年月日"], "1990-03-07"),
        column(.address, "户籍地址", ["户籍地详址", "户籍地", "住址"], "北京市朝阳区安慧里一区5号楼"),
        column(.phone, "联系电话", ["联系方式", "电话", "手机", "手机号", "手机号码"], "13800138001"),
    ]

    static let residentColumns: [SheetColumn] = personColumns + locationColumns + [
        column(.room, "房号", ["门牌号", "房间号", "户号", "室号"], required: true, "301"),
        column(.relation, "与户主关系", ["关系"], required: true, "承租人"),
        column(.arrivalDate, "到达日期", ["到达本地日期", "来本地日期", "入住日期"], required: true, "2024-03-01"),
        column(.plannedStay, "拟居住期限", ["居住期限"], "一年"),
        column(.residenceReason, "居住事由", ["来本地事由", "流入原因"], "务工"),
        column(.housingType, "住所类别", ["住所类型"], "租赁房屋"),
        column(.departureDate, "离开日期", ["注销日期"]),
        column(.departureReason, "离开原因", ["注销原因"]),
    ] + placeCreationColumns

    static let declarationColumns: [SheetColumn] = [
        column(.name, "姓名", [], required: true, "张伟"),
        column(.idNumber, "身份号码", ["身份证号", "身份证号码", "公民身份号码", "证件号码"], required: true, exampleResidentId),
    ] + locationColumns + [
        column(.room, "房号", ["门牌号", "房间号", "户号", "室号"], required: true, "301"),
        column(.declaredOn, "申报日期", [], required: true, "2024-03-05"),
        column(.currentAddress, "现居住地详址", ["现居住地址", "现住址"]),
        column(.housingType, "住所类别", ["住所类型"], required: true, "租赁房屋"),
        column(.residenceReason, "居住事由", ["来本地事由", "流入原因"], required: true, "务工"),
        column(.maritalStatus, "婚姻状况", [], "已婚"),
        column(.politicalStatus, "政治面貌", [], "群众"),
        column(.education, "学历", ["文化程度"], "大学本科毕业"),
        column(.militaryService, "服兵役情况", ["兵役状况", "兵役情况"], "未服兵役"),
        column(.arrivalDate, "到达本地日期", ["到达日期", "来本地日期"], "2024-03-01"),
        column(.plannedStay, "拟居住期限", ["居住期限"], required: true, "一年"),
        column(.applyPermit, "是否申领居住证", ["申领居住证"], required: true, "是"),
        column(.phone, "联系方式", ["联系电话", "电话", "手机", "手机号", "手机号码"], "13800138001"),
        column(.hasEmployer, "居住地有无工作单位", ["有无工作单位"], required: true, "有"),
        column(.occupation, "从事职业", ["职业"], "软件工程师"),
        column(.employerName, "工作单位", ["单位名称", "工作单位名称"], "丹心酒楼"),
        column(.employerManager, "单位负责人", [], "钱总"),
        column(.employerPhone, "单位联系电话", ["单位电话"], "010-64000002"),
        column(.employerAddress, "单位详址", ["单位地址"], "北京市朝阳区安慧里三区8号"),
        column(.yearsWorked, "已工作年限", ["工作年限"], "5"),
        column(.labourContract, "劳动合同签订情况", ["劳动合同"], "已签订"),
        column(.insurance, "参保情况", [], "已参保"),
    ]

    static let exampleMinor: [MinorPart: String] = [
        .name: "刘洋", .sex: "男", .birthDate: "2015-05-05", .idNumber: exampleMinorId, .relation: "子",
    ]
}

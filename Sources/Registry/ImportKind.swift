/// The kinds of record sheets the register imports and exports (`renfang import --kind …`,
/// `renfang export --kind …`). Each kind has one layout of Chinese column headers (``SheetLayout``),
/// shared by the import, the export and the template files in `templates/`.
public enum SheetKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// 房屋/户: one row per house, matched by 小区 + 楼栋 + 单元 + 房号.
    case houses
    /// 住户 (people and their stays): one row per stay, people matched by ID number, stays by person +
    /// house + 到达日期.
    case residents
    /// 居住登记申报: one row per declaration, matched by person + house + 申报日期.
    case declarations

    /// The sheet name of exports and templates (`房屋`, `住户`, `居住登记申报`).
    public var sheetName: String {
        switch self {
        case .houses: "房屋"
        case .residents: "住户"
        case .declarations: "居住登记申报"
        }
    }

    /// The column layout of this kind.
    public var layout: SheetLayout { SheetLayout.of(self) }

    /// The capability an import of this kind needs (checked before the file is read).
    var importCapability: Capability {
        switch self {
        case .houses: .manageHouses
        case .residents: .registerPeople
        case .declarations: .declare
        }
    }

    /// The audit action of the records an import of this kind writes (`import.houses` …).
    var importAction: String { "import." + rawValue }
}

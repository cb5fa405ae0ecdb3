import Foundation
import IDCard

/// The cells of one data row, read by column key, with the problems found while reading them.
struct RowCells {
    let number: Int
    let cells: [String]
    let map: HeaderMap
    let layout: SheetLayout
    private(set) var problems: [ImportProblem] = []

    init(number: Int, cells: [String], map: HeaderMap, layout: SheetLayout) {
        self.number = number
        self.cells = cells
        self.map = map
        self.layout = layout
    }

    /// Whether the file has the column.
    func has(_ key: ColumnKey) -> Bool { map.has(key) }

    /// The trimmed text of a cell; `nil` when the column is absent or the cell blank.
    func text(_ key: ColumnKey) -> String? {
        guard let i = map.index[key], i < cells.count else { return nil }
        let text = cells[i].trimmingWhitespace()
        return text.isEmpty ? nil : text
    }

    /// The header of a column as the file writes it.
    func header(_ key: ColumnKey) -> String {
        if let title = map.title[key] { return title }
        if let column = layout.columns.first(where: { $0.key == key }) { return column.header }
        return layout.minorColumns(count: 50).first { $0.key == key }?.header ?? key.rawValue
    }

    mutating func problem(_ key: ColumnKey?, code: String, _ message: String) {
        problems.append(ImportProblem(row: number, column: key.map(header), code: code, message: message))
    }

    /// A date cell in any of the accepted forms (``ImportValues/date(_:)``); a bad one is a problem.
    mutating func date(_ key: ColumnKey) -> RegisterDate? {
        guard let text = text(key) else { return nil }
        guard let date = ImportValues.date(text) else {
            problem(key, code: "field.invalid", "\"\(header(key))\"不是有效日期：\"\(text)\"（应为 YYYY-MM-DD、YYYY/M/D 或 YYYYMMDD）")
            return nil
        }
        return date
    }

    /// A whole-number cell (`3`, `3.0`, `３`).
    mutating func integer(_ key: ColumnKey) -> Int? {
        guard let text = text(key) else { return nil }
        guard let value = ImportValues.integer(text) else {
            problem(key, code: "field.invalid", "\"\(header(key))\"应为整数：\"\(text)\"")
            return nil
        }
        return value
    }

    /// A decimal cell, units such as `㎡` or `平方米` allowed.
    mutating func decimal(_ key: ColumnKey) -> Double? {
        guard let text = text(key) else { return nil }
        guard let value = ImportValues.decimal(text) else {
            problem(key, code: "field.invalid", "\"\(header(key))\"应为数字：\"\(text)\"")
            return nil
        }
        return value
    }

    /// A yes/no cell (是/否, 有/无, 1/0, Y/N).
    mutating func flag(_ key: ColumnKey) -> Bool? {
        guard let text = text(key) else { return nil }
        guard let value = ImportValues.flag(text) else {
            problem(key, code: "field.invalid", "\"\(header(key))\"应填\"是\"或\"否\"：\"\(text)\"")
            return nil
        }
        return value
    }

    /// A coded cell resolved to its code (code, code without leading zeros, or name); unresolved
    /// text is passed on as is, so the register's validation reports it with the field's name.
    func code(_ key: ColumnKey, _ table: CodeTable) -> String? {
        text(key).map { ImportCodes.resolve($0, in: table) }
    }

    /// An ID number, normalised (`IDNumber.normalize`). A masked number (from a masked export) is a
    /// problem: it identifies no one.
    mutating func idNumber(_ key: ColumnKey) -> String? {
        guard let text = text(key) else { return nil }
        if text.contains(where: { $0 == "*" || $0 == "＊" }) {
            problem(key, code: "field.invalid", "\"\(header(key))\"是脱敏号码，不能导入（请使用完整的身份号码）")
            return nil
        }
        let number = IDNumber.normalize(text)
        return number.isEmpty ? nil : number
    }
}

/// Parsing of cell text shared by the row readers.
enum ImportValues {
    /// A date: `YYYY-MM-DD`, `YYYY/M/D`, `YYYY.M.D`, `YYYY年M月D日`, `YYYYMMDD`, with an optional time
    /// after a space or `T` (ignored); or a 5-digit Excel date serial (1900 system) from a cell that was
    /// not formatted as a date (dates formatted as dates arrive as `YYYY-MM-DD` from the reader).
    static func date(_ raw: String) -> RegisterDate? {
        if raw.utf8.count == 10, let date = RegisterDate(raw) { return date }  // the common case, quickly
        var text = raw.precomposedStringWithCompatibilityMapping.trimmingWhitespace()
        if let cut = text.firstIndex(where: { $0 == " " || $0 == "T" }) { text = String(text[..<cut]) }
        text = text.replacingOccurrences(of: "年", with: "-").replacingOccurrences(of: "月", with: "-")
            .replacingOccurrences(of: "日", with: "")
        let digits = text.allSatisfy { $0.isASCII && $0.isNumber }
        if digits, text.count == 8 { return RegisterDate(text) }
        if let serial = Double(text), text.count >= 5, text.count <= 9, serial >= 10_000, serial < 100_000 {
            return fromSerial(Int(serial))
        }
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." }).map(String.init)
        guard parts.count == 3, parts[0].count == 4, parts[1].count <= 2, parts[2].count <= 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        return RegisterDate(year: y, month: m, day: d)
    }

    /// Excel's 1900 date system: serial 1 is 1900-01-01, with the fictitious 1900-02-29 (serial 60).
    private static func fromSerial(_ serial: Int) -> RegisterDate? {
        guard serial > 60 else { return nil }
        // Days from 1899-12-30 (serials after 60 count from there).
        var z = serial - 25_569 + 719_468  // 1970-01-01 is serial 25569; civil-from-days algorithm.
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        z = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return RegisterDate(year: z, month: m, day: d)
    }

    static func integer(_ raw: String) -> Int? {
        let text = raw.precomposedStringWithCompatibilityMapping.trimmingWhitespace()
        if let value = Int(text) { return value }
        if let value = Double(text), value == value.rounded(), abs(value) < 1e9 { return Int(value) }
        return nil
    }

    static func decimal(_ raw: String) -> Double? {
        var text = raw.precomposedStringWithCompatibilityMapping.trimmingWhitespace()
        for unit in ["平方米", "㎡", "m²", "m2", "平米"] where text.hasSuffix(unit) {
            text = String(text.dropLast(unit.count)).trimmingWhitespace()
        }
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    static func flag(_ raw: String) -> Bool? {
        switch raw.precomposedStringWithCompatibilityMapping.trimmingWhitespace().lowercased() {
        case "是", "有", "1", "y", "yes", "true", "√", "申领": true
        case "否", "无", "没有", "0", "n", "no", "false", "×", "不申领": false
        default: nil
        }
    }

    /// 出租状态: `0`/`1`/`2` or 未出租 / 出租 / 部分出租.
    static func rentalStatus(_ raw: String) -> RentalStatus? {
        switch raw.precomposedStringWithCompatibilityMapping.trimmingWhitespace() {
        case "0", "未出租", "不出租", "否", "自住", "空置": .notRented
        case "1", "出租", "整租", "已出租", "是", "全部出租": .rented
        case "2", "部分出租", "合租", "分租": .partlyRented
        default: nil
        }
    }

    /// 证件类型: `1`…`9` or the name; `外国人永久居留身份证` without a year is told apart by the number.
    static func documentType(_ raw: String, idNumber: String?) -> DocumentType? {
        let text = raw.precomposedStringWithCompatibilityMapping.trimmingWhitespace()
        if let type = DocumentType(rawValue: text) { return type }
        switch text {
        case "居民身份证", "身份证", "二代身份证", "居民身份证(二代)": return .residentCard
        case "港澳台居民居住证", "港澳居民居住证", "台湾居民居住证": return .hkMacaoTaiwanPermit
        case "外国人永久居留身份证(2017)", "外国人永久居留身份证(2017版)": return .foreignerCard2017
        case "外国人永久居留身份证(2023)", "外国人永久居留身份证(2023版)": return .foreignerCard2023
        case "外国人永久居留身份证", "外国人永久居留证":
            return idNumber?.first == "9" ? .foreignerCard2023 : .foreignerCard2017
        case "其他", "其他证件", "无证件", "其他/无证件": return .other
        default: return nil
        }
    }

    /// The sex code inside an 18-character number (17th character odd: 1 男, even: 2 女).
    static func sex(ofIdNumber number: String?) -> String? {
        guard let number, number.utf8.count == 18 else { return nil }
        let c = Array(number.utf8)[16]
        guard c >= 0x30, c <= 0x39 else { return nil }
        return (c - 0x30) % 2 == 1 ? "1" : "2"
    }
}

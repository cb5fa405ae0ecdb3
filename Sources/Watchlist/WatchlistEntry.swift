import Foundation
import IDCard
import Spreadsheet

/// One person to list, as the issuer enters them: who (an ID number, or a name and birth date, or both)
/// and the details to seal.
public struct WatchlistEntry: Sendable, Hashable {
    /// Who: the ID tag is made from the number, the name tag from name + birth date.
    public var identity: WatchlistIdentity
    /// 类别, 级别, 处置要求, 有效期至 (name and birth date are taken from ``identity``).
    public var category: String, level: WatchlistLevel, instructions: String, validUntil: String?
    /// The spreadsheet row it came from (for error messages), or 0.
    public var row: Int

    /// An entry.
    public init(identity: WatchlistIdentity, category: String, level: WatchlistLevel, instructions: String = "",
                validUntil: String? = nil, row: Int = 0) {
        self.identity = identity
        self.category = category
        self.level = level
        self.instructions = instructions
        self.validUntil = validUntil
        self.row = row
    }

    /// The details to seal, with `entryRef`.
    func details(entryRef: UUID) -> WatchlistDetails {
        let birth = identity.normalizedBirthDate.map { "\($0.prefix(4))-\($0.dropFirst(4).prefix(2))-\($0.suffix(2))" }
        return WatchlistDetails(category: category, level: level, instructions: instructions,
                                name: identity.normalizedName, birthDate: birth, validUntil: validUntil, entryRef: entryRef)
    }
}

/// A bad input row of a list to seal: row number, column and reason.
public struct WatchlistRowError: Sendable, Hashable, CustomStringConvertible {
    /// The row number in the file (1-based, header included).
    public var row: Int
    /// The column (Chinese header), or empty.
    public var column: String
    /// Why (Chinese).
    public var message: String

    /// `第 3 行 身份证号：校验码错误`.
    public var description: String { "第 \(row) 行" + (column.isEmpty ? "" : " \(column)") + "：\(message)" }
}

/// Reading the input of `renfang watchlist seal`: an .xlsx or .csv file with the columns of
/// templates/watchlist.csv — 身份证号, 姓名, 出生日期, 类别, 级别, 处置要求, 有效期至.
public enum WatchlistInput {
    /// The column headers.
    public static let columns = ["身份证号", "姓名", "出生日期", "类别", "级别", "处置要求", "有效期至"]

    /// Every row of the file as an entry, or every bad row. A file with any bad row yields no entries:
    /// a list is sealed whole or not at all.
    public static func read(url: URL, sheet: String? = nil) throws -> Result<[WatchlistEntry], WatchlistInputErrors> {
        let table: SpreadsheetTable
        do { table = try Spreadsheet.read(url: url, sheet: sheet) } catch {
            throw WatchlistError(.badInput, "无法读取输入文件 \(url.lastPathComponent)：\(error)")
        }
        return parse(table)
    }

    /// Every row of a table as an entry, or every bad row.
    public static func parse(_ table: SpreadsheetTable) -> Result<[WatchlistEntry], WatchlistInputErrors> {
        var errors: [WatchlistRowError] = []
        let missing = ["类别", "级别"].filter { table.column(named: $0) == nil }
            + (table.column(named: "身份证号") == nil && table.column(named: "姓名") == nil ? ["身份证号"] : [])
        if !missing.isEmpty {
            return .failure(WatchlistInputErrors(errors: missing.map { WatchlistRowError(row: 1, column: $0, message: "缺少此列") }))
        }
        var entries: [WatchlistEntry] = []
        for index in table.rows.indices {
            let rowNumber = index < table.rowNumbers.count ? table.rowNumbers[index] : index + 2
            func cell(_ column: String) -> String {
                table.value(row: index, column: column).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            if columns.allSatisfy({ cell($0).isEmpty }) { continue }
            var rowErrors: [WatchlistRowError] = []
            func fail(_ column: String, _ message: String) { rowErrors.append(WatchlistRowError(row: rowNumber, column: column, message: message)) }
            let id = cell("身份证号"), name = cell("姓名"), birth = cell("出生日期")
            var identity = WatchlistIdentity(idNumber: id.isEmpty ? nil : id, name: name.isEmpty ? nil : name,
                                             birthDate: birth.isEmpty ? nil : birth)
            if let number = identity.normalizedID {
                if number.count != 18 || IDNumber.checkCharacter(forFirst17: String(number.prefix(17))) != number.last {
                    fail("身份证号", "不是有效的 18 位身份证号（长度或校验码错误）")
                }
            }
            if !birth.isEmpty, !isDate(birth) { fail("出生日期", "日期格式应为 YYYY-MM-DD") }
            if name.count > 50 { fail("姓名", "超过 50 个字") }
            if identity.normalizedID == nil {
                if name.isEmpty || birth.isEmpty { fail("身份证号", "没有身份证号时必须填写姓名和出生日期") }
            }
            let category = cell("类别")
            if category.isEmpty { fail("类别", "必填") } else if category.count > 20 { fail("类别", "超过 20 个字") }
            let levelText = cell("级别")
            let level = WatchlistLevel.allCases.first { String($0.rawValue) == levelText || $0.label == levelText }
            if level == nil { fail("级别", "应为 1、2、3（或一级、二级、三级）") }
            let instructions = cell("处置要求")
            if instructions.count > 500 { fail("处置要求", "超过 500 个字") }
            let validUntil = cell("有效期至")
            if !validUntil.isEmpty, !isDate(validUntil) { fail("有效期至", "日期格式应为 YYYY-MM-DD") }
            if !rowErrors.isEmpty { errors += rowErrors; continue }
            if birth.isEmpty { identity.birthDate = nil }
            entries.append(WatchlistEntry(identity: identity, category: category, level: level!, instructions: instructions,
                                          validUntil: validUntil.isEmpty ? nil : normalizeDate(validUntil), row: rowNumber))
        }
        return errors.isEmpty ? .success(entries) : .failure(WatchlistInputErrors(errors: errors))
    }

    static func isDate(_ text: String) -> Bool { normalizeDate(text) != nil }

    /// `YYYY-MM-DD` from `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYYMMDD`, if a calendar date.
    static func normalizeDate(_ text: String) -> String? {
        let digits = text.filter(\.isASCIIDigitCharacter)
        guard digits.count == 8, text.count == 8 || text.count == 10 else { return nil }
        let y = Int(digits.prefix(4))!, m = Int(digits.dropFirst(4).prefix(2))!, d = Int(digits.suffix(2))!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: y, month: m, day: d)),
              calendar.component(.day, from: date) == d, calendar.component(.month, from: date) == m
        else { return nil }
        return String(format: "%04d-%02d-%02d", y, m, d)
    }
}

/// Every bad row of an input file.
public struct WatchlistInputErrors: Error, Sendable, Hashable {
    /// The bad rows, in file order.
    public var errors: [WatchlistRowError]
}

extension Character {
    var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}

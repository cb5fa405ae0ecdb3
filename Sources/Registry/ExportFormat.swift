import Foundation
import GRDB
import IDCard

/// Cell text of exported values: codes as their names (which imports resolve back), dates
/// `YYYY-MM-DD`, yes/no as 是/否, and the sensitive values decrypted, masked or left out as the
/// exporter's ``ExportDisclosure`` says.
struct ExportFormat {
    let disclosure: ExportDisclosure
    let cipher: DataCipher

    func code(_ row: Row, _ column: String, _ table: CodeTable) -> String {
        ImportCodes.name(of: row[column] as String?, in: table)
    }

    func text(_ row: Row, _ column: String) -> String {
        row[column] as String? ?? ""
    }

    func number(_ row: Row, _ column: String) -> String {
        switch (row[column] as DatabaseValue? ?? .null).storage {
        case let .int64(i): return String(i)
        case let .double(d): return d == d.rounded() && abs(d) < 1e12 ? String(Int64(d)) : String(d)
        case let .string(s): return s
        default: return ""
        }
    }

    func flag(_ row: Row, _ column: String, yes: String = "是", no: String = "否") -> String {
        switch row[column] as Int? {
        case 1: yes
        case 0: no
        default: ""
        }
    }

    /// A person's name (empty when people are not disclosed).
    func name(_ row: Row, _ column: String) -> String {
        disclosure == .placesOnly ? "" : text(row, column)
    }

    /// A sealed ID number: in full, masked, or empty.
    func idNumber(_ row: Row, _ column: String, _ sealed: SealedColumn) throws -> String {
        guard disclosure != .placesOnly, let value = try cipher.text(row, column, sealed) else { return "" }
        return disclosure == .full ? value : IDNumber.mask(value)
    }

    /// A sealed phone: in full, masked (`138****8001`), or empty.
    func phone(_ row: Row, _ column: String, _ sealed: SealedColumn) throws -> String {
        guard disclosure != .placesOnly, let value = try cipher.text(row, column, sealed) else { return "" }
        return disclosure == .full ? value : Self.maskPhone(value)
    }

    /// The first 3 and last 4 digits kept (`138****8001`); 7 digits or fewer masked entirely.
    static func maskPhone(_ phone: String) -> String {
        let chars = Array(phone)
        guard chars.count > 7 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(3)) + String(repeating: "*", count: chars.count - 7) + String(chars.suffix(4))
    }

    static func rentalStatus(_ value: Int?) -> String {
        switch value.flatMap(RentalStatus.init(rawValue:)) {
        case .notRented: "未出租"
        case .rented: "出租"
        case .partlyRented: "部分出租"
        case nil: ""
        }
    }

    static func documentType(_ value: String?) -> String {
        switch value.flatMap(DocumentType.init(rawValue:)) {
        case .residentCard: "居民身份证"
        case .hkMacaoTaiwanPermit: "港澳台居民居住证"
        case .foreignerCard2017: "外国人永久居留身份证(2017)"
        case .foreignerCard2023: "外国人永久居留身份证(2023)"
        case .other: "其他"
        case nil: ""
        }
    }
}

/// The SQL of an export: the 小区 in scope, optionally one of them.
struct ExportFilter {
    let scope: Scope
    let xiaoquId: Int64?

    /// ` <scope filter on column> [AND column = ?]` (with a leading space).
    func sql(_ column: String) -> SQL {
        var sql = SQL(sql: " ") + scope.xiaoquFilter(column)
        if let xiaoquId { sql = sql + SQL(sql: " AND \(column) = ?", arguments: [xiaoquId]) }
        return sql
    }

    /// The place columns every kind selects, with their joins (alias `h` for the house).
    static let placeSelect = """
        x.name AS x_name, c.name AS c_name, b.name AS b_name, u.name AS u_name, h.room_number AS h_room
        """
    static let placeJoins = """
        JOIN xiaoqu x ON x.id = h.xiaoqu_id JOIN community c ON c.id = x.community_id
        LEFT JOIN building b ON b.id = h.building_id LEFT JOIN unit u ON u.id = h.unit_id
        """

    /// The location cells 社区, 小区, 楼栋, 单元.
    static func location(_ row: Row) -> [String] {
        [row["c_name"] ?? "", row["x_name"] ?? "", row["b_name"] ?? "", row["u_name"] ?? ""]
    }
}

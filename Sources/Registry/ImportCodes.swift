import Dictionaries
import Foundation

/// Maps a coded cell to its code with the Dictionaries module's `CodeTable.resolve(_:)`: the code
/// itself, a number that lost its leading zeros (`1` → `01`), or the exact name (`汉族` → `01`).
///
/// Two tables are tried: first one built from the register's own names (``BuiltInCodes``, what exports
/// write, so an export always imports back), then the Dictionaries table of the same field (other
/// names of the same codes). `汉` is also read as `汉族`. Text that resolves in neither is returned as
/// is, for the register's validation to refuse with the field's name (`field.badCode`).
enum ImportCodes {
    static func resolve(_ text: String, in table: CodeTable) -> String {
        if let entry = own[table]?.resolve(text) { return entry.code }  // the common case, before NFKC
        let value = text.precomposedStringWithCompatibilityMapping.trimmingWhitespace()
        if let entry = own[table]?.resolve(value) ?? dictionary(table)?.resolve(value) { return entry.code }
        if table == .nation, !value.hasSuffix("族"), let entry = own[table]?.resolve(value + "族") { return entry.code }
        return value
    }

    /// The register's name of a code (what exports write), or the code itself when it has none.
    static func name(of code: String?, in table: CodeTable) -> String {
        guard let code, !code.isEmpty else { return "" }
        return BuiltInCodes().name(of: code, in: table) ?? code
    }

    private static let own: [CodeTable: Dictionaries.CodeTable] = Dictionary(
        uniqueKeysWithValues: CodeTable.allCases.map { table in
            (table, Dictionaries.CodeTable(id: table.rawValue, title: table.rawValue, source: "renfang",
                                           BuiltInCodes.entries(of: table)))
        })

    private static func dictionary(_ table: CodeTable) -> Dictionaries.CodeTable? {
        switch table {
        case .sex: CodeTables.sex
        case .nation: CodeTables.nation
        case .maritalStatus: CodeTables.maritalStatus
        case .education: CodeTables.education
        case .politicalStatus: CodeTables.politicalStatus
        case .relation: CodeTables.relation
        case .residenceReason: CodeTables.residenceReason
        case .housingType: CodeTables.housingType
        case .plannedStay: CodeTables.plannedStay
        case .rentalUse: CodeTables.rentalUse
        case .houseUsage: CodeTables.houseUsage
        case .militaryService, .labourContract, .insurance, .serviceMatterType, .inspectionResult: nil
        }
    }
}

import Dictionaries
import Testing
@testable import Registry

/// The pages offer the Dictionaries module's tables (GET /dictionaries); the register validates coded fields
/// against its own. Where both have a table of the same name they must hold the same codes (names may be the
/// short or the long form), or a page would offer a code the register refuses (or miss one it takes).
@Suite("Code tables: the register and the dictionaries agree")
struct CodeTableAgreementTests {
    @Test("every register table that the dictionaries also serve has the same codes", arguments: Registry.CodeTable.allCases)
    func agree(_ table: Registry.CodeTable) {
        guard let served = CodeTables.table(table.rawValue) else { return }
        let register = BuiltInCodes.entries(of: table)
        let servedCodes = Set(served.entries.map(\.code)), registerCodes = Set(register.map(\.code))
        #expect(registerCodes.subtracting(servedCodes).sorted() == [], "\(table.rawValue): the register takes codes the pages never offer")
        #expect(servedCodes.subtracting(registerCodes).sorted() == [], "\(table.rawValue): the pages offer codes the register refuses")
    }
}

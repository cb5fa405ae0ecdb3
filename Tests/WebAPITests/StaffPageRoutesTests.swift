import Foundation
import HummingbirdTesting
import Registry
import Testing
@testable import WebAPI

/// What the staff pages (/desk, /police) need of the API beyond the routes' own tests.
@Suite("Staff pages")
struct StaffPageRoutesTests {
    @Test("the register's local code tables are served for pick lists, with the codes the register accepts")
    func localCodeTables() async throws {
        let world = try await DomainWorld()
        try await world.live { client async throws in
            let tables: [(String, Registry.CodeTable)] = [
                ("militaryService", .militaryService), ("labourContract", .labourContract), ("insurance", .insurance),
                ("serviceMatterType", .serviceMatterType), ("inspectionResult", .inspectionResult),
            ]
            let listed = try await client.call(.get, "/api/v1/dictionaries").array.compactMap { $0["id"] as? String }
            for (id, table) in tables {
                #expect(listed.contains(id), "\(id) listed")
                let answer = try await client.call(.get, "/api/v1/dictionaries/\(id)?limit=100")
                #expect(answer.status == .ok)
                let entries = (answer.object["entries"] as? [[String: Any]] ?? []).map { ($0["code"] as? String ?? "", $0["name"] as? String ?? "") }
                let expected = BuiltInCodes.entries(of: table)
                #expect(entries.map(\.0) == expected.map(\.code), "\(id) codes")
                #expect(entries.map(\.1) == expected.map(\.name), "\(id) names")
                #expect(!entries.isEmpty)
            }
            // Completion by pinyin initials and by characters works on them like on the national tables.
            let byPinyin = try await client.call(.get, "/api/v1/dictionaries/inspectionResult?q=fxwt")
            #expect((byPinyin.object["entries"] as? [[String: Any]])?.first?["name"] as? String == "发现问题")
            let byText = try await client.call(.get, "/api/v1/dictionaries/serviceMatterType?q=%E5%B1%85%E4%BD%8F%E8%AF%81")
            let names = (byText.object["entries"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names.contains("居住证申领") && names.allSatisfy { $0.contains("居住证") }, "\(names)")
        }
    }
}

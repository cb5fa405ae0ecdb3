import Feed
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

    @Test("签收, 派警 and 结束 are published as alert.progressed to the restricted audience only, masked and without the note")
    func alertProgressIsPublished() async throws {
        let world = try await DomainWorld()
        let alert = try await AlertRoutesTests.raise(world)
        let restricted = world.services.bus.subscribe(topics: [.alert], audience: .restricted)
        let publicSide = world.services.bus.subscribe(topics: Set(FeedTopic.allCases), audience: .public)
        try await world.live { client async throws in
            for (to, note) in [("acknowledged", ""), ("dispatched", ""), ("closed", "已到场处置")] {
                let body = note.isEmpty ? #"{"to":"\#(to)"}"# : #"{"to":"\#(to)","note":"\#(note)"}"#
                #expect(try await client.call(.post, "/api/v1/alerts/\(alert)/progress", as: "policeA", json: body).status == .ok)
            }
            // A refused step publishes nothing.
            #expect(try await client.call(.post, "/api/v1/alerts/\(alert)/progress", as: "policeA", json: #"{"to":"acknowledged"}"#).status == .conflict)
        }
        restricted.cancel()
        publicSide.cancel()
        var events: [FeedEvent] = []
        for await event in restricted { events.append(event) }
        var publicEvents: [FeedEvent] = []
        for await event in publicSide { publicEvents.append(event) }
        let progressed = events.filter { $0.type == "alert.progressed" }
        #expect(progressed.count == 3)
        let data = progressed.compactMap { try? JSONSerialization.jsonObject(with: $0.data) as? [String: Any] }
        #expect(data.compactMap { $0["state"] as? String } == ["acknowledged", "dispatched", "closed"])
        #expect(data.allSatisfy { ($0["alertId"] as? String)?.uppercased() == alert.uuidString.uppercased() })
        #expect(data.allSatisfy { $0["maskedName"] as? String == "李*" && $0["note"] == nil })
        let text = progressed.map { String(decoding: $0.data, as: UTF8.self) }.joined()
        #expect(!text.contains("李娜") && !text.contains("已到场处置") && !text.contains(People.liNa), "masked, no note")
        #expect(publicEvents.allSatisfy { $0.topic != .alert }, "never on the public side")
    }
}

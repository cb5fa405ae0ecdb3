import Foundation
import HTTPTypes
import HummingbirdTesting
import Registry
import Testing
@testable import WebAPI

@Suite("Register routes")
struct RegisterRoutesTests {
    @Test("a tenant typed in with wrong fields is refused naming each field in Chinese, then registered and listed")
    func manualRegistration() async throws {
        let world = try await DomainWorld()
        let house = world.houseA.uuid
        try await world.live { client async throws in
            let wrong = """
                {"house":"\(house)","name":"李娜","idNumber":"\(People.liNa)","sex":"7","relation":"91","plannedStay":"zz"}
                """
            let refused = try await client.call(.post, "/api/v1/registrations", as: "deskA", json: wrong)
            #expect(refused.status == .badRequest)
            #expect(refused.error["code"] as? String == "validation.failed")
            let fields = refused.error["fields"] as? [[String: Any]] ?? []
            let byField = Dictionary(fields.map { ($0["field"] as? String ?? "", $0["message"] as? String ?? "") }, uniquingKeysWith: { a, _ in a })
            #expect(byField["sex"]?.contains("性别") == true)
            #expect(byField["arrivalDate"]?.contains("到达本地日期") == true)
            #expect(byField["plannedStay"]?.contains("拟居住期限") == true)
            #expect(refused.error["field"] as? String != nil)

            let residentsBefore = try await client.call(.get, "/api/v1/houses/\(house)/residents", as: "deskA")
            #expect(residentsBefore.array.isEmpty)

            let right = """
                {"house":"\(house)","name":"李娜","idNumber":"\(People.liNa)","sex":"2","relation":"91",
                 "arrivalDate":"2025-01-10","plannedStay":"2","residenceReason":"01","phone":"13900139002"}
                """
            let done = try await client.call(.post, "/api/v1/registrations", as: "deskA", json: right)
            #expect(done.status == .created, "\(done.text)")
            #expect((done.object["person"] as? [String: Any])?["name"] as? String == "李娜")
            #expect((done.object["person"] as? [String: Any])?["photoWlt"] == nil)

            let residents = try await client.call(.get, "/api/v1/houses/\(house)/residents", as: "deskA")
            #expect(residents.status == .ok)
            let names = residents.array.compactMap { ($0["person"] as? [String: Any])?["name"] as? String }
            #expect(names == ["李娜"])
        }
    }

    @Test("a value of the wrong type is refused naming the field")
    func wrongType() async throws {
        let world = try await DomainWorld()
        try await world.live { client async throws in
            let response = try await client.call(.post, "/api/v1/registrations", as: "deskA",
                                                 json: #"{"house":"\#(world.houseA.uuid)","name":"李娜","birthDate":12}"#)
            #expect(response.status == .badRequest)
            #expect(response.error["field"] as? String == "birthDate")
            #expect((response.error["message"] as? String)?.contains("出生日期") == true)
            let badDate = try await client.call(.post, "/api/v1/registrations", as: "deskA",
                                                json: #"{"house":"\#(world.houseA.uuid)","arrivalDate":"2025-13-40"}"#)
            #expect(badDate.status == .badRequest)
            #expect((badDate.error["message"] as? String)?.contains("到达本地日期") == true)
        }
    }

    @Test("scope: a desk of one 小区 gets 404 elsewhere, police of another station see nothing, an auditor cannot read people")
    func scope() async throws {
        let world = try await DomainWorld()
        let registration = try await world.register.register(
            person: PersonDraft(idNumber: People.liNa, name: "李娜", sex: "2"), into: world.houseA.uuid,
            stay: StayDraft(arrivalDate: RegisterDate("2025-01-10"), relation: "91"), by: world.actors["deskA"]!)
        let person = try #require(registration.value).person.uuid
        try await world.live { client async throws in
            // Desk of 小区 A: its own house yes, a house of 小区 B (other station) and of A2 (same station) no.
            #expect(try await client.call(.get, "/api/v1/houses/\(world.houseA.uuid)", as: "deskA").status == .ok)
            let other = try await client.call(.get, "/api/v1/houses/\(world.houseB.uuid)", as: "deskA")
            #expect(other.status == .notFound)
            #expect(other.error["code"] as? String == "record.notFound")
            #expect(try await client.call(.get, "/api/v1/houses/\(world.houseA2.uuid)", as: "deskA").status == .notFound)
            #expect(try await client.call(.post, "/api/v1/registrations", as: "deskA", json: """
                {"house":"\(world.houseB.uuid)","name":"张伟","idNumber":"\(People.zhangWei)","sex":"1","relation":"91","arrivalDate":"2025-01-10"}
                """).status == .notFound)

            // Police of station A see the person; police of station B see nothing of A.
            #expect(try await client.call(.get, "/api/v1/people/\(person)", as: "policeA").status == .ok)
            #expect(try await client.call(.get, "/api/v1/people/\(person)", as: "policeB").status == .notFound)
            let searchA = try await client.call(.get, "/api/v1/search/stays", as: "policeA")
            #expect((searchA.object["hits"] as? [Any])?.count == 1)
            let searchB = try await client.call(.get, "/api/v1/search/stays", as: "policeB")
            #expect(searchB.status == .ok)
            #expect((searchB.object["hits"] as? [Any])?.count == 0)
            let xiaoqusB = try await client.call(.get, "/api/v1/xiaoqus", as: "policeB")
            #expect(xiaoqusB.array.compactMap { $0["name"] as? String } == ["和平家园"])
            let tree = try await client.call(.get, "/api/v1/places/tree", as: "deskA")
            let communities = tree.object["communities"] as? [[String: Any]] ?? []
            #expect(communities.count == 1)
            #expect((communities.first?["xiaoqus"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["阳光花园"])

            // The auditor reads no people at all.
            let auditor = try await client.call(.get, "/api/v1/people/\(person)", as: "auditor")
            #expect(auditor.status == .forbidden)
            #expect(auditor.error["code"] as? String == "permission.denied")
            #expect(try await client.call(.get, "/api/v1/search/stays", as: "auditor").status == .forbidden)
            #expect(try await client.call(.get, "/api/v1/houses/\(world.houseA.uuid)/residents", as: "auditor").status == .forbidden)

            // Without a session: 401.
            let anonymous = try await client.call(.get, "/api/v1/people/\(person)")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.error["code"] as? String == "auth.required")
        }
    }

    @Test("check-out, transfer and cancel/restore of a house go through with their field rules")
    func stayWorkflow() async throws {
        let world = try await DomainWorld()
        let registration = try await world.register.register(
            person: PersonDraft(idNumber: People.liNa, name: "李娜", sex: "2"), into: world.houseA.uuid,
            stay: StayDraft(arrivalDate: RegisterDate("2025-01-10"), relation: "91"), by: world.actors["policeA"]!)
        let stay = try #require(registration.value).stay.uuid
        try await world.live { client async throws in
            let missing = try await client.call(.post, "/api/v1/stays/\(stay)/check-out", as: "policeA", json: "{}")
            #expect(missing.status == .badRequest)
            let fields = (missing.error["fields"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(fields.contains("departureDate"))
            #expect(fields.contains("departureReason"))
            let moved = try await client.call(.post, "/api/v1/stays/\(stay)/transfer", as: "policeA", json: """
                {"house":"\(world.houseA2.uuid)","departureDate":"2025-02-01","departureReason":"搬家","relation":"91"}
                """)
            #expect(moved.status == .created, "\(moved.text)")
            #expect((moved.object["arrived"] as? [String: Any])?["houseUuid"] as? String == world.houseA2.uuid.uuidString)
            let cancelled = try await client.call(.post, "/api/v1/houses/\(world.houseA.uuid)/cancel", as: "policeA",
                                                  json: #"{"statusDate":"2025-03-01","statusReason":"拆除"}"#)
            #expect(cancelled.status == .ok, "\(cancelled.text)")
            #expect(cancelled.object["status"] as? Int == 1)
            let restored = try await client.call(.post, "/api/v1/houses/\(world.houseA.uuid)/restore", as: "policeA",
                                                 json: #"{"statusDate":"2025-03-05","statusReason":"恢复出租"}"#)
            #expect(restored.object["status"] as? Int == 0)
        }
    }
}

import Foundation
import HummingbirdTesting
import Registry
import Testing
@testable import WebAPI

@Suite("Alert routes")
struct AlertRoutesTests {
    static func raise(_ world: DomainWorld) async throws -> UUID {
        let draft = AlertDraft(listId: "bureau", listVersion: 3, entryRef: UUID(), level: 1, category: "在逃", instructions: "立即报告",
                               idNumber: People.liNa, name: "李娜", device: DomainWorld.kioskReader, xiaoqu: world.xiaoquA.uuid)
        return try await world.register.raiseAlert(draft, by: world.actors["admin"]!).uuid
    }

    @Test("workflow new → acknowledged → dispatched → closed; an illegal jump and a close without a note are refused")
    func workflow() async throws {
        let world = try await DomainWorld()
        let alert = try await Self.raise(world)
        try await world.live { client async throws in
            let list = try await client.call(.get, "/api/v1/alerts?state=new", as: "policeA")
            #expect(list.array.compactMap { $0["uuid"] as? String } == [alert.uuidString])
            #expect(list.array.first?["maskedName"] as? String == "李*")
            #expect(list.array.first?["state"] as? String == "new")

            let jump = try await client.call(.post, "/api/v1/alerts/\(alert)/progress", as: "policeA", json: #"{"to":"closed","note":"误报"}"#)
            #expect(jump.status == .conflict)
            #expect(jump.error["code"] as? String == "alert.badTransition")

            let unknown = try await client.call(.post, "/api/v1/alerts/\(alert)/progress", as: "policeA", json: #"{"to":"finished"}"#)
            #expect(unknown.status == .badRequest)
            #expect(unknown.error["field"] as? String == "to")

            var response = try await client.call(.post, "/api/v1/alerts/\(alert)/progress", as: "policeA", json: #"{"to":"acknowledged"}"#)
            #expect(response.status == .ok)
            #expect(response.object["state"] as? String == "acknowledged")
            response = try await client.call(.post, "/api/v1/alerts/\(alert)/progress", as: "policeA", json: #"{"to":"dispatched","note":"已派警"}"#)
            #expect(response.object["state"] as? String == "dispatched")
            let noNote = try await client.call(.post, "/api/v1/alerts/\(alert)/progress", as: "policeA", json: #"{"to":"closed"}"#)
            #expect(noNote.status == .badRequest)
            #expect(noNote.error["field"] as? String == "note")
            response = try await client.call(.post, "/api/v1/alerts/\(alert)/progress", as: "policeA", json: #"{"to":"closed","note":"已处置"}"#)
            #expect(response.status == .ok)
            #expect(response.object["state"] as? String == "closed")
            #expect((response.object["closed"] as? [String: Any])?["note"] as? String == "已处置")
            #expect(try await client.call(.get, "/api/v1/alerts?state=new", as: "policeA").array.isEmpty)
        }
    }

    @Test("alerts are for the police of the station: other stations get 404, desk and auditor 403")
    func scope() async throws {
        let world = try await DomainWorld()
        let alert = try await Self.raise(world)
        try await world.live { client async throws in
            #expect(try await client.call(.get, "/api/v1/alerts/\(alert)", as: "policeA").status == .ok)
            #expect(try await client.call(.get, "/api/v1/alerts/\(alert)", as: "policeB").status == .notFound)
            #expect(try await client.call(.get, "/api/v1/alerts", as: "policeB").array.isEmpty)
            #expect(try await client.call(.post, "/api/v1/alerts/\(alert)/progress", as: "policeB", json: #"{"to":"acknowledged"}"#).status == .notFound)
            #expect(try await client.call(.get, "/api/v1/alerts", as: "deskA").status == .forbidden)
            #expect(try await client.call(.get, "/api/v1/alerts", as: "auditor").status == .forbidden)
        }
    }
}

import Feed
import Foundation
import HummingbirdTesting
import Registry
import Testing
@testable import WebAPI

@Suite("Server-sent event routes")
struct EventRoutesTests {
    @Test("a published card event reaches a desk session; an alert reaches police of the station only")
    func cardAndAlert() async throws {
        let world = try await DomainWorld()
        let draft = AlertDraft(listId: "bureau", listVersion: 3, entryRef: UUID(), level: 1, category: "在逃", instructions: "立即报告",
                               idNumber: People.liNa, name: "李娜", device: DomainWorld.kioskReader, xiaoqu: world.xiaoquA.uuid)
        let alert = try await world.register.raiseAlert(draft, by: world.actors["admin"]!).uuid
        try await world.live { client async throws in
            let port = try #require(client.port)
            let desk = try RawHTTPClient(port: port)
            desk.get("/api/v1/events", headers: ["X-Test-Actor": "deskA"])
            let police = try RawHTTPClient(port: port)
            police.get("/api/v1/events", headers: ["X-Test-Actor": "policeA"])
            let otherPolice = try RawHTTPClient(port: port)
            otherPolice.get("/api/v1/events", headers: ["X-Test-Actor": "policeB"])
            for stream in [desk, police, otherPolice] {
                #expect(await stream.read(until: { $0.contains(": connected") }, timeout: 30))
                #expect(stream.received.contains("text/event-stream"))
            }

            world.services.bus.publish(try FeedEvent(topic: .alert, type: "alert.opened",
                                                     data: ["id": alert.uuidString, "level": "1", "maskedName": "李*"]))
            world.services.bus.publish(try FeedEvent(topic: .card, type: "card.read",
                                                     data: PublicCardData(name: "李娜", kind: "resident", device: "sim:desk")))

            #expect(await desk.read(until: { $0.contains("event: card.read") }, timeout: 30))
            #expect(desk.received.contains("\"name\":\"李*\""))
            #expect(!desk.received.contains("alert"))
            #expect(await police.read(until: { $0.contains("event: card.read") }, timeout: 30))
            #expect(police.received.contains("event: alert.opened"))
            #expect(police.received.contains(alert.uuidString))
            #expect(await otherPolice.read(until: { $0.contains("event: card.read") }, timeout: 30))
            #expect(!otherPolice.received.contains("alert.opened"))

            // Heartbeat comments keep the stream alive (1 s in this world).
            #expect(await desk.read(until: { $0.contains(": heartbeat") }, timeout: 30))
        }
    }

    @Test("Last-Event-ID: a retained event already seen is not sent again, a newer one is")
    func resume() async throws {
        let world = try await DomainWorld()
        let first = world.services.bus.publish(try FeedEvent(topic: .occupancy, type: "occupancy.changed",
                                                             data: OccupancyData(places: [.init(name: "阳光花园", living: 1, arrivalsToday: 1, departuresToday: 0)])))
        try await world.live { client async throws in
            let port = try #require(client.port)
            let seen = try RawHTTPClient(port: port)
            seen.get("/api/v1/events", headers: ["X-Test-Actor": "deskA", "Last-Event-ID": "\(first.sequence)"])
            let fresh = try RawHTTPClient(port: port)
            fresh.get("/api/v1/events", headers: ["X-Test-Actor": "deskA"])
            #expect(await fresh.read(until: { $0.contains("event: occupancy.changed") }, timeout: 30))
            #expect(await seen.read(until: { $0.contains(": heartbeat") }, timeout: 30))
            #expect(!seen.received.contains("occupancy.changed"))
            world.services.bus.publish(try FeedEvent(topic: .occupancy, type: "occupancy.changed",
                                                     data: OccupancyData(places: [.init(name: "阳光花园", living: 2, arrivalsToday: 2, departuresToday: 0)])))
            #expect(await seen.read(until: { $0.contains("\"living\":2") }, timeout: 30))

            // The public screen stream carries occupancy and banner only, without a login.
            let screen = try RawHTTPClient(port: port)
            screen.get("/api/v1/screen/events")
            #expect(await screen.read(until: { $0.contains("occupancy.changed") }, timeout: 30))
            world.services.bus.publish(try FeedEvent(topic: .card, type: "card.read",
                                                     data: PublicCardData(name: "李娜", kind: "resident", device: "sim:desk")))
            #expect(await screen.read(until: { $0.contains(": heartbeat") }, timeout: 30))
            #expect(!screen.received.contains("card.read"))
        }
    }

    @Test("a session without a role for events and an anonymous one are refused with JSON")
    func refused() async throws {
        let world = try await DomainWorld()
        try await world.live { client async throws in
            let anonymous = try await client.call(.get, "/api/v1/events")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.error["code"] as? String == "auth.required")
            let badTopic = try await client.call(.get, "/api/v1/events?topics=secrets", as: "deskA")
            #expect(badTopic.status == .badRequest)
        }
    }
}

import Foundation
import Synchronization
import HummingbirdTesting
import Registry
import Testing
@testable import WebAPI

@Suite("Kiosk routes")
struct KioskRoutesTests {
    static func declaration(_ world: DomainWorld, token: String? = nil) -> String {
        """
        {"house":"\(world.houseA.uuid)","relation":"91","housingType":"02","residenceReason":"01","plannedStay":"4",
         "applyResidencePermit":true,"phone":"13900139002","hasEmployer":false\(token.map { ",\"token\":\"\($0)\"" } ?? "")}
        """
    }

    @Test("the kiosk shows the masked card just read and declares for that card only")
    func declaration() async throws {
        let world = try await DomainWorld()
        try await world.live { client async throws in
            let empty = try await client.call(.get, "/api/v1/kiosk/\(DomainWorld.kioskDevice)/card")
            #expect(empty.status == .ok)
            #expect(empty.object["present"] as? Bool == false)
            let noCard = try await client.call(.post, "/api/v1/kiosk/\(DomainWorld.kioskDevice)/declaration", json: Self.declaration(world))
            #expect(noCard.status == .conflict)
            #expect(noCard.error["code"] as? String == "card.none")

            // A card on another reader is not the kiosk's.
            world.services.cards.post(People.card(reader: "sim:desk"))
            #expect(try await client.call(.get, "/api/v1/kiosk/\(DomainWorld.kioskDevice)/card").object["present"] as? Bool == false)

            world.services.cards.post(People.card())
            let card = try await client.call(.get, "/api/v1/kiosk/\(DomainWorld.kioskDevice)/card")
            #expect(card.object["present"] as? Bool == true)
            #expect(card.object["maskedName"] as? String == "李*")
            #expect(card.object["maskedIdNumber"] as? String == Alert.maskIdNumber(People.liNa))
            #expect(!card.text.contains(People.liNa))
            #expect(!card.text.contains("李娜"))
            let token = try #require(card.object["token"] as? String)

            let places = try await client.call(.get, "/api/v1/kiosk/\(DomainWorld.kioskDevice)/places")
            #expect((places.object["houses"] as? [[String: Any]])?.compactMap { $0["roomNumber"] as? String } == ["301"])

            let stale = try await client.call(.post, "/api/v1/kiosk/\(DomainWorld.kioskDevice)/declaration",
                                              json: Self.declaration(world, token: UUID().uuidString))
            #expect(stale.status == .conflict)

            let outside = try await client.call(.post, "/api/v1/kiosk/\(DomainWorld.kioskDevice)/declaration",
                                                json: Self.declaration(world, token: token).replacingOccurrences(of: world.houseA.uuid.uuidString, with: world.houseB.uuid.uuidString))
            #expect(outside.status == .notFound)

            let done = try await client.call(.post, "/api/v1/kiosk/\(DomainWorld.kioskDevice)/declaration", json: Self.declaration(world, token: token))
            #expect(done.status == .created, "\(done.text)")
            #expect(done.object["maskedName"] as? String == "李*")
            #expect(!done.text.contains(People.liNa))
            // Used up: the card is gone from the kiosk.
            #expect(try await client.call(.get, "/api/v1/kiosk/\(DomainWorld.kioskDevice)/card").object["present"] as? Bool == false)

            let declarations = try await world.register.residents(ofHouse: world.houseA.uuid, for: world.actors["deskA"]!)
            #expect(declarations.map(\.person.name) == ["李娜"])
        }
    }

    @Test("a declaration with a missing field writes nothing (no stay either): corrected, the same card declares")
    func missingFieldWritesNothing() async throws {
        let world = try await DomainWorld()
        world.services.cards.post(People.card())
        try await world.live { client async throws in
            let card = try await client.call(.get, "/api/v1/kiosk/\(DomainWorld.kioskDevice)/card")
            let token = try #require(card.object["token"] as? String)
            // 居住事由 left out: the registration part alone would be valid, the declaration is not.
            let missing = Self.declaration(world, token: token).replacingOccurrences(of: "\"residenceReason\":\"01\",", with: "")
            let refused = try await client.call(.post, "/api/v1/kiosk/\(DomainWorld.kioskDevice)/declaration", json: missing)
            #expect(refused.status == .badRequest, "\(refused.text)")
            let fields = (refused.error["fields"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
            #expect(fields == ["residenceReason"] || refused.error["field"] as? String == "residenceReason", "\(refused.text)")
            #expect((refused.error["message"] as? String)?.contains("居住事由") == true || refused.text.contains("居住事由"))
            #expect(try await world.register.residents(ofHouse: world.houseA.uuid, for: world.actors["deskA"]!).isEmpty,
                    "nothing written: no stay without its declaration")
            // The card is still usable, and the corrected declaration goes through.
            let done = try await client.call(.post, "/api/v1/kiosk/\(DomainWorld.kioskDevice)/declaration", json: Self.declaration(world, token: token))
            #expect(done.status == .created, "\(done.text)")
            #expect(try await world.register.residents(ofHouse: world.houseA.uuid, for: world.actors["deskA"]!).map(\.person.name) == ["李娜"])
        }
    }

    @Test("someone already living in the house declares again at the kiosk for their stay: no second stay")
    func alreadyLivingDeclares() async throws {
        let world = try await DomainWorld()
        try await world.live { client async throws in
            func declare() async throws -> (status: Int, registered: Bool?, text: String) {
                world.services.cards.post(People.card())
                let card = try await client.call(.get, "/api/v1/kiosk/\(DomainWorld.kioskDevice)/card")
                let token = try #require(card.object["token"] as? String)
                let done = try await client.call(.post, "/api/v1/kiosk/\(DomainWorld.kioskDevice)/declaration",
                                                 json: Self.declaration(world, token: token))
                return (Int(done.status.code), done.object["registered"] as? Bool, done.text)
            }
            let first = try await declare()
            #expect(first.status == 201 && first.registered == true, "\(first.text)")
            let second = try await declare()
            #expect(second.status == 201, "\(second.text)")
            #expect(second.registered == false)
            let desk = world.actors["deskA"]!
            let residents = try await world.register.residents(ofHouse: world.houseA.uuid, for: desk)
            #expect(residents.map(\.person.name) == ["李娜"], "one stay, not two")
            let count = try await world.register.database.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM declaration") ?? 0
            }
            #expect(count == 2)
        }
    }

    @Test("the kiosk answers only its allowed addresses, and only for its own device name")
    func addresses() async throws {
        let world = try await DomainWorld(kioskAddresses: ["10.9.9.9"])
        world.services.cards.post(People.card())
        try await world.live { client async throws in
            let refused = try await client.call(.get, "/api/v1/kiosk/\(DomainWorld.kioskDevice)/card")
            #expect(refused.status == .forbidden)
            #expect(refused.error["code"] as? String == "kiosk.forbidden")
            let declaration = try await client.call(.post, "/api/v1/kiosk/\(DomainWorld.kioskDevice)/declaration", json: Self.declaration(world))
            #expect(declaration.status == .forbidden)
            let unknown = try await client.call(.get, "/api/v1/kiosk/kiosk-2/card")
            #expect(unknown.status == .notFound)
            #expect(unknown.error["code"] as? String == "kiosk.unknown")
        }
        #expect(try await world.register.residents(ofHouse: world.houseA.uuid, for: world.actors["deskA"]!).isEmpty)
    }

    @Test("a watchlist alert for the person changes nothing the kiosk answers")
    func watchlistSilent() async throws {
        func run(alerted: Bool) async throws -> [String] {
            let world = try await DomainWorld()
            if alerted { _ = try await AlertRoutesTests.raise(world) }
            world.services.cards.post(People.card())
            let answers = Mutex<[String]>([])
            try await world.live { client async throws in
                let card = try await client.call(.get, "/api/v1/kiosk/\(DomainWorld.kioskDevice)/card")
                var object = card.object
                object["token"] = nil; object["readAt"] = nil; object["expiresAt"] = nil
                answers.withLock { $0.append("\(card.status.code) \(object.keys.sorted()) \(object["maskedName"] ?? "") \(object["present"] ?? "")") }
                let done = try await client.call(.post, "/api/v1/kiosk/\(DomainWorld.kioskDevice)/declaration", json: Self.declaration(world))
                answers.withLock { $0.append("\(done.status.code) \(done.object.keys.sorted())") }
            }
            return answers.withLock { $0 }
        }
        #expect(try await run(alerted: true) == run(alerted: false))
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Registry
import Testing
@testable import WebAPI

/// The domain routes behind the real session middleware: cookie, CSRF token, the session's actor.
@Suite("Domain routes with a real login")
struct DomainLoginRoutesTests {
    @Test("a desk login registers a tenant by hand: no CSRF refused, a wrong field named, then 201 and listed; other 小区 404")
    func registerThroughLogin() async throws {
        let world = try await TestServices.make()
        defer { world.close() }
        let admin = TestServices.admin
        let houseA = try await world.register.createHouse(HouseDraft(xiaoqu: world.xiaoquA.uuid, roomNumber: "301", usage: "01"), by: admin)
        let houseB = try await world.register.createHouse(HouseDraft(xiaoqu: world.xiaoquB.uuid, roomNumber: "101", usage: "01"), by: admin)
        try await world.application().test(.live) { client async throws in
            let desk = try await world.login(client, .desk)
            let body = #"{"house":"\#(houseA.uuid)","name":"李娜","idNumber":"\#(People.liNa)","sex":"2","relation":"91","arrivalDate":"2025-01-10"}"#
            let noCSRF = try await client.execute(uri: "/api/v1/registrations", method: .post, headers: desk.headers(csrf: false),
                                                  body: ByteBuffer(string: body))
            #expect(noCSRF.status == .forbidden)
            let wrong = try await client.execute(uri: "/api/v1/registrations", method: .post, headers: desk.headers(),
                                                 body: ByteBuffer(string: body.replacingOccurrences(of: #""sex":"2""#, with: #""sex":"x""#)))
            #expect(wrong.status == .badRequest)
            #expect(wrong.error["field"] as? String == "sex")
            #expect((wrong.error["message"] as? String)?.contains("性别") == true)
            let done = try await client.execute(uri: "/api/v1/registrations", method: .post, headers: desk.headers(), body: ByteBuffer(string: body))
            #expect(done.status == .created, "\(done.text)")
            let residents = try await client.execute(uri: "/api/v1/houses/\(houseA.uuid)/residents", method: .get, headers: desk.headers(csrf: false))
            #expect(residents.array.compactMap { ($0["person"] as? [String: Any])?["name"] as? String } == ["李娜"])
            let other = try await client.execute(uri: "/api/v1/houses/\(houseB.uuid)", method: .get, headers: desk.headers(csrf: false))
            #expect(other.status == .notFound)
            let auditor = try await world.login(client, .auditor)
            let denied = try await client.execute(uri: "/api/v1/houses/\(houseA.uuid)/residents", method: .get, headers: auditor.headers(csrf: false))
            #expect(denied.status == .forbidden)
        }
    }
}

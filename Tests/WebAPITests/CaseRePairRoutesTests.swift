import Foundation
import Synchronization
import Accounts
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Registry
import Sync
import Testing
@testable import WebAPI

/// Through the HTTP API: a case for somebody in no register waits unpaired; registering that person on
/// `POST /api/v1/registrations` pairs it in the same request (no 重新配对), and the to-do counts the pages'
/// badge polls (`GET /api/v1/todo/counts`) follow the case until it is answered.
@Suite("Case re-pairing and to-do counts over HTTP")
struct CaseRePairRoutesTests {
    @Test("a registration on the API pairs the waiting case by itself; it is then answered 流动·地址一致; the counts drop")
    func registrationPairsTheCase() async throws {
        let world = try await TestServices.make()
        defer { world.close() }
        let house = try await world.register.createHouse(HouseDraft(xiaoqu: world.xiaoquA.uuid, roomNumber: "502", usage: "02"),
                                                         by: TestServices.admin)
        // A person from another city (户籍 Shanghai): 流动 once registered here.
        let person = SyntheticRegistrations.person(7, series: 1)
        let uuid = try await world.register.database.write { db in
            try world.register.receiveCase(CaseMessage(caseId: "XC-HTTP-1", type: "协查",
                                                       person: CasePerson(idNumber: person.idNumber, name: person.name!, sex: person.sex!,
                                                                          birthDate: person.birthDate!.description),
                                                       address: "北京市朝阳区安慧里一区502", items: ["现居住地址"], deadline: "2099-01-01",
                                                       unit: "外省某县公安局流管大队"),
                                           source: "bureau", messageId: "m-http-1", in: db)
        }
        try await world.application().test(.live) { client in
            let desk = try await world.login(client, .desk)
            func counts() async throws -> [String: Any] {
                let response = try await client.execute(uri: "/api/v1/todo/counts", method: .get, headers: desk.headers(csrf: false))
                #expect(response.status == .ok)
                return try TestJSON.object(response.body)
            }
            var before = try await counts()
            #expect(before["cases"] as? Int == 1 && before["unpairedCases"] as? Int == 1 && before["overdueCases"] as? Int == 0)
            #expect(before["notices"] as? Int == 0 && before["today"] is String)
            var view = try TestJSON.object(try await client.execute(uri: "/api/v1/cases/\(uuid)", method: .get,
                                                                    headers: desk.headers(csrf: false)).body)
            #expect(view["state"] as? String == "unpaired" && view["allowedOutcomes"] as? [String] == ["notFound"])

            // 人来登记 on the API: the case pairs in the same request.
            let body = #"{"house":"\#(house.uuid)","name":"\#(person.name!)","idNumber":"\#(person.idNumber!)","sex":"\#(person.sex!)","relation":"99","arrivalDate":"2025-01-10","residenceReason":"01","housingType":"02"}"#
            let registered = try await client.execute(uri: "/api/v1/registrations", method: .post, headers: desk.headers(),
                                                      body: ByteBuffer(string: body))
            #expect(registered.status == .created, "\(String(buffer: registered.body))")
            view = try TestJSON.object(try await client.execute(uri: "/api/v1/cases/\(uuid)", method: .get,
                                                                headers: desk.headers(csrf: false)).body)
            #expect(view["state"] as? String == "paired" && view["pairBasis"] as? String == "idNumber")
            #expect(view["recordSource"] as? String == "floating")
            #expect(view["allowedOutcomes"] as? [String] == ["notFound", "consistent", "reRegistered"])
            before = try await counts()
            #expect(before["cases"] as? Int == 1 && before["unpairedCases"] as? Int == 0)

            let answer = try await client.execute(uri: "/api/v1/cases/\(uuid)/answer", method: .post, headers: desk.headers(),
                                                  body: TestJSON.body(["outcome": "consistent", "residentOfficerConfirmed": true]))
            #expect(answer.status == .ok, "\(String(buffer: answer.body))")
            let after = try await counts()
            #expect(after["cases"] as? Int == 0 && after["unpairedCases"] as? Int == 0)
            // Who may ask: the auditor may not.
            let auditor = try await world.login(client, .auditor)
            let denied = try await client.execute(uri: "/api/v1/todo/counts", method: .get, headers: auditor.headers(csrf: false))
            #expect(denied.status == .forbidden)
        }
        let audit = try await world.register.database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log WHERE action = 'case.autoPair' AND target_uuid = ?",
                             arguments: [uuid.uuidString.lowercased()]) ?? 0
        }
        #expect(audit == 1)
    }

    @Test("the badge's background poll (X-Renfang-Background: 1) is answered but does not keep an idle session alive")
    func backgroundPollDoesNotKeepTheSessionAlive() async throws {
        let clock = Clock()
        let world = try await TestServices.make(accountOptions: AccountStore.Options(passwordCost: .testing, clock: { clock.now }))
        defer { world.close() }
        try await world.application().test(.live) { client in
            let polling = try await world.login(client, .desk)
            var background = polling.headers(csrf: false)
            background[WebAPI.backgroundHeader] = "1"
            let used = try await world.login(client, .police)
            for _ in 0..<3 {  // 3 × 10 minutes: the poll is answered; the police page is really used meanwhile
                clock.advance(10 * 60 - 1)
                let poll = try await client.execute(uri: "/api/v1/todo/counts", method: .get, headers: background)
                #expect(poll.status == .ok)
                let use = try await client.execute(uri: "/api/v1/todo/counts", method: .get, headers: used.headers(csrf: false))
                #expect(use.status == .ok)
            }
            clock.advance(10)
            // 30 minutes since the desk's last real use: its session is gone; the police session lives on.
            let gone = try await client.execute(uri: "/api/v1/todo/counts", method: .get, headers: background)
            #expect(gone.status == .unauthorized)
            let alive = try await client.execute(uri: "/api/v1/todo/counts", method: .get, headers: used.headers(csrf: false))
            #expect(alive.status == .ok)
        }
    }

    /// A clock the test moves by hand.
    final class Clock: Sendable {
        private let date = Mutex(Date(timeIntervalSince1970: 1_790_000_000))
        var now: Date { date.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { date.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }
}

import Foundation
import HTTPTypes
import HummingbirdTesting
import Synchronization
import Testing
@testable import WebAPI

/// ``WebAPIServices/registerChanged``: the daemon refreshes the big screen's occupancy after each write.
@Suite("Register change hook")
struct RegisterChangeHookTests {
    @Test("called after a successful write under /api/v1; not after reads, refused writes or logins")
    func hook() async throws {
        let calls = Mutex(0)
        let t = try await TestServices.make().with { $0.registerChanged = { calls.withLock { $0 += 1 } } }
        defer { t.close() }
        try await t.application().test(.live) { client in
            let admin = try await t.login(client, .admin)
            #expect(calls.withLock { $0 } == 0, "a login is not a register change")
            let read = try await client.execute(uri: "/api/v1/xiaoqus", method: .get, headers: admin.headers())
            #expect(read.status == .ok)
            let refused = try await client.execute(uri: "/api/v1/xiaoqus", method: .post, headers: admin.headers(),
                                                   body: TestJSON.body(["community": t.community.uuid.uuidString]))
            #expect(refused.status == .badRequest)
            #expect(calls.withLock { $0 } == 0, "reads and refused writes change nothing")
            let created = try await client.execute(uri: "/api/v1/xiaoqus", method: .post, headers: admin.headers(),
                                                   body: TestJSON.body(["community": t.community.uuid.uuidString,
                                                                        "xiaoquName": "星河湾", "xiaoquAddress": "安慧里三区"]))
            #expect(created.status.code / 100 == 2, "\(String(buffer: created.body))")
            #expect(calls.withLock { $0 } == 1)
        }
    }
}

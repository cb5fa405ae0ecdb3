import Foundation
import Registry
import Testing
@testable import Sync
import SyncProtocol
import UpstreamServer

/// The uplink against the real reference server over loopback, through libcurl.
@Suite("Uplink ↔ renfang-upstream", .serialized)
struct EndToEndTests {
    func curlUplink(_ world: SyncWorld, _ name: String, url: String, tls: TLSConfiguration = TLSConfiguration(),
                    requestTimeout: Double = 5) throws -> Uplink {
        var destination = world.system.configuration.destinations.first { $0.name == name }!
        destination.url = url
        destination.tls = tls
        destination.requestTimeout = requestTimeout
        return Uplink(system: world.system, destination: destination,
                      transport: try CurlTransport(destination, applianceId: world.system.configuration.applianceId),
                      signer: TestKeys.signer)
    }

    /// Every record the appliance holds as delivered to `destination` is on the server exactly once.
    func expectExactlyOnce(_ world: SyncWorld, _ destination: String, _ upstream: RunningUpstream) async throws {
        let held = try upstream.server.store.records(applianceId: world.system.configuration.applianceId)
        let local = try await world.system.store.database.read { db in
            try String.fetchAll(db, sql: """
                SELECT c.uuid FROM sync_outbox o JOIN sync_change c ON c.id = o.change_id WHERE o.destination = ? AND o.state = 1
                """, arguments: [destination])
        }
        #expect(held.count == local.count)
        #expect(Set(held.map(\.id)) == Set(local))
        #expect(Set(held.map(\.seq)).count == held.count)
    }

    @Test("both destinations drained over loopback HTTP, exactly once, reconciliation matches")
    func loopback() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        let bureau = try await RunningUpstream.start(), province = try await RunningUpstream.start()
        try await world.register(0..<40)
        let up = (try curlUplink(world, "bureau", url: bureau.url), try curlUplink(world, "province", url: province.url))
        try await drain(up.0)
        try await drain(up.1)
        let status = try await world.system.status()
        #expect(status.allSatisfy { $0.pending == 0 && $0.quarantined == 0 })
        try await expectExactlyOnce(world, "bureau", bureau)
        try await expectExactlyOnce(world, "province", province)
        #expect(try upstream(province).count == 80)
        let result = try #require(try await up.1.reconcile())
        #expect(result.matched && result.localCount == 80 && result.missing.isEmpty)
        await bureau.stop()
        await province.stop()
    }

    func upstream(_ running: RunningUpstream) throws -> [UpstreamStore.HeldRecord] {
        try running.server.store.records()
    }

    @Test("each fault switch: the batch stays queued, then goes through once the fault is off",
          arguments: ["refuse", "error500", "overloaded=1", "unavailable=1", "hang", "reset", "drop"])
    func faultSwitch(_ fault: String) async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        let province = try await RunningUpstream.start()
        try await world.register(0..<5)
        let uplink = try curlUplink(world, "province", url: province.url, requestTimeout: 1.5)
        try province.fault(fault)
        guard case let .failed(reason, retryAfter) = try await uplink.sendBatch() else {
            Issue.record("\(fault): expected a failed attempt")
            return
        }
        if fault.hasPrefix("overloaded") || fault.hasPrefix("unavailable") {
            #expect(retryAfter == 1, "\(reason)")
            #expect(uplink.retrySchedule.delay(at: Date()) >= 0.9)
        }
        #expect(try await world.system.status()[1].pending == 10)
        try province.fault("none")
        try await drain(uplink)
        let status = try await world.system.status()[1]
        #expect(status.pending == 0 && status.delivered == 10)
        if fault == "drop" {
            // The dropped batch was committed by the server: the second send came back duplicate.
            #expect(try world.count("SELECT count(*) FROM sync_outbox WHERE destination = 'province' AND receipt = 'duplicate'") == 10)
        }
        try await expectExactlyOnce(world, "province", province)
        await province.stop()
    }

    @Test("reject-kind: the poison kind is quarantined, the rest flows, redrive delivers it after the fix")
    func rejectKind() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        let province = try await RunningUpstream.start()
        try await world.register(0..<6)
        let uplink = try curlUplink(world, "province", url: province.url)
        try province.fault("reject-kind=stay")
        try await drain(uplink)
        var status = try await world.system.status()[1]
        #expect(status.quarantined == 6 && status.delivered == 6 && status.pending == 0)
        try province.fault("none")
        #expect(try await world.system.outbox.redrive("province") == 6)
        try await drain(uplink)
        status = try await world.system.status()[1]
        #expect(status.quarantined == 0 && status.delivered == 12)
        try await expectExactlyOnce(world, "province", province)
        await province.stop()
    }

    @Test("one destination down for the whole test while the other stays current (real server, real curl)")
    func oneDown() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        let province = try await RunningUpstream.start()
        let bureau = try curlUplink(world, "bureau", url: "http://127.0.0.1:9/")
        let provinceUplink = try curlUplink(world, "province", url: province.url)
        let tasks = [Task { try await bureau.run() }, Task { try await provinceUplink.run() }]
        for batch in 0..<4 {
            try await world.register((batch * 5)..<(batch * 5 + 5))
            let deadline = Date().addingTimeInterval(10)
            while try await world.system.status()[1].pending > 0, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(try await world.system.status()[1].pending == 0)
        }
        for task in tasks { task.cancel() }
        for task in tasks { _ = try? await task.value }
        let status = try await world.system.status()
        #expect(status[0].pending == 44 && status[0].delivered == 0 && status[0].consecutiveFailures > 0)
        #expect(status[1].delivered == 40)
        try await expectExactlyOnce(world, "province", province)
        await province.stop()
    }

    @Test("reconciliation finds a gap planted on the server and the record is sent again")
    func plantedGap() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        let province = try await RunningUpstream.start()
        try await world.register(0..<10)
        let uplink = try curlUplink(world, "province", url: province.url)
        try await drain(uplink)
        #expect(try province.server.store.forget(applianceId: "app-test-01", seq: 7))
        #expect(try province.server.store.forget(applianceId: "app-test-01", seq: 12))
        let first = try #require(try await uplink.reconcile())
        #expect(!first.matched && first.missing == [7, 12] && first.remoteCount == 18)
        #expect(try await world.system.status()[1].pending == 2)
        try await drain(uplink)
        let second = try #require(try await uplink.reconcile())
        #expect(second.matched && second.missing.isEmpty)
        try await expectExactlyOnce(world, "province", province)
        #expect(try await world.system.status()[1].reconciliation?.matched == true)
        await province.stop()
    }

    @Test("inbox from the real server: stored, acknowledged, not stored twice")
    func inbox() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        let bureau = try await RunningUpstream.start()
        _ = try bureau.server.store.push(kind: .notice, body: .object(["title": "通知", "text": "演示通知", "level": "info"]))
        _ = try bureau.server.store.push(kind: .verificationCase, body: .object(["case": "demo"]), applianceId: "app-test-01")
        // A real case for a registered person (issued the way `renfang-upstream case create` does).
        try await world.register(0..<3)
        let person = SyntheticRegistrations.person(1)
        _ = try bureau.server.store.push(kind: .verificationCase, body: try CanonicalJSON.value(of: VerificationCaseBody(
            caseId: "HC-SYNC-1", type: "协查", person: .init(idNumber: person.idNumber, name: person.name!, sex: person.sex!,
                                                            birthDate: person.birthDate!.description),
            address: "演示路1号", items: ["现居住地址"], deadline: "2099-01-01", unit: "某某分局")), applianceId: "app-test-01")
        let uplink = try curlUplink(world, "bureau", url: bureau.url)
        #expect(try await uplink.pullInbox() == 3)
        #expect(try await uplink.pullInbox() == 0)
        // The notice and the case went to the register; the body it cannot use stays, unhandled, and blocks nothing.
        #expect(try await InboxStore(database: world.system.store.database).unhandled().map(\.kind) == ["verification.case"])
        let cases = try await world.system.store.cases(for: world.demo.actor)
        #expect(cases.map(\.caseNo) == ["HC-SYNC-1"] && cases.first?.state == .paired && cases.first?.source == "bureau")
        let paired = try #require(cases.first?.personUuid)
        #expect(try await world.system.store.person(paired, for: world.demo.actor)?.name == person.name)
        #expect(try await world.system.store.notices(for: world.demo.actor).map(\.title) == ["通知"])
        await bureau.stop()
    }

    @Test("mutual TLS: the right certificates go through; a wrong client or server certificate or pin is refused")
    func mutualTLS() async throws {
        let files = TLSFiles.shared
        let world = try await SyncWorld.make()
        defer { world.close() }
        try await world.register(0..<3)
        let good = TLSConfiguration(caFile: files.caCert, clientCertificate: files.clientCert, clientKey: files.clientKey)
        let server = try await RunningUpstream.start(tls: files)
        // A client certificate from another CA: refused in the handshake.
        var wrongClient = good
        wrongClient.clientCertificate = files.otherClientCert
        wrongClient.clientKey = files.otherClientKey
        guard case .failed = try await curlUplink(world, "province", url: server.url, tls: wrongClient).sendBatch() else {
            Issue.record("a wrong client certificate was accepted"); return
        }
        // No client certificate at all: refused.
        guard case .failed = try await curlUplink(world, "province", url: server.url, tls: TLSConfiguration(caFile: files.caCert)).sendBatch() else {
            Issue.record("a missing client certificate was accepted"); return
        }
        // A pin of another key: refused even though the chain is good.
        var wrongPin = good
        wrongPin.pinnedPublicKey = try files.pin(of: files.otherServerCert)
        guard case .failed = try await curlUplink(world, "province", url: server.url, tls: wrongPin).sendBatch() else {
            Issue.record("a wrong pin was accepted"); return
        }
        #expect(try server.server.store.records().isEmpty)
        // The right certificates and pin: delivered.
        var pinned = good
        pinned.pinnedPublicKey = try files.pin(of: files.serverCert)
        try await drain(try curlUplink(world, "province", url: server.url, tls: pinned))
        #expect(try await world.system.status()[1].delivered == 6)
        await server.stop()
        // A server whose certificate is not from the configured CA: refused by the appliance.
        let impostor = try await RunningUpstream.start(tls: files, serverCert: (files.otherServerCert, files.otherServerKey))
        try await world.register(3..<4)
        guard case let .failed(reason, _) = try await curlUplink(world, "province", url: impostor.url, tls: good).sendBatch() else {
            Issue.record("a wrong server certificate was accepted"); return
        }
        #expect(reason.contains("curl"))
        #expect(try impostor.server.store.records().isEmpty)
        await impostor.stop()
    }
}

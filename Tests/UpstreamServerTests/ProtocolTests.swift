import Crypto
import Foundation
import SyncProtocol
import Testing
@testable import UpstreamServer

@Suite struct ProtocolTests {
    @Test func duplicatesAreAnsweredAndNothingDoubles() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let appliance = TestAppliance()
        try appliance.register(on: server)
        let records = appliance.records(1...3)
        let body = try appliance.batch(records)
        let first = try await curl(server.base + "/v1/batches", method: "POST", body: body)
        #expect(first.status == 200)
        #expect(try first.decode(BatchResponse.self).receipts.map(\.status) == [.accepted, .accepted, .accepted])
        // The same records again (a lost answer), in a new batch: duplicates, stored once.
        let again = try await curl(server.base + "/v1/batches", method: "POST", body: try appliance.batch(records))
        #expect(try again.decode(BatchResponse.self).receipts.map(\.status) == [.duplicate, .duplicate, .duplicate])
        #expect(try server.store.records(applianceId: appliance.id).map(\.seq) == [1, 2, 3])
        // Same id with another payload, or the same seq under another id: permanent conflicts.
        var changed = records[0]
        changed.payload = ["name": "别的"]
        changed.payloadDigest = SyncRecord.digest(of: changed.payload)
        let conflict = try await curl(server.base + "/v1/batches", method: "POST", body: try appliance.batch([changed, appliance.record(seq: 2)]))
        let receipts = try conflict.decode(BatchResponse.self).receipts
        #expect(receipts.map(\.code) == ["record.conflict", "record.conflict"])
        #expect(receipts.allSatisfy { $0.permanent == true })
        #expect(try server.store.records(applianceId: appliance.id).count == 3)
    }

    @Test func gapsAreReportedWithEveryBatch() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let appliance = TestAppliance()
        try appliance.register(on: server)
        let records = appliance.records(1...8)
        var answer = try await curl(server.base + "/v1/batches", method: "POST", body: try appliance.batch([records[0], records[1], records[4], records[7]]))
        var response = try answer.decode(BatchResponse.self)
        #expect(response.highestSeq == 8)
        #expect(response.missing == [SeqRange(from: 3, to: 4), SeqRange(from: 6, to: 7)])
        answer = try await curl(server.base + "/v1/batches", method: "POST", body: try appliance.batch([records[2], records[3], records[5], records[6]]))
        response = try answer.decode(BatchResponse.self)
        #expect(response.missing.isEmpty && response.highestSeq == 8)
        #expect(try server.store.dump().contains("contiguous=8 highest=8"))
    }

    @Test func reconciliationFindsAPlantedGap() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let appliance = TestAppliance()
        try appliance.register(on: server)
        let records = appliance.records(1...20)
        _ = try await curl(server.base + "/v1/batches", method: "POST", body: try appliance.batch(records))
        var answer = try await curl(server.base + "/v1/reconcile", method: "POST", body: try appliance.reconcile(records, from: 1, to: 20))
        var result = try answer.decode(ReconcileResponse.self)
        #expect(result.match && result.count == 20 && result.missing.isEmpty)
        // Plant a gap on the server: it now lacks seq 7 and says so.
        #expect(try server.store.forget(applianceId: appliance.id, seq: 7))
        answer = try await curl(server.base + "/v1/reconcile", method: "POST", body: try appliance.reconcile(records, from: 1, to: 20))
        result = try answer.decode(ReconcileResponse.self)
        #expect(!result.match && result.count == 19 && result.missing == [SeqRange(from: 7, to: 7)])
        // The appliance sends it again; the range matches.
        let resend = try await curl(server.base + "/v1/batches", method: "POST", body: try appliance.batch([records[6]]))
        #expect(try resend.decode(BatchResponse.self).receipts.first?.status == .accepted)
        answer = try await curl(server.base + "/v1/reconcile", method: "POST", body: try appliance.reconcile(records, from: 1, to: 20))
        #expect(try answer.decode(ReconcileResponse.self).match)
        // A range beyond what was sent: all missing; a bad range: 422.
        answer = try await curl(server.base + "/v1/reconcile", method: "POST", body: try appliance.reconcile(records, from: 15, to: 25))
        #expect(try answer.decode(ReconcileResponse.self).missing == [SeqRange(from: 21, to: 25)])
        let bad = try JSONEncoder().encode(ReconcileRequest(applianceId: appliance.id, from: 5, to: 4, count: 0, digest: RangeDigest().hex))
        answer = try await curl(server.base + "/v1/reconcile", method: "POST", body: bad)
        #expect(answer.status == 422 && answer.errorCode == "reconcile.invalid")
    }

    @Test func framingRefusalsAndPerRecordRejections() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let appliance = TestAppliance()
        try appliance.register(on: server)
        let url = server.base + "/v1/batches"
        // Signed by another key; unsigned; unknown appliance; not JSON; too many records; too large.
        var answer = try await curl(url, method: "POST", body: try appliance.batch(appliance.records(1...2), signWith: Curve25519.Signing.PrivateKey()))
        #expect(answer.status == 403 && answer.errorCode == "batch.signature.invalid")
        var raw = try CanonicalJSON.parse(try appliance.batch(appliance.records(1...2))).objectValue!
        raw["signature"] = nil
        answer = try await curl(url, method: "POST", body: CanonicalJSON.data(.object(raw)))
        #expect(answer.status == 403 && answer.errorCode == "batch.signature.missing")
        // Tampered after signing.
        raw = try CanonicalJSON.parse(try appliance.batch(appliance.records(1...2))).objectValue!
        raw["sentAt"] = "2020-01-01T00:00:00.000Z"
        answer = try await curl(url, method: "POST", body: CanonicalJSON.data(.object(raw)))
        #expect(answer.status == 403 && answer.errorCode == "batch.signature.invalid")
        answer = try await curl(url, method: "POST", body: try TestAppliance("RF-UNKNOWN").batch(appliance.records(1...1)))
        #expect(answer.status == 403 && answer.errorCode == "auth.unknownAppliance")
        answer = try await curl(url, method: "POST", body: Data("{not json".utf8))
        #expect(answer.status == 400 && answer.errorCode == "request.malformed")
        answer = try await curl(url, method: "POST", body: try appliance.batch(appliance.records(1...501)))
        #expect(answer.status == 422 && answer.errorCode == "batch.size")
        answer = try await curl(url, method: "POST", body: Data(repeating: 0x20, count: SyncLimits.maxBatchBytes + 10))
        #expect(answer.status == 413 && answer.errorCode == "request.tooLarge")
        #expect(try server.store.records().isEmpty)

        // One bad record among good ones: its own receipt, the others stored.
        var badDigest = appliance.record(seq: 2)
        badDigest.payloadDigest = String(repeating: "0", count: 64)
        var badOperation = appliance.record(seq: 3)
        badOperation.operation = .init(rawValue: 9)
        var elements = try CanonicalJSON.value(of: [appliance.record(seq: 1), badDigest, badOperation, appliance.record(seq: 5)]).array
        elements.insert(["id": "x", "seq": 4], at: 3)
        let batch: JSONValue = ["batchId": .string(UUID().uuidString.lowercased()), "applianceId": .string(appliance.id),
                                "sentAt": .string(SyncTime.string(Date())), "records": .array(elements)]
        let message = BatchSigning.message(for: batch)
        var signed = batch.objectValue!
        signed["signature"] = ["alg": "Ed25519", "keyId": .string(BatchSigning.keyId(of: appliance.key.publicKey)),
                               "value": .string(try appliance.key.signature(for: message).base64EncodedString())]
        answer = try await curl(url, method: "POST", body: CanonicalJSON.data(.object(signed)))
        let receipts = try answer.decode(BatchResponse.self).receipts
        #expect(receipts.map(\.status) == [.accepted, .rejected, .rejected, .rejected, .accepted])
        #expect(receipts.map(\.code) == [nil, "record.payloadDigest", "record.operation", "record.malformed", nil])
        #expect(try server.store.records().map(\.seq) == [1, 5])
    }

    @Test func inboxByCursorWithAcknowledgement() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let appliance = TestAppliance()
        try appliance.register(on: server)
        try server.store.push(kind: .notice, body: try CanonicalJSON.value(of: NoticeBody(title: "通知", text: "明天停电")))
        try server.store.push(kind: .watchlistBundle, body: try CanonicalJSON.value(of: WatchlistBundleBody(
            bundleId: "wl-1", version: 1, data: "AAEC", sha256: CanonicalJSON.sha256Hex(Data([0, 1, 2])))), applianceId: appliance.id)
        try server.store.push(kind: .verificationCase, body: ["caseNo": "HC-1"], applianceId: "RF-SOMEONE-ELSE")
        let inbox = server.base + "/v1/inbox?appliance=\(appliance.id)"
        var page = try await curl(inbox + "&limit=1").decode(InboxPage.self)
        #expect(page.messages.map(\.kind) == [.notice] && page.more)
        page = try await curl(inbox + "&after=\(page.next)").decode(InboxPage.self)
        #expect(page.messages.map(\.kind) == [.watchlistBundle] && !page.more)
        // Nothing acknowledged yet: a fresh pull starts from the beginning.
        #expect(try await curl(inbox).decode(InboxPage.self).messages.count == 2)
        let ack = try await curl(server.base + "/v1/inbox/ack", method: "POST",
                                 body: try JSONEncoder().encode(InboxAck(applianceId: appliance.id, upTo: page.next)))
        #expect(try ack.decode(InboxAckResponse.self).acknowledged == page.next)
        #expect(try await curl(inbox).decode(InboxPage.self).messages.isEmpty)
        // An older acknowledgement does not move the mark back.
        let older = try await curl(server.base + "/v1/inbox/ack", method: "POST", body: try JSONEncoder().encode(InboxAck(applianceId: appliance.id, upTo: 1)))
        #expect(try older.decode(InboxAckResponse.self).acknowledged == page.next)
        #expect(try await curl(inbox + "&limit=0").status == 422)
        #expect(try await curl(server.base + "/v1/inbox?appliance=RF-NOBODY").status == 403)
    }

    @Test func bearerTokenWhenConfigured() async throws {
        let server = try await TestServer.start { $0.bearerToken = "s3cret" }
        defer { Task { await server.stop() } }
        let appliance = TestAppliance()
        try appliance.register(on: server)
        let body = try appliance.batch(appliance.records(1...1))
        var answer = try await curl(server.base + "/v1/batches", method: "POST", body: body)
        #expect(answer.status == 401 && answer.errorCode == "auth.unauthorized")
        answer = try await curl(server.base + "/v1/batches", method: "POST", body: body, headers: ["Authorization: Bearer wrong"])
        #expect(answer.status == 401)
        answer = try await curl(server.base + "/v1/batches", method: "POST", body: body, headers: ["Authorization: Bearer s3cret"])
        #expect(answer.status == 200)
        #expect(try await curl(server.base + "/v1/health").status == 200)
        #expect(try await curl(server.base + "/v1/nothing", headers: ["Authorization: Bearer s3cret"]).errorCode == "request.notFound")
    }
}

extension JSONValue {
    var array: [JSONValue] { if case let .array(elements) = self { elements } else { [] } }
}

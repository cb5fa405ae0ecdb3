import Foundation
import SyncProtocol
import Testing
@testable import UpstreamServer

/// Each fault switch, turned on and off at run time through the control endpoint, seen by a raw client.
@Suite struct FaultTests {
    @Test func answersWithErrorsAndRetryAfter() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let health = server.base + "/v1/health"
        #expect(try await server.fault("error500") == "error500\n")
        var answer = try await curl(health)
        #expect(answer.status == 500 && answer.errorCode == "server.internal")
        try await server.fault("off error500")
        try await server.fault("overloaded=7")
        answer = try await curl(health)
        #expect(answer.status == 429 && answer.headers["retry-after"] == "7" && answer.errorCode == "server.overloaded")
        #expect(try answer.decode(ErrorBody.self).error.retryable)
        try await server.fault("none")
        try await server.fault("unavailable=3")
        answer = try await curl(health)
        #expect(answer.status == 503 && answer.headers["retry-after"] == "3" && answer.errorCode == "server.unavailable")
        try await server.fault("none")
        #expect(try await curl(health).status == 200)
        let unknown = try await curl(server.control + "/faults", method: "POST", body: Data("explode".utf8))
        #expect(unknown.status == 400)
    }

    @Test func refuseHangAndReset() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let health = server.base + "/v1/health"
        try await server.fault("refuse")
        var answer = try await curl(health)
        #expect(answer.exit != 0 && answer.status == 0)
        try await server.fault("off refuse")
        #expect(try await curl(health).status == 200)

        try await server.fault("hang")
        answer = try await curl(health, timeout: 1)
        #expect(answer.exit == 28 && answer.status == 0)  // curl: operation timed out
        try await server.fault("off hang")
        #expect(try await curl(health).status == 200)

        // Reset mid-response: the head arrives, the body is cut short.
        let appliance = TestAppliance()
        try appliance.register(on: server)
        try await server.fault("reset")
        answer = try await curl(server.base + "/v1/batches", method: "POST", body: try appliance.batch(appliance.records(1...50)))
        #expect(answer.exit != 0 && answer.status == 200)
        #expect(answer.body.count < Int(answer.headers["content-length"] ?? "0")!)
        #expect((try? answer.decode(BatchResponse.self)) == nil)
        try await server.fault("none")
    }

    @Test func droppedAnswerThenDuplicate() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let appliance = TestAppliance()
        try appliance.register(on: server)
        let records = appliance.records(1...5)
        try await server.fault("drop")
        let lost = try await curl(server.base + "/v1/batches", method: "POST", body: try appliance.batch(records))
        #expect(lost.exit != 0 && lost.status == 0)
        // Committed all the same.
        #expect(try server.store.records(applianceId: appliance.id).count == 5)
        try await server.fault("off drop")
        let again = try await curl(server.base + "/v1/batches", method: "POST", body: try appliance.batch(records))
        #expect(try again.decode(BatchResponse.self).receipts.allSatisfy { $0.status == .duplicate })
        #expect(try server.store.records(applianceId: appliance.id).count == 5)
    }

    @Test func rejectAKindPermanently() async throws {
        let server = try await TestServer.start { $0.faults = ["reject-kind=read"] }
        defer { Task { await server.stop() } }
        let appliance = TestAppliance()
        try appliance.register(on: server)
        let records = [appliance.record(seq: 1), appliance.record(seq: 2, kind: "read"), appliance.record(seq: 3)]
        var answer = try await curl(server.base + "/v1/batches", method: "POST", body: try appliance.batch(records))
        var response = try answer.decode(BatchResponse.self)
        #expect(response.receipts.map(\.status) == [.accepted, .rejected, .accepted])
        #expect(response.receipts[1].code == "record.kindRefused" && response.receipts[1].permanent == true)
        // A permanently rejected seq is not missing.
        #expect(response.missing.isEmpty && response.highestSeq == 3)
        #expect(try await curl(server.control + "/faults").text == "reject-kind=read\n")
        // Redriven after the switch is off: accepted.
        try await server.fault("off reject-kind=read")
        answer = try await curl(server.base + "/v1/batches", method: "POST", body: try appliance.batch([records[1]]))
        response = try answer.decode(BatchResponse.self)
        #expect(response.receipts.map(\.status) == [.accepted])
        #expect(try server.store.records(applianceId: appliance.id).map(\.seq) == [1, 2, 3])
        #expect(!(try server.store.dump()).contains("rejected \(appliance.id)"))
    }
}

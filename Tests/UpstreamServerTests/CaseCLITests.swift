import Foundation
import SyncProtocol
import Testing
@testable import UpstreamServer

/// `renfang-upstream case create` queues a verification case an appliance can decode; `case feedback` and
/// `dump` list the 协查反馈 records the server holds, once each.
@Suite struct CaseCLITests {
    @Test func caseCreateAndFeedback() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("upstream-case-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("up.sqlite").path
        let appliance = TestAppliance("RF-CASE-0001")
        var (status, text) = try await upstream(["appliance", "add", appliance.id, "--public-key",
                                                 appliance.key.publicKey.rawRepresentation.base64EncodedString(), "--db", db])
        #expect(status == 0, "\(text)")
        (status, text) = try await upstream(["case", "create", "--case-id", "HC-CLI-1", "--type", "协查", "--id-number", "11010519491231002X",
                                             "--name", "测试人员", "--sex", "2", "--birth-date", "1949-12-31", "--address", "演示路1号",
                                             "--item", "姓名", "--item", "现居住地址", "--deadline", "2026-12-01", "--unit", "某某分局",
                                             "--appliance", appliance.id, "--db", db])
        #expect(status == 0, "\(text)")
        #expect(text.hasSuffix("HC-CLI-1\n"))
        (status, text) = try await upstream(["case", "create", "--name", "测试", "--sex", "5", "--birth-date", "1949-12-31",
                                             "--address", "x", "--unit", "y", "--db", db])
        #expect(status != 0 && text.contains("--sex"), "\(text)")
        (status, text) = try await upstream(["case", "create", "--name", "测试", "--sex", "1", "--birth-date", "1949-12-31",
                                             "--address", "x", "--unit", "y", "--deadline=-2", "--db", db])
        #expect(status == 0, "\(text)")

        let store = try UpstreamStore(path: db)
        let page = try store.inboxPage(applianceId: appliance.id, after: 0, limit: 10)
        #expect(page.messages.map(\.kind) == [.verificationCase, .verificationCase])
        let body = try JSONDecoder().decode(VerificationCaseBody.self, from: CanonicalJSON.data(page.messages[0].body))
        #expect(body.caseId == "HC-CLI-1" && body.type == "协查" && body.person.idNumber == "11010519491231002X")
        #expect(body.items == ["姓名", "现居住地址"] && body.deadline == "2026-12-01" && body.unit == "某某分局")
        let generated = try JSONDecoder().decode(VerificationCaseBody.self, from: CanonicalJSON.data(page.messages[1].body))
        #expect(generated.caseId.hasPrefix("HC-") && generated.type == "核查" && generated.items.count == 4 && generated.person.idNumber == nil)

        // A feedback record sent twice is held once and listed.
        let payload: JSONValue = ["uuid": "2f0c3b8e-6a1d-4e5f-9b7c-8d9e0f1a2b3c", "case_no": "HC-CLI-1", "outcome": "notFound",
                                  "not_found_reason": "迁出", "requesting_unit": "某某分局"]
        let record = appliance.record(seq: 1, kind: "case_feedback", payload: payload)
        for _ in 0..<2 {
            _ = try store.receive(batchId: UUID().uuidString.lowercased(), applianceId: appliance.id,
                                  records: [try CanonicalJSON.value(of: record)])
        }
        #expect(try store.caseFeedback().map(\.caseNo) == ["HC-CLI-1"])
        (status, text) = try await upstream(["case", "feedback", "--db", db])
        #expect(status == 0 && text.contains("case=HC-CLI-1 outcome=notFound reason=迁出"), "\(text)")
        (status, text) = try await upstream(["dump", "--db", db])
        #expect(text.components(separatedBy: "feedback RF-CASE-0001 case=HC-CLI-1").count == 2, "\(text)")
    }
}

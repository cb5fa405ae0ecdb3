import Foundation
import Testing
@testable import SyncProtocol

/// The examples of protocol-docs/sync-protocol.md are valid against the JSON schemas (python3-jsonschema),
/// decode into the wire types, and the example batch is the signed test vector.
@Suite struct DocExampleTests {
    @Test func examplesMatchTheSchemas() throws {
        let examples = try docExamples()
        let schemaFiles = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("protocol-docs/sync-schemas").path)
        // Every schema but the shared definitions has at least one example.
        for file in schemaFiles where file.hasSuffix(".json") && file != "common.json" {
            #expect(examples.contains { $0.schema == file }, "no example for \(file)")
        }
        let list = try JSONSerialization.data(withJSONObject: examples.map { [$0.schema, $0.json] })
        let listFile = FileManager.default.temporaryDirectory.appendingPathComponent("sync-examples-\(UUID()).json")
        try list.write(to: listFile)
        defer { try? FileManager.default.removeItem(at: listFile) }
        let (status, output) = try runPython(schemaCheck, [repositoryRoot.appendingPathComponent("protocol-docs/sync-schemas").path, listFile.path])
        #expect(status == 0, "\(output)")
        #expect(output.contains("\(examples.count) examples valid"), "\(output)")
    }

    /// Schemas refuse what they must: a bad example of each important kind fails.
    @Test func schemasRefuseBadMessages() throws {
        let record = try String(decoding: JSONEncoder().encode(sampleRecord(seq: 1)), as: UTF8.self)
        let bad: [(String, String)] = [
            ("record.json", record.replacingOccurrences(of: #""operation":1"#, with: #""operation":4"#)),
            ("record.json", record.replacingOccurrences(of: #""seq":1"#, with: #""seq":0"#)),
            ("batch-response.json", #"{"batchId":"x","receipts":[{"id":"x","status":"rejected"}],"highestSeq":0,"missing":[],"missingTruncated":false}"#),
            ("error.json", #"{"error":{"code":"x","message":"m"}}"#),
        ]
        let list = try JSONSerialization.data(withJSONObject: bad.map { [$0.0, $0.1] })
        let listFile = FileManager.default.temporaryDirectory.appendingPathComponent("sync-bad-\(UUID()).json")
        try list.write(to: listFile)
        defer { try? FileManager.default.removeItem(at: listFile) }
        let (status, output) = try runPython(schemaCheck, [repositoryRoot.appendingPathComponent("protocol-docs/sync-schemas").path, listFile.path, "--expect-invalid"])
        #expect(status == 0, "\(output)")
    }

    @Test func examplesDecodeAndTheBatchIsTheTestVector() throws {
        let examples = try docExamples()
        let decoder = JSONDecoder()
        for (schema, json) in examples {
            let data = Data(json.utf8)
            switch schema {
            case "batch.json":
                let batch = try decoder.decode(RecordBatch.self, from: data)
                try batch.validate()
                for record in batch.records { try record.validate(applianceId: batch.applianceId) }
                try BatchSigning.verify(try CanonicalJSON.parse(data), publicKey: vectorKey.publicKey)
                // Ed25519 is deterministic: signing the same batch again gives the documented signature.
                var unsigned = batch
                unsigned.signature = nil
                #expect(try unsigned.signed(with: vectorKey) == batch)
            case "record.json": try decoder.decode(SyncRecord.self, from: data).validate()
            case "batch-response.json": _ = try decoder.decode(BatchResponse.self, from: data)
            case "reconcile-request.json": try decoder.decode(ReconcileRequest.self, from: data).validate()
            case "reconcile-response.json": _ = try decoder.decode(ReconcileResponse.self, from: data)
            case "inbox-page.json": _ = try decoder.decode(InboxPage.self, from: data)
            case "inbox-message.json": _ = try decoder.decode(InboxMessage.self, from: data)
            case "inbox-ack.json": _ = try decoder.decode(InboxAck.self, from: data)
            case "inbox-ack-response.json": _ = try decoder.decode(InboxAckResponse.self, from: data)
            case "notice-body.json": _ = try decoder.decode(NoticeBody.self, from: data)
            case "verification-case-body.json": _ = try decoder.decode(VerificationCaseBody.self, from: data)
            case "case-feedback-payload.json": _ = try CanonicalJSON.parse(data)
            case "watchlist-bundle-body.json": _ = try decoder.decode(WatchlistBundleBody.self, from: data)
            case "error.json": _ = try decoder.decode(ErrorBody.self, from: data)
            case "health.json": _ = try CanonicalJSON.parse(data)
            default: Issue.record("example for unknown schema \(schema)")
            }
        }
    }

    /// Prints the signed example batch (RENFANG_PRINT_EXAMPLE=1) for the doc.
    @Test func printExampleBatch() throws {
        guard ProcessInfo.processInfo.environment["RENFANG_PRINT_EXAMPLE"] == "1" else { return }
        let batch = try RecordBatch(
            batchId: "6f1c2a4e-9d3b-4c5a-8e7f-0a1b2c3d4e5f", applianceId: "RF-110105-0001", sentAt: "2026-11-21T08:30:05.250Z",
            records: [
                SyncRecord(id: "0b8e5a52-3c1d-4f6e-9a7b-1c2d3e4f5a6b", seq: 41, kind: "person", operation: .create,
                           source: .externalCollection, occurredAt: "2026-11-21T08:29:58.031Z", applianceId: "RF-110105-0001",
                           payload: ["personKey": "p-7731", "name": "测试人员", "idNumber": "11010519491231002X", "sex": "2",
                                     "nation": "01", "houseCode": "110105-A-3-1-502", "residents": 3],
                           payloadDigest: ""),
                SyncRecord(id: "c4a1f0d2-7b6e-4a59-8c3d-2e1f0a9b8c7d", seq: 42, kind: "stay", operation: .cancel,
                           source: .externalCollection, occurredAt: "2026-11-21T08:30:01.500Z", applianceId: "RF-110105-0001",
                           payload: ["stayKey": "s-2207", "personKey": "p-6120", "endedOn": "2026-11-20", "reason": "迁出"],
                           payloadDigest: ""),
            ].map { record in var record = record; record.payloadDigest = SyncRecord.digest(of: record.payload); return record }
        ).signed(with: vectorKey)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(batch), as: UTF8.self))
        print(String(decoding: try batch.signingMessage(), as: UTF8.self))
        print("publicKey base64:", vectorKey.publicKey.rawRepresentation.base64EncodedString())
        print("publicKey hex:", CanonicalJSON.hex(vectorKey.publicKey.rawRepresentation))
    }
}

/// Validates [[schema file, JSON text], …] against the schemas of a directory; with --expect-invalid,
/// succeeds only if every instance is refused.
let schemaCheck = """
    import json, sys, os, warnings
    warnings.simplefilter("ignore")
    import jsonschema
    directory, listing = sys.argv[1], sys.argv[2]
    expect_invalid = "--expect-invalid" in sys.argv
    store = {}
    for name in os.listdir(directory):
        if name.endswith(".json"):
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                schema = json.load(f)
            jsonschema.Draft202012Validator.check_schema(schema)
            store[schema["$id"]] = schema
    failures = 0
    items = json.load(open(listing, encoding="utf-8"))
    for schema_name, text in items:
        schema = next(s for s in store.values() if s["$id"].endswith("/" + schema_name))
        resolver = jsonschema.RefResolver.from_schema(schema, store=store)
        validator = jsonschema.Draft202012Validator(schema, resolver=resolver)
        errors = list(validator.iter_errors(json.loads(text)))
        if expect_invalid and not errors:
            failures += 1
            print("accepted but should be refused:", schema_name, text[:200])
        if not expect_invalid and errors:
            failures += 1
            print("invalid example for", schema_name, ":", "; ".join(e.message for e in errors)[:500])
    if failures:
        sys.exit(1)
    print(len(items), "examples valid" if not expect_invalid else "refused as expected")
    """

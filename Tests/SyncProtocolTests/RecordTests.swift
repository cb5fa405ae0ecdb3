import Foundation
import Testing
@testable import SyncProtocol

@Suite struct RecordTests {
    @Test func validRecordPasses() throws {
        let record = sampleRecord(seq: 1)
        try record.validate(applianceId: record.applianceId)
        #expect(SyncFormat.isUUID(record.id))
        #expect(record.source == .externalCollection)
    }

    @Test func eachProblemHasItsCode() {
        func code(_ change: (inout SyncRecord) -> Void, batch: String? = nil) -> SyncProtocolError.Code? {
            var record = sampleRecord(seq: 5)
            change(&record)
            do { try record.validate(applianceId: batch); return nil } catch { return error.code }
        }
        #expect(code { $0.id = $0.id.uppercased() } == .recordId)
        #expect(code { $0.seq = 0 } == .recordSeq)
        #expect(code { $0.kind = "Person" } == .recordKind)
        #expect(code { $0.operation = .init(rawValue: 4) } == .recordOperation)
        #expect(code { $0.source = .init(rawValue: 0) } == .recordSource)
        #expect(code { $0.occurredAt = "2026-11-18T07:46:40+08:00" } == .recordOccurredAt)
        #expect(code { $0.applianceId = "-bad" } == .recordAppliance)
        #expect(code({ _ in }, batch: "RF-OTHER") == .recordAppliance)
        #expect(code { $0.payload = "text"; $0.payloadDigest = SyncRecord.digest(of: $0.payload) } == .recordPayload)
        #expect(code { $0.payload = ["n": .integer(SyncLimits.maxSafeInteger + 1)]; $0.payloadDigest = SyncRecord.digest(of: $0.payload) } == .recordPayload)
        #expect(code { $0.payload = ["big": .string(String(repeating: "x", count: SyncLimits.maxPayloadBytes))]; $0.payloadDigest = SyncRecord.digest(of: $0.payload) } == .recordPayload)
        #expect(code { $0.payload = ["name": "改过的"] } == .recordDigest)
    }

    @Test func permanenceOfCodes() {
        #expect(SyncProtocolError(.recordDigest, "").isPermanent)
        #expect(SyncProtocolError(.kindRefused, "").isPermanent)
        #expect(!SyncProtocolError(.recordDeferred, "").isPermanent)
        #expect(!SyncProtocolError(.overloaded, "").isPermanent)
        let receipt = Receipt.rejected(id: "x", seq: 3, SyncProtocolError(.kindRefused, "no"))
        #expect(receipt.permanent == true && receipt.code == "record.kindRefused" && !receipt.isDelivered)
        #expect(ErrorBody(SyncProtocolError(.unavailable, "later")).error.retryable)
    }

    @Test func batchLevelValidation() throws {
        try sampleBatch().validate()
        var batch = sampleBatch()
        batch.records = []
        #expect(throws: SyncProtocolError(.batchSize, "0 records; 1…500 allowed")) { try batch.validate() }
        batch = sampleBatch()
        batch.batchId = "not-a-uuid"
        #expect { try batch.validate() } throws: { ($0 as? SyncProtocolError)?.code == .batchInvalid }
        batch = sampleBatch()
        batch.records = Array(repeating: batch.records[0], count: SyncLimits.maxRecordsPerBatch + 1)
        #expect { try batch.validate() } throws: { ($0 as? SyncProtocolError)?.code == .batchSize }
    }

    @Test func everyWireTypeRoundTrips() throws {
        func roundTrip<T: Codable & Equatable>(_ value: T) throws {
            let data = try JSONEncoder().encode(value)
            #expect(try JSONDecoder().decode(T.self, from: data) == value)
        }
        let batch = try sampleBatch().signed(with: vectorKey)
        try roundTrip(batch)
        try roundTrip(BatchResponse(batchId: batch.batchId, receipts: [
            .accepted(batch.records[0]), .duplicate(batch.records[1]),
            .rejected(id: batch.records[2].id, seq: 3, SyncProtocolError(.kindRefused, "no")),
        ], highestSeq: 3, missing: [SeqRange(from: 1, to: 2)]))
        try roundTrip(ReconcileRequest(applianceId: "RF-1", from: 1, to: 10, count: 10, digest: String(repeating: "a", count: 64)))
        try roundTrip(ReconcileResponse(from: 1, to: 10, count: 9, digest: String(repeating: "b", count: 64), match: false,
                                        missing: [SeqRange(from: 4, to: 4)]))
        try roundTrip(InboxPage(messages: [
            InboxMessage(cursor: 1, id: UUID().uuidString.lowercased(), kind: .notice, createdAt: SyncTime.string(Date()),
                         body: try CanonicalJSON.value(of: NoticeBody(title: "停电", text: "明天 9:00–11:00 停电"))),
            InboxMessage(cursor: 2, id: UUID().uuidString.lowercased(), kind: .init(rawValue: "future.kind"),
                         createdAt: SyncTime.string(Date()), body: ["anything": [1, 2]]),
        ], next: 2, more: false))
        try roundTrip(InboxAck(applianceId: "RF-1", upTo: 2))
        try roundTrip(InboxAckResponse(acknowledged: 2))
        try roundTrip(WatchlistBundleBody(bundleId: "wl-1", version: 3, data: "AAEC", sha256: String(repeating: "c", count: 64)))
        try roundTrip(ErrorBody(SyncProtocolError(.overloaded, "slow down")))
        // Operation and source are bare integers on the wire; an unknown one still decodes.
        let json = String(decoding: try JSONEncoder().encode(batch.records[0]), as: UTF8.self)
        #expect(json.contains(#""operation":1"#) && json.contains(#""source":2"#))
        let odd = try JSONDecoder().decode(SyncRecord.self, from: Data(json.replacingOccurrences(of: #""operation":1"#, with: #""operation":7"#).utf8))
        #expect(odd.operation.rawValue == 7 && !odd.operation.isKnown)
    }

    @Test func rangeDigest() {
        var empty = RangeDigest()
        #expect(empty.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        empty.add(seq: 1, id: "00000000-0000-0000-0000-000000000001", payloadDigest: String(repeating: "0", count: 64))
        #expect(empty.count == 1)
        #expect(empty.hex == CanonicalJSON.sha256Hex(Data("1 00000000-0000-0000-0000-000000000001 \(String(repeating: "0", count: 64))\n".utf8)))
    }
}

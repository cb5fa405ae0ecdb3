import Foundation
import GRDB
import Testing
@testable import Registry

@Suite("Card reads (读卡记录)")
struct CardReadTests {
    static let readAt = Date(timeIntervalSince1970: 1_749_952_800)

    func read(_ r: TestRegister, _ person: Fixtures.SyntheticPerson, at date: Date) async throws -> CardReadReceipt {
        try await r.store.recordCardRead(CardReadIntake(card: Fixtures.card(person), device: "kiosk-a", xiaoqu: r.xiaoquA.uuid,
                                                        readAt: date), by: r.kioskA)
    }

    @Test("a read is stored with the ID number sealed and masked, audited, and handed to the sync sink")
    func recordsOneRead() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let audits = try r.auditCount()
        let receipt = try await read(r, Fixtures.zhangWei, at: Self.readAt)
        #expect(receipt.alerts.isEmpty)
        #expect(try r.count("card_read") == 1)
        #expect(try r.auditCount() == audits + 1)
        #expect(r.sink.changes.last.map { ($0.kind, $0.uuid) } ?? (.station, UUID()) == (.cardRead, receipt.uuid))
        let row = try await r.store.database.read { try Row.fetchOne($0, sql: "SELECT * FROM card_read")! }
        let id = Fixtures.zhangWei.idNumber
        #expect(row["id_number_masked"] as String? == String(id.prefix(4)) + "**********" + String(id.suffix(4)))
        let sealed: Data = row["id_number_enc"]
        #expect(sealed.range(of: Data(id.utf8)) == nil)
    }

    @Test("retention deletes the reads older than the cut-off in batches, with one audit entry per batch")
    func pruneOlderReads() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let day: TimeInterval = 86_400
        for age in [200.0, 190, 181, 179, 10] {
            _ = try await read(r, Fixtures.zhangWei, at: Self.readAt - age * day)
        }
        let audits = try r.auditCount()
        let changes = r.sink.changes.count
        let deleted = try await r.store.pruneCardReads(before: Self.readAt - 180 * day, batchSize: 2)
        #expect(deleted == 3)
        #expect(try r.count("card_read") == 2)
        #expect(try r.count("card_read", "read_at < '\(Timestamp.text(Self.readAt - 180 * day))'") == 0)
        // Batches of 2: two batches deleted something, so two audit entries; nothing goes upstream.
        let details = try await r.store.database.read {
            try String.fetchAll($0, sql: "SELECT detail FROM audit_log WHERE action = 'cardRead.prune' ORDER BY seq")
        }
        #expect(details.count == 2 && details[0].hasPrefix("deleted=2") && details[1].hasPrefix("deleted=1"))
        #expect(try r.auditCount() == audits + 2)
        #expect(r.sink.changes.count == changes)
        #expect(try r.store.auditLog.verify().isIntact)
        // Only the housekeeping role prunes.
        let refused = await registryError { _ = try await r.store.pruneCardReads(before: Self.readAt, by: r.deskA) }
        #expect(refused?.code == .permissionDenied)
        #expect(try r.count("card_read") == 2)
    }
}

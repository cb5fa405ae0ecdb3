import Foundation
import GRDB
import IDCard
import Testing
@testable import Registry

@Suite("Audit log")
struct AuditTests {
    /// A register with a bit of everything done to it.
    static func busyRegister() async throws -> TestRegister {
        let r = try await TestRegister.make()
        let zhang = try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        _ = try await r.store.register(person: Fixtures.draft(Fixtures.liNa), into: r.houseA2.uuid, stay: Fixtures.stay, by: r.deskA)
        _ = try await r.store.transfer(stay: zhang.stay.uuid, to: r.houseA3.uuid,
                                       departure: DepartureDraft(departureDate: RegisterDate("2025-05-01"), reason: "换房"),
                                       arrival: StayDraft(relation: "91"), by: r.deskA)
        _ = try await r.store.declareResidence(DeclarationTests.fullDraft(person: zhang.person.uuid, house: r.houseA3.uuid), by: r.deskA)
        let matter = try await r.store.openServiceMatter(ServiceMatterDraft(house: r.houseA3.uuid, applicant: zhang.person.uuid,
                                                                            matterType: "02", summary: "居住证"), by: r.deskA)
        _ = try await r.store.progressServiceMatter(matter.uuid, to: .inProgress, by: r.deskA)
        try await r.store.recordExport(kind: "residents", rowCount: 2, parameters: "xiaoqu=阳光花园 id=\(Fixtures.zhangWei.idNumber)",
                                       by: r.deskA)
        return r
    }

    @Test("every write and export is an entry; the chain verifies; no personal data in clear")
    func chainAndContent() async throws {
        let r = try await Self.busyRegister()
        defer { r.close() }
        let entries = try r.store.auditLog.entries(by: TestRegister.auditor)
        #expect(entries.map(\.seq) == Array(1...Int64(entries.count)))
        let actions = Set(entries.map(\.action))
        #expect(actions.isSuperset(of: [
            "station.create", "community.create", "xiaoqu.create", "building.create", "unit.create", "house.create",
            "person.registerFromCard", "person.registerManual", "stay.transfer", "declaration.create",
            "serviceMatter.open", "serviceMatter.progress", "export",
        ]))
        // One entry per changed record, with digests; the sink saw the same records.
        let records = entries.filter { $0.action != "export" }
        #expect(records.count == r.sink.changes.count)
        #expect(zip(records, r.sink.changes).allSatisfy { $0.targetUuid == $1.uuid.dbText && $0.targetKind == $1.kind.rawValue })
        for entry in entries {
            #expect(entry.hash.count == 64 && entry.prevHash.count == 64)
            if let after = entry.afterDigest { #expect(after.count == 64) }
        }
        #expect(entries.first { $0.action == "stay.transfer" && $0.beforeDigest != nil } != nil)
        let export = try #require(entries.last)
        #expect(export.action == "export" && export.detail?.contains("\"rows\":2") == true)
        // No ID number, phone or name in any audit row (the masked ID is allowed).
        let dump = entries.map { "\($0)" }.joined()
        for person in Fixtures.everyone {
            #expect(!dump.contains(person.idNumber) && !dump.contains(person.phone) && !dump.contains(person.name))
        }
        #expect(dump.contains(IDNumber.mask(Fixtures.zhangWei.idNumber)))
        let verification = try r.store.auditLog.verify()
        #expect(verification.isIntact && verification.count == entries.count)
        #expect(verification.lastHash == entries.last?.hash)
        #expect(try r.store.auditLog.head()?.seq == Int64(entries.count))
    }

    @Test("a row changed behind the module's back is named by verify", arguments: ["detail", "actor", "digest", "hash"])
    func tamperedRowNamed(column: String) async throws {
        let r = try await Self.busyRegister()
        defer { r.close() }
        let count = try r.auditCount()
        let target = Int64(count / 2)
        try await r.store.database.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_update")
            switch column {
            case "detail": try db.execute(sql: "UPDATE audit_log SET detail = 'nothing to see' WHERE seq = ?", arguments: [target])
            case "actor": try db.execute(sql: "UPDATE audit_log SET actor = 'someone-else' WHERE seq = ?", arguments: [target])
            case "digest": try db.execute(sql: "UPDATE audit_log SET after_digest = ? WHERE seq = ?",
                                          arguments: [String(repeating: "a", count: 64), target])
            default:
                // Rewrite the hash to match the changed content: the next entry's prev_hash no longer matches.
                let row = try Row.fetchOne(db, sql: "SELECT * FROM audit_log WHERE seq = ?", arguments: [target])!
                var entry = AuditLog.entry(row)
                entry.actor = "someone-else"
                entry.hash = AuditChain.hash(of: entry)
                try db.execute(sql: "UPDATE audit_log SET actor = ?, hash = ? WHERE seq = ?",
                               arguments: [entry.actor, entry.hash, target])
            }
        }
        let verification = try r.store.auditLog.verify()
        let broken = try #require(verification.firstBroken)
        if column == "hash" {
            #expect(broken.seq == target + 1 && broken.reason == .chainBroken)
        } else {
            #expect(broken.seq == target && broken.reason == .contentChanged)
        }
        #expect(broken.message.contains("第 \(broken.seq) 条"))
        #expect(verification.count == Int(broken.seq) - 1)
    }

    @Test("a deleted entry is named by verify")
    func deletedEntryNamed() async throws {
        let r = try await Self.busyRegister()
        defer { r.close() }
        try await r.store.database.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_delete")
            try db.execute(sql: "DELETE FROM audit_log WHERE seq = 5")
        }
        let broken = try #require(try r.store.auditLog.verify().firstBroken)
        #expect(broken.seq == 5 && broken.reason == .missingEntry)
    }

    @Test("only auditors read the entries; export needs the export right")
    func auditPermissions() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        for actor in [TestRegister.admin, r.deskA, r.policeS1, r.kioskA, TestRegister.security] {
            let error = await registryError { _ = try r.store.auditLog.entries(by: actor) }
            #expect(error?.code == .permissionDenied, "\(actor)")
        }
        let error = await registryError { try await r.store.recordExport(kind: "houses", rowCount: 1, parameters: "", by: r.kioskA) }
        #expect(error?.code == .permissionDenied)
    }
}

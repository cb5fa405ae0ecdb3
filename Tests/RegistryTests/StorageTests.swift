import Foundation
import GRDB
import Testing
@testable import Registry

@Suite("Storage settings")
struct StorageTests {
    @Test("synchronous=FULL, WAL and foreign keys are in effect on the writer after open")
    func durableSettings() async throws {
        let register = try await TestRegister.make()
        defer { register.close() }
        let settings = try register.store.storageSettings()
        #expect(settings.synchronous == 2)
        #expect(settings.journalMode == "wal")
        #expect(settings.foreignKeys)
    }

    @Test("GRDB's pool alone leaves the writer at NORMAL, and the assertion refuses it")
    func assertionRefusesNormal() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-sync-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = try DatabasePool(path: directory.appendingPathComponent("x.sqlite").path)
        defer { try? pool.close() }
        #expect(try pool.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 1)
        let error = #expect(throws: RegistryError.self) { try RegisterStore.assertStorageSettings(pool) }
        #expect(error?.code == .notDurable)
    }

    @Test("open refuses to start when synchronous is not FULL on the writer")
    func openRefusesNotDurable() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-sync-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = #expect(throws: RegistryError.self) {
            _ = try RegisterStore.open(path: directory.appendingPathComponent("r.sqlite").path,
                                       keyFile: directory.appendingPathComponent("k").path,
                                       options: .init(), synchronous: "NORMAL")
        }
        #expect(error?.code == .notDurable)
        #expect(error?.message.contains("FULL") == true)
    }

    @Test("a missing database is refused when creation is not allowed")
    func missingDatabase() throws {
        var options = RegisterStore.Options()
        options.createIfMissing = false
        let error = #expect(throws: RegistryError.self) {
            _ = try RegisterStore.open(path: "/tmp/renfang-nonexistent-\(UUID()).sqlite", keyFile: "/tmp/none.key",
                                       options: options)
        }
        #expect(error?.code == .databaseMissing)
    }

    @Test("reopening keeps the data and the migrations; a newer schema is refused")
    func reopenAndNewerSchema() async throws {
        let register = try await TestRegister.make()
        defer { register.close() }
        let path = register.store.path
        let key = register.directory.appendingPathComponent("data.key").path
        try register.store.close()
        let again = try RegisterStore.open(path: path, keyFile: key)
        #expect(try await again.xiaoqus(for: TestRegister.admin).count == 3)
        try await again.database.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99.future')")
        }
        try again.close()
        let error = #expect(throws: RegistryError.self) { _ = try RegisterStore.open(path: path, keyFile: key) }
        #expect(error?.code == .schemaTooNew)
    }

    @Test("schema constraints hold even behind the module's back")
    func schemaConstraints() async throws {
        let register = try await TestRegister.make()
        defer { register.close() }
        let registration = try await register.registerCard(Fixtures.zhangWei, into: register.houseA1)
        try await register.store.database.write { db in
            // A second active stay of the same person in the same house: partial unique index.
            let personId = try Int64.fetchOne(db, sql: "SELECT id FROM person WHERE uuid = ?",
                                              arguments: [registration.person.uuid.dbText])!
            let houseId = try Int64.fetchOne(db, sql: "SELECT id FROM house WHERE uuid = ?",
                                             arguments: [register.houseA1.uuid.dbText])!
            func insertStay(_ arrival: String, _ departure: String?) throws {
                try db.execute(sql: """
                    INSERT INTO stay (uuid, person_id, house_id, arrival_date, relation, departure_date, departure_reason,
                                      cancel_flag, registered_by, created_at, updated_at)
                    VALUES (?, ?, ?, ?, '99', ?, ?, ?, 'x', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')
                    """, arguments: [UUID().dbText, personId, houseId, arrival, departure,
                                     departure == nil ? nil : "搬走", departure == nil ? 0 : 1])
            }
            #expect(throws: DatabaseError.self) { try insertStay("2024-05-01", nil) }
            // Departure before arrival, impossible dates, arrival before birth.
            #expect(throws: DatabaseError.self) { try insertStay("2024-05-01", "2024-04-01") }
            #expect(throws: DatabaseError.self) { try insertStay("2024-02-30", "2024-04-01") }
            #expect(throws: DatabaseError.self) { try insertStay("1980-01-01", "1980-02-01") }
            // A past stay is fine.
            try insertStay("2020-01-01", "2020-06-01")
            // Unknown house usage code; rented without landlord.
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "UPDATE house SET usage = '77' WHERE id = ?", arguments: [houseId])
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "UPDATE house SET rental_status = 1 WHERE id = ?", arguments: [houseId])
            }
            // Foreign keys are on.
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "UPDATE house SET xiaoqu_id = 9999 WHERE id = ?", arguments: [houseId])
            }
            // The audit log is append-only.
            #expect(throws: DatabaseError.self) { try db.execute(sql: "DELETE FROM audit_log WHERE seq = 1") }
        }
    }
}

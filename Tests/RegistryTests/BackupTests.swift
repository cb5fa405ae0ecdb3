import Foundation
import GRDB
import Testing
@testable import Registry

@Suite("Backup and restore")
struct BackupTests {
    /// A populated register and its backup in the same directory.
    private func backedUp() async throws -> (TestRegister, String) {
        let r = try await TestRegister.make()
        try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        try await r.registerCard(Fixtures.liNa, into: r.houseA2)
        let backup = r.directory.appendingPathComponent("backup.sqlite").path
        let result = try await r.store.backup(to: backup, by: TestRegister.admin)
        #expect(result.people == 2)
        #expect(result.stays == 2)
        #expect(result.bytes > 0 && result.sha256.count == 64)
        return (r, backup)
    }

    private func keyFile(_ r: TestRegister) -> String { r.directory.appendingPathComponent("data.key").path }

    @Test func aBackupOfTheOpenRegisterIsCheckedAndAudited() async throws {
        let (r, backup) = try await backedUp()
        defer { r.close() }
        // The register stays writable after the backup; the backup is one self-contained file.
        try await r.registerCard(Fixtures.wangFang, into: r.houseA3)
        #expect(!FileManager.default.fileExists(atPath: backup + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: backup + ".partial"))
        let last = try #require(try r.store.database.read { db in
            try Row.fetchOne(db, sql: "SELECT action, detail FROM audit_log WHERE action = 'backup'")
        })
        #expect((last["detail"] as String?)?.contains("\"people\":\"2\"") == true || (last["detail"] as String?)?.contains("people") == true)
        // No overwriting, and only the administrator backs up.
        let again = await registryError { _ = try await r.store.backup(to: backup, by: TestRegister.admin) }
        #expect(again?.code == .backupFailed)
        let denied = await registryError {
            _ = try await r.store.backup(to: r.directory.appendingPathComponent("b2.sqlite").path, by: r.deskA)
        }
        #expect(denied?.code == .permissionDenied)
        // The ID numbers stay encrypted in the copy.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: backup))
        #expect(bytes.range(of: Data(Fixtures.zhangWei.idNumber.utf8)) == nil)
    }

    @Test func restoreReplacesTheRegisterAndKeepsThePreviousOne() async throws {
        let (r, backup) = try await backedUp()
        defer { r.close() }
        let target = r.directory.appendingPathComponent("restored.sqlite").path
        // An older, different register at the target: kept aside.
        let other = try RegisterStore.open(path: target, keyFile: keyFile(r))
        _ = try await other.createStation(StationDraft(code: "110105530000", name: "另一个派出所"), by: TestRegister.admin)
        try other.close()
        let result = try RegisterStore.restore(from: backup, to: target, keyFile: keyFile(r))
        let previous = try #require(result.previousMovedTo)
        #expect(FileManager.default.fileExists(atPath: previous))
        #expect(result.people == 2)
        let restored = try RegisterStore.open(path: target, keyFile: keyFile(r))
        defer { try? restored.close() }
        let page = try await restored.searchStays(StaySearch(idNumber: Fixtures.zhangWei.idNumber), for: r.policeS1)
        #expect(page.hits.count == 1, "the restored register finds people by their (encrypted) ID number")
        #expect(try restored.auditLog.verify().isIntact)
        let stations = try await restored.database.read { try String.fetchAll($0, sql: "SELECT name FROM station ORDER BY name") }
        #expect(!stations.contains("另一个派出所"))
    }

    @Test func restoreRefusesBadFilesAndChangesNothing() async throws {
        let (r, backup) = try await backedUp()
        defer { r.close() }
        let target = r.directory.appendingPathComponent("target.sqlite").path
        let current = try RegisterStore.open(path: target, keyFile: keyFile(r))
        _ = try await current.createStation(StationDraft(code: "110105530000", name: "现用派出所"), by: TestRegister.admin)
        try current.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: target))

        func refused(_ file: String, key: String? = nil) -> RegistryError? {
            do {
                _ = try RegisterStore.restore(from: file, to: target, keyFile: key ?? keyFile(r))
                return nil
            } catch let error as RegistryError {
                return error
            } catch {
                Issue.record("unexpected \(error)")
                return nil
            }
        }
        // Not a database at all.
        let text = r.directory.appendingPathComponent("notes.txt").path
        try Data("这不是数据库".utf8).write(to: URL(fileURLWithPath: text))
        #expect(refused(text)?.code == .backupInvalid)
        // A database, but not a register.
        let foreign = r.directory.appendingPathComponent("foreign.sqlite").path
        try await DatabaseQueue(path: foreign).write { try $0.execute(sql: "CREATE TABLE t(x)") }
        #expect(refused(foreign)?.code == .backupInvalid)
        // Corrupt pages: bytes overwritten in the middle of the file.
        let corrupt = r.directory.appendingPathComponent("corrupt.sqlite").path
        var damaged = try Data(contentsOf: URL(fileURLWithPath: backup))
        let middle = damaged.count / 2
        damaged.replaceSubrange(middle..<(middle + 4096), with: Data(repeating: 0xA5, count: 4096))
        try damaged.write(to: URL(fileURLWithPath: corrupt))
        #expect(refused(corrupt)?.code == .backupInvalid)
        // A sound backup with the wrong key.
        let wrongKey = r.directory.appendingPathComponent("wrong.key").path
        try Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedData().write(to: URL(fileURLWithPath: wrongKey))
        chmod(wrongKey, 0o600)
        let wrong = refused(backup, key: wrongKey)
        #expect(wrong?.code == .backupInvalid)
        // A backup whose audit log was edited.
        let edited = r.directory.appendingPathComponent("edited.sqlite").path
        try FileManager.default.copyItem(atPath: backup, toPath: edited)
        try await DatabaseQueue(path: edited).write { db in
            // An attacker with the file drops the append-only trigger first.
            try db.execute(sql: "DROP TRIGGER audit_log_no_update")
            try db.execute(sql: "UPDATE audit_log SET actor = 'someone' WHERE seq = 3")
        }
        let tampered = refused(edited)
        #expect(tampered?.code == .backupInvalid)
        #expect(tampered?.message.contains("审计") == true)

        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == before, "the current register is untouched")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: r.directory.path).filter { $0.contains("restoring") || $0.contains("before-restore") }
        #expect(leftovers.isEmpty)
    }

    @Test func restoreRefusesARegisterOpenInAnotherProcess() async throws {
        let (r, backup) = try await backedUp()
        defer { r.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec 3<\"$1\"; exec sleep 30", "holder", r.store.path]
        try process.run()
        defer { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        // Wait until the holder has the file open (our own process, which has it open too, is not counted).
        for _ in 0..<500 where DatabaseHolders.find(r.store.path) == nil { try await Task.sleep(for: .milliseconds(10)) }
        var holder: RegistryError?
        do {
            _ = try RegisterStore.restore(from: backup, to: r.store.path, keyFile: keyFile(r))
            Issue.record("restored under a running process")
        } catch let error as RegistryError {
            holder = error
        }
        #expect(holder?.code == .backupInUse)
        #expect(holder?.message.contains("\(process.processIdentifier)") == true)
    }
}

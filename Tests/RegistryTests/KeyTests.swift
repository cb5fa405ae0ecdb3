import Foundation
import GRDB
import Testing
@testable import Registry

@Suite("Data key")
struct KeyTests {
    private func paths() throws -> (directory: URL, database: String, key: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-key-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (directory, directory.appendingPathComponent("r.sqlite").path,
                directory.appendingPathComponent("keys/data.key").path)
    }

    private func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("the key file is created on first start, mode 0600, holding 256 bits")
    func createdOnFirstStart() throws {
        let p = try paths()
        defer { try? FileManager.default.removeItem(at: p.directory) }
        let store = try RegisterStore.open(path: p.database, keyFile: p.key)
        try store.close()
        #expect(try mode(p.key) == 0o600)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: p.key)))
        #expect(DataKey.parse(bytes)?.count == 32)
        // Reopening with the same key works.
        try RegisterStore.open(path: p.database, keyFile: p.key).close()
    }

    @Test("a key file readable by others or by the group is refused", arguments: [0o644, 0o640, 0o604, 0o660])
    func insecureKeyRefused(permissions: Int) throws {
        let p = try paths()
        defer { try? FileManager.default.removeItem(at: p.directory) }
        try RegisterStore.open(path: p.database, keyFile: p.key).close()
        try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: p.key)
        let error = #expect(throws: RegistryError.self) { _ = try RegisterStore.open(path: p.database, keyFile: p.key) }
        #expect(error?.code == .keyInsecure)
        #expect(error?.message.contains("600") == true)
    }

    @Test("a wrong key is refused with a clear error when existing data do not decrypt")
    func wrongKeyRefused() async throws {
        let p = try paths()
        defer { try? FileManager.default.removeItem(at: p.directory) }
        try RegisterStore.open(path: p.database, keyFile: p.key).close()
        try FileManager.default.removeItem(atPath: p.key)
        try DataKey.createKeyFile(path: p.key)  // another random key
        let error = #expect(throws: RegistryError.self) { _ = try RegisterStore.open(path: p.database, keyFile: p.key) }
        #expect(error?.code == .keyWrong)
        #expect(error?.message.contains("密钥") == true)
    }

    @Test("an existing database without its key file is refused (no new key is made)")
    func missingKeyRefused() throws {
        let p = try paths()
        defer { try? FileManager.default.removeItem(at: p.directory) }
        try RegisterStore.open(path: p.database, keyFile: p.key).close()
        try FileManager.default.removeItem(atPath: p.key)
        let error = #expect(throws: RegistryError.self) { _ = try RegisterStore.open(path: p.database, keyFile: p.key) }
        #expect(error?.code == .keyMissing)
        #expect(!FileManager.default.fileExists(atPath: p.key))
    }

    @Test("a key file that does not hold 256 bits is refused")
    func malformedKeyRefused() throws {
        let p = try paths()
        defer { try? FileManager.default.removeItem(at: p.directory) }
        try FileManager.default.createDirectory(atPath: (p.key as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: p.key, contents: Data("not a key\n".utf8),
                                       attributes: [.posixPermissions: 0o600])
        let error = #expect(throws: RegistryError.self) { _ = try RegisterStore.open(path: p.database, keyFile: p.key) }
        #expect(error?.code == .keyMalformed)
    }

    @Test("hex and raw key files are accepted")
    func keyFormats() {
        let raw = [UInt8](repeating: 7, count: 32)
        #expect(DataKey.parse(raw) == raw)
        #expect(DataKey.parse(Array((String(repeating: "0a", count: 32) + "\n").utf8)) == [UInt8](repeating: 10, count: 32))
        #expect(DataKey.parse(Array("short".utf8)) == nil)
    }
}

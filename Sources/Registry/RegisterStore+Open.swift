import Foundation
import GRDB

extension RegisterStore {
    /// Opens (or creates) the register at `path` with the data key in `keyFile`.
    ///
    /// Refuses to start, with a ``RegistryError`` whose code says why, when: the key file is missing
    /// for an existing database (`key.missing`), accessible to group or others (`key.insecure`), not a
    /// 256-bit key (`key.malformed`), or does not decrypt the data already stored (`key.wrong`); the
    /// database cannot be opened; `PRAGMA synchronous` on the writer is not FULL after opening
    /// (`storage.notDurable`); WAL or foreign keys are not in effect (`storage.settings`); or the
    /// database was migrated by a newer renfang (`storage.schemaTooNew`).
    public static func open(path: String, keyFile: String, options: Options = Options()) throws -> RegisterStore {
        try open(path: path, keyFile: keyFile, options: options, synchronous: "FULL")
    }

    /// A register in a new temporary directory (database and key file), for tests and demos.
    public static func openTemporary(options: Options = Options()) throws -> RegisterStore {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("renfang-register-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try open(path: directory.appendingPathComponent("register.sqlite").path,
                        keyFile: directory.appendingPathComponent("data.key").path, options: options)
    }

    /// `open` with the synchronous mode to set as a parameter, so tests can see the refusal path.
    static func open(path: String, keyFile: String, options: Options, synchronous: String) throws -> RegisterStore {
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists, !options.createIfMissing {
            throw RegistryError(.databaseMissing, "登记数据库不存在：\(path)")
        }
        let key = try DataKey.loadOrCreate(path: keyFile, create: !exists)
        let cipher = DataCipher(dataKey: key)

        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.label = "renfang.register"
        configuration.maximumReaderCount = max(1, options.maximumReaderCount)
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw RegistryError(.openFailed, "无法打开登记数据库 \(path)：\(error)")
        }
        do {
            // GRDB's pool sets synchronous=NORMAL on its writer after prepareDatabase: set FULL now.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
            try assertStorageSettings(pool)
            try migrate(pool)
            try checkKey(pool, cipher: cipher)
        } catch {
            try? pool.close()
            throw error
        }
        logger.info("register.open", metadata: ["path": "\(path)", "created": "\(!exists)"])
        return RegisterStore(path: path, writer: pool, cipher: cipher, options: options)
    }

    /// Checks, on the writer connection, `synchronous` = 2 (FULL), `journal_mode` = wal and
    /// `foreign_keys` = 1; throws `storage.notDurable` / `storage.settings` otherwise.
    static func assertStorageSettings(_ writer: any DatabaseWriter) throws {
        let settings = try storageSettings(writer)
        guard settings.synchronous == 2 else {
            throw RegistryError(.notDurable,
                                "数据库写连接的 synchronous 为 \(settings.synchronous)，不是 FULL(2)：为防止断电丢失登记，拒绝启动")
        }
        guard settings.journalMode == "wal", settings.foreignKeys else {
            throw RegistryError(.badStorageSettings,
                                "数据库设置不正确：journal_mode=\(settings.journalMode) foreign_keys=\(settings.foreignKeys)")
        }
    }

    /// The writer connection's durability settings.
    static func storageSettings(_ writer: any DatabaseWriter) throws -> StorageSettings {
        try writer.writeWithoutTransaction { db in
            StorageSettings(
                synchronous: try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1,
                journalMode: try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
                foreignKeys: try Int.fetchOne(db, sql: "PRAGMA foreign_keys") == 1)
        }
    }

    /// The writer connection's settings as they are now (for status pages and tests).
    public func storageSettings() throws -> StorageSettings {
        try Self.storageSettings(writer)
    }

    private static func migrate(_ pool: DatabasePool) throws {
        let migrator = Schema.migrator
        if try pool.read({ try migrator.hasBeenSuperseded($0) }) {
            throw RegistryError(.schemaTooNew, "登记数据库由更新版本的 renfang 创建，本版本无法使用")
        }
        try migrator.migrate(pool)
    }

    private static let keyCheckText = "renfang register data key check v1"

    /// Stores a sealed constant on first open; later opens must decrypt it (`key.wrong` otherwise).
    private static func checkKey(_ pool: DatabasePool, cipher: DataCipher) throws {
        try pool.write { db in
            if let sealed = try Data.fetchOne(db, sql: "SELECT value FROM register_meta WHERE key = 'key_check'") {
                guard (try? cipher.openText(sealed, for: .keyCheck)) == keyCheckText else {
                    throw RegistryError(.keyWrong, "数据密钥与登记数据库不匹配：已有数据无法解密，拒绝启动（请检查密钥文件）")
                }
            } else {
                let hasData = try Int.fetchOne(db, sql: "SELECT (SELECT count(*) FROM person) + (SELECT count(*) FROM xiaoqu)") ?? 0
                guard hasData == 0 else {
                    throw RegistryError(.keyWrong, "登记数据库缺少密钥校验记录，无法确认密钥，拒绝启动")
                }
                try db.execute(sql: "INSERT INTO register_meta (key, value) VALUES ('key_check', ?)",
                               arguments: [try cipher.seal(text: keyCheckText, for: .keyCheck)])
            }
        }
    }
}

/// The durability settings of the writer connection.
public struct StorageSettings: Sendable, Hashable {
    /// `PRAGMA synchronous`: 2 is FULL.
    public var synchronous: Int
    /// `PRAGMA journal_mode`: `wal`.
    public var journalMode: String
    /// `PRAGMA foreign_keys`.
    public var foreignKeys: Bool
}

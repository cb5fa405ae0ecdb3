import Crypto
import Foundation
import Glibc
import GRDB

/// What a backup or a restore did.
public struct BackupResult: Sendable, Hashable {
    /// The file written (the backup, or the restored database).
    public var path: String
    /// Its size in bytes.
    public var bytes: Int
    /// SHA-256 of the file, hex.
    public var sha256: String
    /// People and stays in it (a quick sanity figure for the operator).
    public var people: Int
    /// Stays in it.
    public var stays: Int
    /// Restore only: where the database that was replaced was moved (`nil` when there was none).
    public var previousMovedTo: String?
}

extension RegisterStore {
    /// Writes a consistent copy of the register to `destination` with SQLite's online backup (the
    /// register stays open and writable meanwhile), checks the copy (`PRAGMA integrity_check`), syncs
    /// it to disk and only then gives it its final name; an existing file at `destination` is refused.
    /// Writes a `backup` audit entry (file digest and counts, no personal data). The data key is not in
    /// the copy: sensitive fields stay encrypted, and a restore needs the same key file.
    public func backup(to destination: String, by actor: Actor) async throws -> BackupResult {
        guard case .admin = actor.role else { throw RegistryError.denied("备份登记库") }
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw RegistryError(.backupFailed, "备份文件已存在：\(destination)（不覆盖已有文件，请换一个文件名）")
        }
        let partial = destination + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            let copy = try DatabaseQueue(path: partial)
            try await writer.backup(to: copy)
            try await copy.writeWithoutTransaction { db in
                // A single file: no -wal beside it.
                try db.execute(sql: "PRAGMA journal_mode = DELETE")
            }
            try Self.checkIntegrity(copy, what: "备份")
            try copy.close()
            try Self.syncFile(partial)
            guard rename(partial, destination) == 0 else {
                throw RegistryError(.backupFailed, "无法写入备份文件 \(destination)：\(String(cString: strerror(errno)))")
            }
            try Self.syncDirectory(of: destination)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            if let error = error as? RegistryError { throw error }
            throw RegistryError(.backupFailed, "备份失败：\(Self.describe(error))")
        }
        var result = try Self.describeFile(destination)
        let detail = CanonicalJSON.object([
            ("sha256", CanonicalJSON.json(result.sha256)), ("bytes", String(result.bytes)),
            ("people", String(result.people)), ("stays", String(result.stays)),
        ])
        _ = try await perform(actor, action: "backup") { db, journal, _ in
            try AuditLog.append(db, at: journal.at, actor: actor, action: "backup", targetKind: "backup", targetUuid: nil,
                                before: nil, after: nil, detail: detail)
        }
        result.path = destination
        return result
    }

    /// Replaces the register at `path` with the backup at `source`, after checking that the backup is a
    /// sound register this version can use and that `keyFile` decrypts it: `PRAGMA integrity_check`,
    /// no migration newer than this renfang, the key check record, the audit chain. Anything wrong is
    /// refused (`backup.invalid`) and the current register is left as it was. The register must not be
    /// open anywhere (stop renfangd first): a process holding the file open is named and refused
    /// (`backup.inUse`). The replaced database is kept beside it as `path.before-restore-TIME`.
    public static func restore(from source: String, to path: String, keyFile: String) throws -> BackupResult {
        guard FileManager.default.fileExists(atPath: source) else {
            throw RegistryError(.backupInvalid, "备份文件不存在：\(source)")
        }
        if let holder = DatabaseHolders.find(path) {
            throw RegistryError(.backupInUse, "登记数据库正在被进程 \(holder) 使用：请先停止 renfangd 再恢复")
        }
        let staging = path + ".restoring"
        /// The staged copy and its side files (a refused restore leaves nothing behind).
        func removeStaging() {
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: staging + suffix) }
        }
        removeStaging()
        do {
            // Copy first (the source may be on read-only media), then check the copy.
            var configuration = Configuration()
            configuration.readonly = true
            let input = try DatabaseQueue(path: source, configuration: configuration)
            let output = try DatabaseQueue(path: staging)
            try input.backup(to: output)
            try input.close()
            try checkIntegrity(output, what: "备份文件")
            try output.close()
        } catch {
            removeStaging()
            if let error = error as? RegistryError { throw error }
            throw RegistryError(.backupInvalid, "备份文件无法使用：\(describe(error))")
        }
        // Open the staged copy as the register (WAL, migrations, key check), verify its audit chain.
        do {
            var options = Options()
            options.createIfMissing = false
            let store = try open(path: staging, keyFile: keyFile, options: options)
            let verification = try store.auditLog.verify()
            try store.close()
            if let broken = verification.firstBroken {
                throw RegistryError(.backupInvalid, "备份文件的审计链已损坏（\(broken.message)）：拒绝恢复")
            }
        } catch let error as RegistryError {
            removeStaging()
            if error.code == .backupInvalid { throw error }
            throw RegistryError(.backupInvalid, "备份文件无法使用：\(error.message)")
        }
        var previous: String?
        if FileManager.default.fileExists(atPath: path) {
            let stamp = Timestamp.text(Date()).replacingOccurrences(of: ":", with: "")
            let moved = "\(path).before-restore-\(stamp)"
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
                guard rename(path + suffix, moved + suffix) == 0 else {
                    throw RegistryError(.backupFailed, "无法移开当前登记库 \(path)：\(String(cString: strerror(errno)))")
                }
            }
            previous = moved
        }
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: staging + suffix) {
            _ = rename(staging + suffix, path + suffix)
        }
        guard rename(staging, path) == 0 else {
            throw RegistryError(.backupFailed, "无法放置恢复的登记库 \(path)：\(String(cString: strerror(errno)))")
        }
        try syncDirectory(of: path)
        var result = try describeFile(path)
        result.previousMovedTo = previous
        return result
    }

    /// `PRAGMA integrity_check` must answer `ok`, and the file must be a register (its tables exist).
    static func checkIntegrity(_ queue: DatabaseQueue, what: String) throws {
        let answer = try queue.read { db -> [String] in
            try String.fetchAll(db, sql: "PRAGMA integrity_check")
        }
        guard answer == ["ok"] else {
            throw RegistryError(.backupInvalid, "\(what)已损坏（integrity_check：\(answer.prefix(3).joined(separator: "；"))）")
        }
        let isRegister = try queue.read { db in
            try db.tableExists("register_meta") && db.tableExists("person") && db.tableExists("audit_log")
        }
        guard isRegister else { throw RegistryError(.backupInvalid, "\(what)不是 renfang 登记库") }
    }

    static func describeFile(_ path: String) throws -> BackupResult {
        let url = URL(fileURLWithPath: path)
        let data = try Data(contentsOf: url, options: .alwaysMapped)
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        let (people, stays) = try queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM person") ?? 0, try Int.fetchOne(db, sql: "SELECT count(*) FROM stay") ?? 0)
        }
        return BackupResult(path: path, bytes: data.count, sha256: SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined(),
                            people: people, stays: stays, previousMovedTo: nil)
    }

    static func syncFile(_ path: String) throws {
        let fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else { throw RegistryError(.backupFailed, "无法打开 \(path)") }
        defer { Glibc.close(fd) }
        guard fsync(fd) == 0 else { throw RegistryError(.backupFailed, "无法写入磁盘：\(path)") }
    }

    static func syncDirectory(of path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try syncFile(directory.isEmpty ? "." : directory)
    }

    /// SQLite errors without statement arguments.
    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return "SQLite \(error.resultCode): \(error.message ?? "")" }
        return "\(error)"
    }
}

/// Which process has a file open (Linux /proc), so a restore never swaps a database under a running
/// daemon.
enum DatabaseHolders {
    /// The first `pid (command)` other than this process with `path` (or its -wal/-shm) open.
    static func find(_ path: String) -> String? {
        let target = URL(fileURLWithPath: path).standardizedFileURL.path
        let names = Set(["", "-wal", "-shm"].map { target + $0 })
        let me = String(getpid())
        guard let pids = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for pid in pids where pid.allSatisfy(\.isNumber) && pid != me {
            guard let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { continue }
            for fd in fds {
                if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
                   names.contains(link) {
                    let command = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?
                        .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
                    return "\(pid) (\(command))"
                }
            }
        }
        return nil
    }
}

import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The 256-bit data key of the register, kept in a file of its own (mode 0600, default
/// /etc/renfang/keys/data.key), created on first start.
///
/// The file holds the key as one line of base64 (32 raw bytes and 64 hex digits are accepted too). A
/// key file that group or others may read, write or execute is refused (``RegistryError/Code/keyInsecure``).
enum DataKey {
    /// Loads the key at `path`; when the file does not exist and `create` is set, creates it (and its
    /// directory, mode 0700) with a fresh random key, mode 0600.
    static func loadOrCreate(path: String, create: Bool) throws -> SymmetricKey {
        if access(path, F_OK) != 0 {
            guard create else {
                throw RegistryError(.keyMissing, "数据密钥文件不存在：\(path)")
            }
            try createKeyFile(path: path)
        }
        return try load(path: path)
    }

    /// Reads and checks the key file.
    static func load(path: String) throws -> SymmetricKey {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw RegistryError(.keyUnreadable, "无法读取数据密钥文件 \(path)：\(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw RegistryError(.keyUnreadable, "数据密钥文件不是普通文件：\(path)")
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw RegistryError(.keyInsecure,
                                "数据密钥文件 \(path) 的权限为 \(String(mode, radix: 8))，其他用户可以访问；请改为 600（chmod 600）")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw RegistryError(.keyUnreadable, "无法读取数据密钥文件 \(path)：\(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            bytes += buffer[0..<n]
            if bytes.count > 4096 { break }
        }
        guard let key = parse(bytes) else {
            throw RegistryError(.keyMalformed, "数据密钥文件 \(path) 中不是256位密钥")
        }
        return SymmetricKey(data: key)
    }

    /// 32 raw bytes, or base64 / 64 hex digits text (surrounding whitespace ignored).
    static func parse(_ bytes: [UInt8]) -> [UInt8]? {
        if bytes.count == 32 { return bytes }
        let text = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        if let data = Data(base64Encoded: text), data.count == 32 { return [UInt8](data) }
        let hex = Array(text.utf8)
        if hex.count == 64 {
            var out: [UInt8] = []
            var i = 0
            while i < 64 {
                guard let hi = hexValue(hex[i]), let lo = hexValue(hex[i + 1]) else { return nil }
                out.append(hi << 4 | lo)
                i += 2
            }
            return out
        }
        return nil
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }

    /// Creates the key file exclusively (never overwrites), mode 0600, contents fsynced.
    static func createKeyFile(path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, access(directory, F_OK) != 0 {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700])
            } catch {
                throw RegistryError(.keyUnreadable, "无法创建数据密钥目录 \(directory)：\(error)")
            }
        }
        let key = SymmetricKey(size: .bits256)
        let line = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw RegistryError(.keyUnreadable, "无法创建数据密钥文件 \(path)：\(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        _ = fchmod(fd, 0o600)
        let bytes = Array(line.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            unlink(path)
            throw RegistryError(.keyUnreadable, "无法写入数据密钥文件 \(path)")
        }
    }
}

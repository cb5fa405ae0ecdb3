import Crypto
import Foundation

/// Sequential reading of a file in 1 MiB chunks, hashing (SHA-256) every byte consumed, so a bundle of
/// any size is verified and applied in constant memory.
struct ChunkedFile: HeaderSource {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var hashedUpTo = 0
    private var hasher = SHA256()
    private var exhausted = false
    /// Bytes consumed so far.
    private(set) var consumed: UInt64 = 0
    /// The file's size when opened.
    let size: UInt64
    static let chunk = 1 << 20

    init(url: URL) throws {
        do {
            handle = try FileHandle(forReadingFrom: url)
            size = try handle.seekToEnd()
            try handle.seek(toOffset: 0)
        } catch {
            throw WatchlistError(.storage, "无法读取文件 \(url.path)：\(error.localizedDescription)")
        }
    }

    /// Closes the file.
    func close() { try? handle.close() }

    mutating func bytes(_ n: Int) throws -> [UInt8] {
        try ensure(n)
        defer { position += n; consumed += UInt64(n) }
        return Array(buffer[position..<position + n])
    }

    /// Calls `body` with the next `n` bytes in place (no copy).
    mutating func withBytes<T>(_ n: Int, _ body: (ArraySlice<UInt8>) throws -> T) throws -> T {
        try ensure(n)
        defer { position += n; consumed += UInt64(n) }
        return try body(buffer[position..<position + n])
    }

    /// SHA-256 of every byte consumed so far.
    mutating func digest() -> SHA256.Digest {
        flushHash()
        return hasher.finalize()
    }

    /// Whether every byte of the file has been consumed.
    mutating func atEnd() throws -> Bool {
        if position < buffer.count { return false }
        try refill()
        return position >= buffer.count
    }

    private mutating func ensure(_ n: Int) throws {
        while buffer.count - position < n {
            guard !exhausted else { throw WatchlistError.malformed("文件不完整") }
            try refill()
        }
    }

    private mutating func flushHash() {
        if hashedUpTo < position {
            buffer[hashedUpTo..<position].withUnsafeBytes { hasher.update(bufferPointer: $0) }
            hashedUpTo = position
        }
    }

    private mutating func refill() throws {
        flushHash()
        buffer.removeFirst(position)
        hashedUpTo -= position
        position = 0
        let data: Data?
        do { data = try handle.read(upToCount: Self.chunk) } catch {
            throw WatchlistError(.storage, "读取失败：\(error.localizedDescription)")
        }
        guard let data, !data.isEmpty else { exhausted = true; return }
        buffer.append(contentsOf: data)
    }
}

/// Sequential writing in 1 MiB chunks, hashing every byte written.
struct ChunkedWriter {
    private let handle: FileHandle
    private var buffer = ByteWriter(capacity: ChunkedFile.chunk + 4096)
    private var hasher = SHA256()
    let url: URL

    init(url: URL) throws {
        self.url = url
        guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = try? FileHandle(forWritingTo: url)
        else { throw WatchlistError(.storage, "无法写入 \(url.path)") }
        self.handle = handle
    }

    mutating func write(_ body: (inout ByteWriter) -> Void) throws {
        body(&buffer)
        if buffer.bytes.count >= ChunkedFile.chunk { try flush() }
    }

    mutating func flush() throws {
        guard !buffer.bytes.isEmpty else { return }
        hasher.update(data: buffer.bytes)
        do { try handle.write(contentsOf: buffer.bytes) } catch {
            throw WatchlistError(.storage, "写入失败：\(error.localizedDescription)")
        }
        buffer.bytes.removeAll(keepingCapacity: true)
    }

    /// Appends SHA-256 of everything written, flushes, fsyncs and closes.
    mutating func finishWithChecksum() throws {
        try flush()
        let digest = Array(hasher.finalize())
        do {
            try handle.write(contentsOf: digest)
            try handle.synchronize()
            try handle.close()
        } catch {
            throw WatchlistError(.storage, "写入失败：\(error.localizedDescription)")
        }
    }

    func abandon() {
        try? handle.close()
        try? FileManager.default.removeItem(at: url)
    }
}

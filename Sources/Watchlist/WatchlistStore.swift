import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The lists in force on an appliance: one state file per list in a directory (default
/// `/var/lib/renfang/watchlists`, the `--watchlist-dir` option), `<listId>.rfws`, holding the verified
/// header and the sorted entries (tags and sealed details only; protocol-docs/watchlist-bundle.md,
/// "State file"). An import writes a new state file beside the old one and renames it over it, so the
/// list in force changes atomically or not at all.
public struct WatchlistStore: Sendable {
    /// The directory.
    public let directory: URL

    /// A store in `directory` (created, mode 0700, when missing).
    public init(directory: URL) throws {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw WatchlistError(.storage, "无法创建名单目录 \(directory.path)：\(error.localizedDescription)")
        }
    }

    /// The state file of a list.
    public func stateFile(_ listId: String) -> URL {
        directory.appendingPathComponent(listId + ".rfws")
    }

    /// The list ids with a state file.
    public func listIds() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".rfws") && !$0.hasPrefix(".") }.map { String($0.dropLast(5)) }
            .filter(BundleHeader.isValidListId).sorted()
    }

    /// The status of every list in force.
    public func status(now: Date = Date()) throws -> [WatchlistStatus] {
        try listIds().map { id in
            let state = try StateHeader.read(stateFile(id))
            return WatchlistStatus(header: state.header, entryCount: state.entryCount, importedAt: state.importedAt, now: now)
        }
    }

    /// What an import did.
    public struct ImportResult: Sendable, Hashable {
        /// The list's new header.
        public var header: BundleHeader
        /// The version in force before (nil when the list is new).
        public var replacedVersion: UInt64?
        /// Entries in force now.
        public var entryCount: Int
    }

    /// Verifies a bundle file and swaps it in: the issuer key must be trusted, every byte must verify
    /// under its signature, a snapshot must be newer than the list in force, a delta must name the version
    /// in force and share its key epoch. Streams the bundle (constant memory). On any refusal the list in
    /// force is untouched.
    public func importBundle(at url: URL, trusted: TrustedKeys, now: Date = Date()) throws -> ImportResult {
        let lock = try DirectoryLock(directory)
        defer { lock.release() }
        var input = try ChunkedFile(url: url)
        defer { input.close() }
        guard try input.bytes(4) == BundleHeader.magic else { throw WatchlistError.malformed("不是名单包（文件头不符）") }
        guard try input.u8() == BundleHeader.formatVersion else { throw WatchlistError.malformed("格式版本未知") }
        let header = try BundleHeader.decodeFields(&input)
        try Self.checkRecordCount(header, fileSize: input.size)
        guard trusted.contains(header.issuerKey) else {
            throw WatchlistError(.untrustedIssuer, "名单包的签发公钥不在受信任列表中（签发方：\(header.issuer)）")
        }
        let target = stateFile(header.listId)
        // A damaged state file (checked again at load) can be replaced by a snapshot; a delta needs it intact.
        var current: StateHeader?
        do {
            current = FileManager.default.fileExists(atPath: target.path) ? try StateHeader.read(target) : nil
        } catch let error as WatchlistError where error.code == .damaged || error.code == .malformed {
            guard header.kind == .snapshot else {
                throw WatchlistError(.missingPredecessor, "在用名单文件已损坏，增量包无法应用：请导入完整名单")
            }
            current = nil
        }
        // A refusal found from the header is reported only once the signature is known to be good, so a
        // damaged bundle is reported as damaged.
        let refusal = Self.versionRefusal(header, current: current?.header)
        let temp = directory.appendingPathComponent(".\(header.listId).rfws.tmp-\(getpid())")
        var output: ChunkedWriter? = refusal == nil ? try ChunkedWriter(url: temp) : nil
        defer { output?.abandon() }
        var state = header
        state.kind = .snapshot
        state.recordCount = 0
        try output?.write { w in
            w.raw(BundleHeader.stateMagic)
            w.u8(BundleHeader.formatVersion)
            state.encodeFields(into: &w)
            w.i64(Int64(now.timeIntervalSince1970))
        }
        var merge = (header.kind == .delta && refusal == nil) ? try StateRecords(current!.url, skipHeader: true) : nil
        defer { merge?.close() }
        var written: UInt32 = 0
        var previousTag: [UInt8]?
        func emit(_ record: BundleRecord) throws {
            guard record.operation == .put else { return }
            written += 1
            try output?.write { record.encode(into: &$0) }
        }
        for _ in 0..<header.recordCount {
            let record = try BundleRecord.decode(&input, allowRemove: header.kind == .delta)
            if let previousTag, !Array.tagPrecedes(previousTag, record.tag) {
                throw WatchlistError.malformed("条目未按标签严格升序排列")
            }
            previousTag = record.tag
            guard refusal == nil else { continue }
            if merge != nil {
                // Current entries before this tag stay; an equal tag is replaced or removed.
                while let next = try merge!.peek(), Array.tagPrecedes(next.tag, record.tag) {
                    try emit(try merge!.next()!)
                }
                if let next = try merge!.peek(), next.tag == record.tag { _ = try merge!.next() }
            }
            try emit(record)
        }
        if merge != nil {
            while let next = try merge!.next() { try emit(next) }
        }
        let digest = input.digest()
        let signature = try input.bytes(64)
        guard try input.atEnd() else { throw WatchlistError.malformed("签名之后还有多余数据") }
        guard TrustedKeys.verify(signature: signature, digest: digest, key: header.issuerKey) else {
            throw WatchlistError(.badSignature, "签名验证失败：名单包已损坏或被篡改，未导入")
        }
        if let refusal { throw refusal }
        try output!.write { w in
            w.u8(0)
            w.u32(written)
        }
        try output!.finishWithChecksum()
        output = nil
        guard rename(temp.path, target.path) == 0 else {
            try? FileManager.default.removeItem(at: temp)
            throw WatchlistError(.storage, "无法替换名单文件 \(target.path)")
        }
        DirectoryLock.syncDirectory(directory)
        return ImportResult(header: header, replacedVersion: current?.header.version, entryCount: Int(written))
    }

    /// Removes a list (it stops being checked).
    public func remove(listId: String) throws {
        guard BundleHeader.isValidListId(listId) else { throw WatchlistError.malformed("名单编号无效") }
        try? FileManager.default.removeItem(at: stateFile(listId))
    }

    /// Each record has at least 35 bytes: a count the file cannot hold is malformed (before any work).
    static func checkRecordCount(_ header: BundleHeader, fileSize: UInt64) throws {
        guard UInt64(header.recordCount) * 35 + 64 <= fileSize else { throw WatchlistError.malformed("条目数与文件大小不符") }
    }

    static func versionRefusal(_ header: BundleHeader, current: BundleHeader?) -> WatchlistError? {
        if let current, header.version <= current.version {
            return WatchlistError(.staleVersion, "名单 \(header.listId) 的版本 \(header.version) 不比在用版本 \(current.version) 新，未导入")
        }
        guard header.kind == .delta else { return nil }
        guard let current, current.version == header.previousVersion else {
            return WatchlistError(.missingPredecessor, "增量包基于版本 \(header.previousVersion)，但在用版本是 \(current.map { String($0.version) } ?? "无")：请先导入缺少的版本或完整名单")
        }
        guard header.sharesEpoch(with: current) else {
            return WatchlistError(.deltaMismatch, "增量包与在用名单的签发方或密钥轮次不一致，未导入")
        }
        return nil
    }
}

/// The header of a state file, read without its entries.
struct StateHeader {
    var url: URL
    var header: BundleHeader
    var importedAt: Date
    var entryCount: Int

    static func read(_ url: URL) throws -> StateHeader {
        var file = try ChunkedFile(url: url)
        defer { file.close() }
        guard try file.bytes(4) == BundleHeader.stateMagic, try file.u8() == BundleHeader.formatVersion else {
            throw WatchlistError(.damaged, "名单文件已损坏：\(url.path)")
        }
        let header = try BundleHeader.decodeFields(&file)
        let imported = try file.i64()
        // The entry count is in the trailer: end marker, count, checksum.
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        guard size >= 36 else { throw WatchlistError(.damaged, "名单文件已损坏：\(url.path)") }
        try handle.seek(toOffset: size - 36)
        let tail = Array(try handle.read(upToCount: 4) ?? Data())
        var reader = ByteReader(tail)
        let count = try reader.u32()
        return StateHeader(url: url, header: header, importedAt: Date(timeIntervalSince1970: TimeInterval(imported)),
                           entryCount: Int(count))
    }
}

/// The entries of a state file, read in order (for merging a delta).
struct StateRecords {
    private var file: ChunkedFile
    private var pending: BundleRecord?
    private var done = false

    init(_ url: URL, skipHeader: Bool) throws {
        file = try ChunkedFile(url: url)
        _ = try file.bytes(5)
        _ = try BundleHeader.decodeFields(&file)
        _ = try file.i64()
    }

    mutating func peek() throws -> BundleRecord? {
        if pending == nil, !done {
            if try file.u8() == 0 { done = true } else {
                let tag = try file.bytes(BundleRecord.tagLength)
                let length = Int(try file.u16())
                pending = BundleRecord(operation: .put, tag: tag, payload: try file.bytes(length))
            }
        }
        return pending
    }

    mutating func next() throws -> BundleRecord? {
        let record = try peek()
        pending = nil
        return record
    }

    func close() { file.close() }
}

/// An exclusive `flock` on the directory's `.lock` file, so two imports never interleave.
struct DirectoryLock {
    let fd: Int32

    init(_ directory: URL) throws {
        fd = open(directory.appendingPathComponent(".lock").path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0, flock(fd, LOCK_EX) == 0 else { throw WatchlistError(.storage, "无法锁定名单目录 \(directory.path)") }
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }

    static func syncDirectory(_ directory: URL) {
        let fd = open(directory.path, O_RDONLY | O_DIRECTORY)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}

/// One list in force, for `renfang watchlist status`.
public struct WatchlistStatus: Sendable, Hashable {
    /// The verified header of the version in force.
    public var header: BundleHeader
    /// Entries in force.
    public var entryCount: Int
    /// When this version was imported.
    public var importedAt: Date
    /// Whether the list's validity has ended (it is no longer checked).
    public var isExpired: Bool

    init(header: BundleHeader, entryCount: Int, importedAt: Date, now: Date) {
        self.header = header
        self.entryCount = entryCount
        self.importedAt = importedAt
        isExpired = header.isExpired(at: now)
    }
}

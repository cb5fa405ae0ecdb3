import Crypto
import Foundation
import Synchronization

/// How to seal a list.
public struct SealOptions: Sendable {
    /// The list's id (``BundleHeader/isValidListId(_:)``).
    public var listId: String
    /// The version to seal; default 1, or the previous version + 1.
    public var version: UInt64?
    /// When the whole list stops being in force, or nil.
    public var validUntil: Date?
    /// The scrypt cost of a new key epoch (a delta keeps its predecessor's).
    public var cost: ScryptCost
    /// The sealing time written into the header.
    public var created: Date
    /// With a previous bundle: seal a full snapshot in a new key epoch (fresh salt and list key, this
    /// cost) instead of a delta.
    public var rotate: Bool
    /// Worker threads for scrypt (default: every core).
    public var threads: Int

    /// Options.
    public init(listId: String, version: UInt64? = nil, validUntil: Date? = nil, cost: ScryptCost = .standard,
                created: Date = Date(), rotate: Bool = false,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.listId = listId
        self.version = version
        self.validUntil = validUntil
        self.cost = cost
        self.created = created
        self.rotate = rotate
        self.threads = threads
    }
}

/// The result of sealing.
public struct SealedList: Sendable {
    /// The bundle to distribute: a delta when sealed against a previous snapshot (without `rotate`), else a
    /// snapshot.
    public var bundle: [UInt8]
    /// The full snapshot of the same version (the issuer keeps it as the base of the next delta); equal to
    /// ``bundle`` when that is a snapshot.
    public var snapshot: [UInt8]
    /// The bundle's header.
    public var header: BundleHeader
    /// Entries (people) new, changed, unchanged since the previous version, and tags removed.
    public var added = 0, changed = 0, unchanged = 0, removed = 0
}

/// The issuer side: entries → signed bundle (protocol-docs/watchlist-bundle.md). scrypt runs on every
/// core; the rest is cheap.
public enum WatchlistSealer {
    /// Seals `entries` as the next version of a list. With `previous` (the bytes of the previous full
    /// snapshot, signed by the same key) it seals a delta against it — or with `options.rotate` a
    /// snapshot in a new key epoch. `progress(done, total)` is called from worker threads as entries are
    /// hashed. Two entries for the same person (same tag) are refused as ``WatchlistInputErrors``.
    public static func seal(
        _ entries: [WatchlistEntry], key: IssuerKey, options: SealOptions, previous: [UInt8]? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> SealedList {
        guard BundleHeader.isValidListId(options.listId) else {
            throw WatchlistError(.badInput, "名单编号无效（1–64 个字母、数字、. _ -）：\(options.listId)")
        }
        guard options.cost.isValid else { throw WatchlistError(.badInput, "scrypt 参数超出范围") }
        let prior = try previous.map { try ParsedBundle(bytes: $0) }
        if let prior {
            guard prior.header.kind == .snapshot else {
                throw WatchlistError(.badInput, "--previous 必须是完整名单（snapshot），不能是增量包")
            }
            guard prior.header.listId == options.listId else {
                throw WatchlistError(.badInput, "前一版本是名单 \(prior.header.listId)，不是 \(options.listId)")
            }
            guard prior.header.issuerKey == key.publicKey else {
                throw WatchlistError(.badInput, "前一版本不是用这把签发密钥签署的")
            }
        }
        let delta = prior != nil && !options.rotate
        let version = options.version ?? (prior.map { $0.header.version + 1 } ?? 1)
        if let prior, version <= prior.header.version {
            throw WatchlistError(.badInput, "版本 \(version) 必须大于前一版本 \(prior.header.version)")
        }
        var header = BundleHeader(
            kind: delta ? .delta : .snapshot, listId: options.listId, issuer: key.issuer, issuerKey: key.publicKey,
            version: version, previousVersion: prior?.header.version ?? 0,
            created: Int64(options.created.timeIntervalSince1970),
            validUntil: options.validUntil.map { Int64($0.timeIntervalSince1970) } ?? 0,
            keyEpoch: prior.map { $0.header.keyEpoch + (options.rotate ? 1 : 0) } ?? 1,
            cost: options.cost, salt: WatchlistCrypto.random(BundleHeader.saltLength),
            listKey: WatchlistCrypto.random(BundleHeader.keyLength), recordCount: 0)
        if delta, let prior {
            header.cost = prior.header.cost
            header.salt = prior.header.salt
            header.listKey = prior.header.listKey
        }
        let previousPayloads = delta ? prior!.payloads : [:]
        let results = try hashAll(entries, header: header, previous: previousPayloads, options: options, progress: progress)

        // Same person twice: refuse, naming both rows.
        var rowOfTag: [[UInt8]: Int] = [:]
        var duplicates: [WatchlistRowError] = []
        for (entry, result) in zip(entries, results) {
            for record in result.records {
                if let other = rowOfTag[record.tag] {
                    duplicates.append(WatchlistRowError(row: entry.row, column: "", message: "与第 \(other) 行是同一人（身份证号或姓名+出生日期相同）"))
                } else {
                    rowOfTag[record.tag] = entry.row
                }
            }
        }
        if !duplicates.isEmpty { throw WatchlistInputErrors(errors: duplicates) }

        var output = SealedList(bundle: [], snapshot: [], header: header)
        var snapshotRecords: [BundleRecord] = []
        var deltaRecords: [BundleRecord] = []
        for result in results {
            snapshotRecords += result.records
            switch result.change {
            case .added: output.added += 1
            case .changed: output.changed += 1
            case .unchanged: output.unchanged += 1
            }
            if result.change != .unchanged { deltaRecords += result.records }
        }
        if delta {
            for tag in previousPayloads.keys where rowOfTag[tag] == nil {
                deltaRecords.append(BundleRecord(operation: .remove, tag: tag, payload: []))
                output.removed += 1
            }
        }
        var snapshotHeader = header
        snapshotHeader.kind = .snapshot
        output.snapshot = try encode(snapshotHeader, snapshotRecords, key: key)
        if delta {
            output.bundle = try encode(header, deltaRecords, key: key)
            header.recordCount = UInt32(deltaRecords.count)
        } else {
            output.bundle = output.snapshot
            header.recordCount = UInt32(snapshotRecords.count)
        }
        output.header = header
        return output
    }

    /// Header, records sorted by tag, Ed25519 signature.
    static func encode(_ header: BundleHeader, _ records: [BundleRecord], key: IssuerKey) throws -> [UInt8] {
        var header = header
        header.recordCount = UInt32(records.count)
        let sorted = records.sorted { Array.tagPrecedes($0.tag, $1.tag) }
        var w = ByteWriter(capacity: 256 + records.reduce(0) { $0 + 35 + $1.payload.count } + 64)
        w.raw(BundleHeader.magic)
        w.u8(BundleHeader.formatVersion)
        header.encodeFields(into: &w)
        for record in sorted { record.encode(into: &w) }
        w.raw(try key.sign(SHA256.hash(data: w.bytes)))
        return w.bytes
    }

    enum Change { case added, changed, unchanged }

    struct EntryResult {
        var records: [BundleRecord] = []
        var change = Change.added
    }

    /// scrypt, tags and sealed details of every entry, on `options.threads` threads.
    static func hashAll(
        _ entries: [WatchlistEntry], header: BundleHeader, previous: [[UInt8]: [UInt8]], options: SealOptions,
        progress: (@Sendable (Int, Int) -> Void)?
    ) throws -> [EntryResult] {
        let box = ResultBox(count: entries.count)
        let done = Atomic<Int>(0)
        let next = Atomic<Int>(0)
        let listKey = SymmetricKey(data: header.listKey)
        let total = entries.count
        DispatchQueue.concurrentPerform(iterations: max(1, min(options.threads, total))) { _ in
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < total, box.error == nil else { return }
                do {
                    box.set(index, try seal(entries[index], header: header, listKey: listKey, previous: previous))
                } catch {
                    box.fail(error)
                }
                let finished = done.add(1, ordering: .relaxed).newValue
                progress?(finished, total)
            }
        }
        if let error = box.error { throw error }
        return box.results
    }

    static func seal(_ entry: WatchlistEntry, header: BundleHeader, listKey: SymmetricKey,
                     previous: [[UInt8]: [UInt8]]) throws -> EntryResult {
        var stretched: [(tag: [UInt8], key: SymmetricKey)] = []
        for input in [entry.identity.idInput, entry.identity.nameInput].compactMap({ $0 }) {
            let s = try WatchlistCrypto.stretch(input, salt: header.salt, cost: header.cost)
            stretched.append((WatchlistCrypto.tag(s, listKey: listKey), WatchlistCrypto.detailsKey(s, salt: header.salt)))
        }
        // A person already listed keeps their entry reference; unchanged details keep their sealed bytes.
        var prior: [(payload: [UInt8], details: WatchlistDetails)?] = []
        for (tag, key) in stretched {
            let plain = previous[tag].flatMap { WatchlistCrypto.open($0, key: key, listId: header.listId, tag: tag) }
            prior.append(try plain.map { (previous[tag]!, try WatchlistDetails(decoding: $0)) })
        }
        let ref = prior.compactMap { $0?.details.entryRef }.first ?? UUID()
        let details = entry.details(entryRef: ref)
        let plain = details.encoded
        var result = EntryResult()
        var unchanged = 0
        for ((tag, key), old) in zip(stretched, prior) {
            if let old, old.details == details {
                unchanged += 1
                result.records.append(BundleRecord(operation: .put, tag: tag, payload: old.payload))
            } else {
                let payload = try WatchlistCrypto.seal(plain, key: key, listId: header.listId, tag: tag)
                result.records.append(BundleRecord(operation: .put, tag: tag, payload: payload))
            }
        }
        result.change = unchanged == stretched.count ? .unchanged : (prior.contains { $0 != nil } ? .changed : .added)
        return result
    }
}

/// Results written by worker threads, each index once.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var results: [WatchlistSealer.EntryResult]
    private var failure: (any Error)?

    init(count: Int) { results = Array(repeating: .init(), count: count) }

    var error: (any Error)? { lock.withLock { failure } }
    func set(_ index: Int, _ value: WatchlistSealer.EntryResult) { lock.withLock { results[index] = value } }
    func fail(_ error: any Error) { lock.withLock { failure = failure ?? error } }
}

/// A whole bundle parsed in memory (the issuer's previous snapshot; tests). The signature is verified
/// against the key in its own header.
struct ParsedBundle {
    var header: BundleHeader
    var records: [BundleRecord]

    init(bytes: [UInt8]) throws {
        var r = ByteReader(bytes)
        guard Array(try r.take(4)) == BundleHeader.magic, try r.u8() == BundleHeader.formatVersion else {
            throw WatchlistError.malformed("不是名单包（文件头不符）")
        }
        header = try BundleHeader.decodeFields(&r)
        var records: [BundleRecord] = []
        for _ in 0..<header.recordCount {
            records.append(try BundleRecord.decode(&r, allowRemove: header.kind == .delta))
        }
        let body = bytes[..<r.offset]
        let signature = Array(try r.take(64))
        guard r.remaining == 0 else { throw WatchlistError.malformed("签名之后还有多余数据") }
        guard TrustedKeys.verify(signature: signature, digest: SHA256.hash(data: body), key: header.issuerKey) else {
            throw WatchlistError(.badSignature, "前一版本的签名验证失败")
        }
        self.records = records
    }

    /// Tag → sealed details of the put records.
    var payloads: [[UInt8]: [UInt8]] {
        var result: [[UInt8]: [UInt8]] = [:]
        for record in records where record.operation == .put { result[record.tag] = record.payload }
        return result
    }
}

import Crypto
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Checks people against every list in force in a ``WatchlistStore``: the intake paths (card read, desk
/// registration, manual entry) call ``check(_:now:)`` once per person.
///
/// A check normalises the identity, computes scrypt once per distinct (salt, cost) among the lists, then
/// for every list computes the tag, finds it by binary search in memory and, on a hit, reads and opens
/// the entry's sealed details. Only tags and file offsets are held in memory (about 44 bytes per entry);
/// details stay sealed on disk until a hit.
///
/// Timing: what a check costs does not depend on whether it hits in any way a kiosk could show. scrypt
/// (tens of milliseconds) dominates and is always done, whatever the result; the search has the same depth
/// either way; on a miss the record next to where the tag would be is read and opened with the key derived
/// as for a hit (and fails), so hits and misses do the same cryptography and I/O. A hit adds only the
/// decoding of its details (under a microsecond, far below the millisecond jitter of scrypt). Callers
/// must answer the kiosk the same way whatever the result, and write the alert without making the kiosk
/// wait for it (README.md, Watchlist).
public final class WatchlistChecker: Sendable {
    /// The store it reads.
    public let store: WatchlistStore
    /// The time zone of "today" for entries' `validUntil` dates.
    public let timeZone: TimeZone
    private let lists: Mutex<[LoadedList]>
    private let damaged: Mutex<[WatchlistError]>
    /// The time zone's offset from UTC, cached for the hour it was computed in.
    private let offset: Mutex<(hour: Int64, seconds: Int)>
    /// Today's `YYYY-MM-DD` and its local day number (days since 1970-01-01 in ``timeZone``).
    private let todayCache: Mutex<(day: Int64, text: String)>

    /// A checker over every list in `store`, loaded now. A damaged list file is left out and reported in
    /// ``problems`` (the other lists are still checked; the daemon raises an operator alarm).
    public init(store: WatchlistStore, timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!) throws {
        self.store = store
        self.timeZone = timeZone
        lists = Mutex([])
        damaged = Mutex([])
        offset = Mutex((hour: Int64.min, seconds: 0))
        todayCache = Mutex((day: Int64.min, text: ""))
        try reload()
    }

    /// Re-reads the lists from the store (after an import). The lists in force are replaced at once;
    /// checks running meanwhile finish on the previous set.
    public func reload() throws {
        var loaded: [LoadedList] = []
        var problems: [WatchlistError] = []
        for id in store.listIds() {
            do {
                loaded.append(try LoadedList(url: store.stateFile(id)))
            } catch let error as WatchlistError {
                problems.append(WatchlistError(.damaged, "名单 \(id) 无法加载，未参与比对：\(error.message)"))
            }
        }
        lists.withLock { $0 = loaded }
        damaged.withLock { $0 = problems }
    }

    /// The lists left out at the last load because their file is damaged (empty when all are in force).
    public var problems: [WatchlistError] { damaged.withLock { $0 } }

    /// The headers and entry counts of the loaded lists.
    public var loadedLists: [(header: BundleHeader, entryCount: Int)] {
        lists.withLock { $0.map { ($0.header, $0.count) } }
    }

    /// Checks one person against every list in force: ``prepare(_:now:)`` then ``lookup(_:now:)``.
    public func check(_ identity: WatchlistIdentity, now: Date = Date()) throws -> [WatchlistHit] {
        try lookup(prepare(identity, now: now), now: now)
    }

    /// The scrypt step of a check (the slow part): one scrypt per distinct (salt, cost) of the lists in
    /// force at `now`.
    public func prepare(_ identity: WatchlistIdentity, now: Date = Date()) throws -> PreparedIdentity {
        let active = lists.withLock { $0 }.filter { !$0.header.isExpired(at: now) }
        guard let input = identity.checkInput else {
            return PreparedIdentity(name: nil, byIdNumber: false, lists: [], stretched: [])
        }
        var cache: [[UInt8]: SymmetricKey] = [:]
        var stretched: [SymmetricKey] = []
        for list in active {
            let key = list.header.salt + [list.header.cost.log2N, list.header.cost.r, list.header.cost.p]
            if let s = cache[key] { stretched.append(s); continue }
            let s = try WatchlistCrypto.stretch(input, salt: list.header.salt, cost: list.header.cost)
            cache[key] = s
            stretched.append(s)
        }
        return PreparedIdentity(name: identity.normalizedName, byIdNumber: identity.idInput != nil, lists: active,
                                stretched: stretched)
    }

    /// The lookup step of a check (microseconds): per list the tag, the search, and reading and opening
    /// the record found (on a miss, the record next to where the tag would be, which does not open), then
    /// decoding the details of a hit. Hits and misses do the same work up to the decoding.
    public func lookup(_ prepared: PreparedIdentity, now: Date = Date()) throws -> [WatchlistHit] {
        var hits: [WatchlistHit] = []
        var today: String?
        for (list, stretched) in zip(prepared.lists, prepared.stretched) {
            guard let details = try list.match(stretched) else { continue }
            let day = today ?? self.today(now)
            today = day
            guard details.isInForce(on: day) else { continue }
            hits.append(WatchlistHit(listId: list.header.listId, listVersion: list.header.version,
                                     issuer: list.header.issuer, details: details,
                                     matchedBy: prepared.byIdNumber ? .idNumber : .nameAndBirthDate,
                                     nameConfirmed: details.name.flatMap { listed in prepared.name.map { $0 == listed } }))
        }
        return hits
    }

    /// `YYYY-MM-DD` of `date` in ``timeZone``, kept for the local day it was computed for.
    func today(_ date: Date) -> String {
        let offset = offsetFromUTC(at: date)
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(offset)
        let dayNumber = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        if let cached = todayCache.withLock({ $0.day == dayNumber ? $0.text : nil }) { return cached }
        let text = Self.day(date, offset)
        todayCache.withLock { $0 = (dayNumber, text) }
        return text
    }

    /// `YYYY-MM-DD` of `date` in `timeZone`, by arithmetic (H. Hinnant's civil-from-days): Foundation's
    /// Calendar costs several microseconds, more than the rest of a lookup.
    static func day(_ date: Date, _ offsetFromUTC: Int) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(offsetFromUTC)
        let z = (seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ width: Int) -> String {
            let text = String(v)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// ``timeZone``'s offset at `date` (Foundation's answer is slow on Linux: cached per hour).
    func offsetFromUTC(at date: Date) -> Int {
        let hour = Int64((date.timeIntervalSince1970 / 3600).rounded(.down))
        if let cached = offset.withLock({ $0.hour == hour ? $0.seconds : nil }) { return cached }
        let seconds = timeZone.secondsFromGMT(for: date)
        offset.withLock { $0 = (hour, seconds) }
        return seconds
    }

}

/// The result of the scrypt step of a check, for ``WatchlistChecker/lookup(_:now:)``.
public struct PreparedIdentity: @unchecked Sendable {
    /// The normalised name, to confirm against the listed (normalised) name.
    let name: String?
    let byIdNumber: Bool
    let lists: [LoadedList]
    let stretched: [SymmetricKey]
}

/// A person found on a list.
public struct WatchlistHit: Sendable, Hashable {
    /// How the person was matched.
    public enum Match: String, Sendable, Hashable, Codable {
        /// By the ID number tag.
        case idNumber
        /// By the name and birth-date tag (manual entries without a number).
        case nameAndBirthDate
    }

    /// The list and the version in force.
    public var listId: String, listVersion: UInt64
    /// The list's issuer.
    public var issuer: String
    /// The decrypted details of the entry.
    public var details: WatchlistDetails
    /// Which tag matched.
    public var matchedBy: Match
    /// Whether the checked name equals the listed name (nil when either is missing): a false here on an
    /// ID-number hit means the card's name differs from the list's, for the police to confirm.
    public var nameConfirmed: Bool?
}

/// One list loaded for matching: its header, the sorted tags in one flat buffer, and where each entry's
/// sealed details are in the state file (read with `pread` on a hit).
final class LoadedList: @unchecked Sendable {
    let header: BundleHeader
    /// HMAC-SHA256 keyed with the list key (key schedule done once), for the tags.
    let tagKey: HMACKey
    /// The HKDF info of the details keys: `"renfang-watchlist-details-v1" || salt`.
    let detailsInfo: [UInt8]
    /// `listId || 0x00`: the start of every record's additional data (the tag follows).
    let additionalDataPrefix: [UInt8]
    let count: Int
    private let tags: [UInt64]
    /// `buckets[b] ..< buckets[b + 1]`: the entries whose tag starts with the 16 bits `b` (256 KiB, so a
    /// search touches a few cache lines instead of ~20 scattered over the whole tag array).
    private let buckets: [UInt32]
    private let offsets: [UInt64]
    private let lengths: [UInt16]
    private let fd: Int32

    init(url: URL) throws {
        var file = try ChunkedFile(url: url)
        defer { file.close() }
        guard try file.bytes(4) == BundleHeader.stateMagic, try file.u8() == BundleHeader.formatVersion else {
            throw WatchlistError(.damaged, "名单文件已损坏：\(url.path)")
        }
        header = try BundleHeader.decodeFields(&file)
        tagKey = HMACKey(SymmetricKey(data: header.listKey))
        detailsInfo = WatchlistCrypto.detailsInfo + header.salt
        additionalDataPrefix = Array(header.listId.utf8) + [0]
        _ = try file.i64()
        var tags: [UInt64] = [], offsets: [UInt64] = [], lengths: [UInt16] = []
        while try file.u8() != 0 {
            try file.withBytes(BundleRecord.tagLength) { tag in
                var i = tag.startIndex
                for _ in 0..<4 {
                    tags.append(tag[i..<i + 8].reduce(0) { $0 << 8 | UInt64($1) })
                    i += 8
                }
            }
            let length = try file.u16()
            offsets.append(file.consumed)
            lengths.append(length)
            try file.withBytes(Int(length)) { _ in }
        }
        let count = try file.u32()
        let digest = Array(file.digest())
        guard Int(count) == lengths.count, try file.bytes(32) == digest, try file.atEnd() else {
            throw WatchlistError(.damaged, "名单文件已损坏（校验和不符）：\(url.path)")
        }
        self.count = lengths.count
        var buckets = [UInt32](repeating: 0, count: 65_537)
        var entry = 0
        for bucket in 0..<65_536 {
            buckets[bucket] = UInt32(entry)
            while entry < lengths.count, Int(tags[4 * entry] >> 48) == bucket { entry += 1 }
        }
        buckets[65_536] = UInt32(entry)
        self.buckets = buckets
        self.tags = tags
        self.offsets = offsets
        self.lengths = lengths
        fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw WatchlistError(.storage, "无法打开名单文件 \(url.path)") }
        Self.activatePageCache(fd)
    }

    /// Reads every page of the file twice, one page per read, so that the kernel moves each page to its
    /// active list now rather than during a lookup.
    ///
    /// A buffered read of a page that was already read once since it entered the cache activates it. The
    /// kernel (classic LRU) does that in per-CPU batches of 31 pages, and the read that fills a batch
    /// moves the 31 pages under the LRU lock, about 9 µs on the appliance. Without this, about one lookup
    /// in 31 after a load (every first record read of a page) paid that: `pread` p99 9–17 µs against
    /// p50 1.4 µs (watchlist-bench). `posix_fadvise(WILLNEED)` brings pages in without activating them,
    /// and one page per read is needed because a larger read marks only part of its pages. Active pages
    /// are also the last the kernel reclaims, so a hit rarely waits on the disk. Costs about 80 ms per
    /// 150 MB (1,000,000 records) at load; pages already active (a reload) cost only the reads.
    static func activatePageCache(_ fd: Int32) {
        let page = max(4096, sysconf(Int32(_SC_PAGESIZE)))
        withUnsafeTemporaryAllocation(byteCount: page, alignment: page) { buffer in
            for _ in 0..<2 {
                var offset: off_t = 0
                while true {
                    let n = pread(fd, buffer.baseAddress, page, offset)
                    if n <= 0 { break }
                    offset += off_t(n)
                }
            }
        }
    }

    deinit { close(fd) }

    /// One list's part of a lookup: the tag of `stretched`, the search, then the record found read with
    /// `pread` and opened with the details key, whether the tag was found or not (on a miss the record
    /// next to where the tag would be does not open: another key, another tag in its additional data).
    /// The details of a hit, or nil. Buffers are on the stack: no allocation besides swift-crypto's.
    func match(_ stretched: SymmetricKey) throws -> WatchlistDetails? {
        guard count > 0 else { return nil }
        let key = WatchlistCrypto.detailsKey(stretched, info: detailsInfo)
        let prefix = additionalDataPrefix.count
        return try withUnsafeTemporaryAllocation(byteCount: prefix + BundleRecord.tagLength, alignment: 8) { aad in
            additionalDataPrefix.withUnsafeBytes { aad.copyMemory(from: $0) }
            let tag = UnsafeMutableRawBufferPointer(rebasing: aad[prefix...])
            stretched.withUnsafeBytes { s in
                tagKey.authenticate(s).withUnsafeBytes { tag.copyMemory(from: $0) }
            }
            let (index, found) = search(UnsafeRawBufferPointer(tag))
            let entry = Swift.min(index, count - 1)
            let length = Int(lengths[entry])
            return try withUnsafeTemporaryAllocation(byteCount: length, alignment: 8) { payload in
                let n = pread(fd, payload.baseAddress, length, off_t(offsets[entry]))
                guard n == length else { throw WatchlistError(.storage, "读取名单文件失败") }
                let plain = WatchlistCrypto.open(UnsafeRawBufferPointer(payload), key: key,
                                                 additionalData: UnsafeRawBufferPointer(aad))
                guard found, let plain else { return nil }
                return try plain.withUnsafeBytes { try WatchlistDetails(decoding: $0) }
            }
        }
    }

    /// Binary search within the tag's 16-bit bucket: the index of `tag` (found) or where it would be
    /// inserted. The number of steps depends only on the bucket's size, never on the result.
    func search(_ tag: UnsafeRawBufferPointer) -> (Int, Bool) {
        let key = (UInt64(bigEndian: tag.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                   UInt64(bigEndian: tag.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                   UInt64(bigEndian: tag.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
                   UInt64(bigEndian: tag.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
        let bucket = Int(key.0 >> 48)
        var low = Int(buckets[bucket]), high = Int(buckets[bucket + 1])
        return tags.withUnsafeBufferPointer { t in
            while low < high {
                let mid = (low + high) / 2
                let e = (t[4 * mid], t[4 * mid + 1], t[4 * mid + 2], t[4 * mid + 3])
                if e < key { low = mid + 1 } else { high = mid }
            }
            let found = low < count && (t[4 * low], t[4 * low + 1], t[4 * low + 2], t[4 * low + 3]) == key
            return (low, found)
        }
    }
}

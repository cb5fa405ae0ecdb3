import Foundation

/// A full snapshot of a list, or a delta against a named previous version.
public enum BundleKind: UInt8, Sendable, Hashable, Codable {
    /// Every entry of the list at this version.
    case snapshot = 1
    /// Entries added or changed, and entries removed, since `previousVersion`.
    case delta = 2
}

/// The header of a watchlist bundle (protocol-docs/watchlist-bundle.md, "Header"). Everything in it is
/// covered by the issuer's signature. None of it identifies a listed person.
public struct BundleHeader: Sendable, Hashable {
    /// Snapshot or delta.
    public var kind: BundleKind
    /// The list's id: 1–64 of `A–Z a–z 0–9 . _ -` (also the file name on the appliance).
    public var listId: String
    /// The issuer's name, e.g. `某某分局` (informational; trust comes from ``issuerKey``).
    public var issuer: String
    /// The issuer's Ed25519 public key (32 bytes).
    public var issuerKey: [UInt8]
    /// The version of the list this bundle brings it to (≥ 1, increasing).
    public var version: UInt64
    /// For a delta, the version it applies to; for a snapshot 0 (none) or the version it replaces.
    public var previousVersion: UInt64
    /// When it was sealed (Unix seconds).
    public var created: Int64
    /// When the whole list stops being in force (Unix seconds), or 0 for no end.
    public var validUntil: Int64
    /// The key epoch: salt, list key and cost change only with a new epoch (a new snapshot).
    public var keyEpoch: UInt32
    /// The scrypt cost.
    public var cost: ScryptCost
    /// The scrypt salt of the epoch (16 bytes).
    public var salt: [UInt8]
    /// The HMAC key of the epoch's tags (32 bytes).
    public var listKey: [UInt8]
    /// The number of records that follow.
    public var recordCount: UInt32

    static let magic = Array("RFWL".utf8)
    static let stateMagic = Array("RFWS".utf8)
    static let formatVersion: UInt8 = 1
    static let saltLength = 16
    static let keyLength = 32

    /// Whether `id` may name a list: 1–64 of `A–Z a–z 0–9 . _ -`, not starting with a dot.
    public static func isValidListId(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard (1...64).contains(bytes.count), bytes.first != UInt8(ascii: ".") else { return false }
        return bytes.allSatisfy { b in
            (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
        }
    }

    /// Whether the whole list has expired at `now`.
    public func isExpired(at now: Date) -> Bool {
        validUntil != 0 && Int64(now.timeIntervalSince1970) > validUntil
    }

    /// The fields after the magic and format byte.
    func encodeFields(into w: inout ByteWriter) {
        w.u8(kind.rawValue)
        w.short(listId)
        w.short(issuer)
        w.raw(issuerKey)
        w.u64(version)
        w.u64(previousVersion)
        w.i64(created)
        w.i64(validUntil)
        w.u32(keyEpoch)
        w.u8(cost.log2N)
        w.u8(cost.r)
        w.u8(cost.p)
        w.u8(UInt8(salt.count))
        w.raw(salt)
        w.raw(listKey)
        w.u32(recordCount)
    }

    /// Decodes the fields after the magic and format byte, checking every range.
    static func decodeFields(_ r: inout some HeaderSource) throws -> BundleHeader {
        guard let kind = BundleKind(rawValue: try r.u8()) else { throw WatchlistError.malformed("类型未知") }
        let listId = try r.short()
        guard isValidListId(listId) else { throw WatchlistError.malformed("名单编号无效") }
        let issuer = try r.short()
        let issuerKey = try r.bytes(keyLength)
        let version = try r.u64()
        let previous = try r.u64()
        let created = try r.i64()
        let validUntil = try r.i64()
        let epoch = try r.u32()
        let cost = ScryptCost(log2N: try r.u8(), r: try r.u8(), p: try r.u8())
        guard cost.isValid else { throw WatchlistError.malformed("scrypt 参数超出范围") }
        let saltLength = Int(try r.u8())
        guard saltLength == Self.saltLength else { throw WatchlistError.malformed("盐长度错误") }
        let salt = try r.bytes(saltLength)
        let listKey = try r.bytes(keyLength)
        let count = try r.u32()
        guard version >= 1 else { throw WatchlistError.malformed("版本号必须 ≥ 1") }
        if kind == .delta, !(1..<version).contains(previous) {
            throw WatchlistError.malformed("增量包的前一版本无效")
        }
        if kind == .snapshot, previous >= version { throw WatchlistError.malformed("前一版本不小于本版本") }
        return BundleHeader(kind: kind, listId: listId, issuer: issuer, issuerKey: issuerKey, version: version,
                            previousVersion: previous, created: created, validUntil: validUntil, keyEpoch: epoch,
                            cost: cost, salt: salt, listKey: listKey, recordCount: count)
    }

    /// Whether a delta with this header can apply on top of `current` (same issuer key, epoch, salt,
    /// cost and list key).
    func sharesEpoch(with current: BundleHeader) -> Bool {
        issuerKey == current.issuerKey && keyEpoch == current.keyEpoch && salt == current.salt
            && cost == current.cost && listKey == current.listKey
    }
}

/// One record: a tag with its sealed details (put), or a tag to remove (delta only).
struct BundleRecord: Sendable, Hashable {
    enum Operation: UInt8 {
        case put = 1
        case remove = 2
    }

    var operation: Operation
    /// HMAC-SHA256 tag (32 bytes).
    var tag: [UInt8]
    /// `nonce | ciphertext | GCM tag` (put), empty (remove).
    var payload: [UInt8]

    static let tagLength = 32
    /// Nonce and GCM tag.
    static let minimumPayload = 12 + 16

    func encode(into w: inout ByteWriter) {
        w.u8(operation.rawValue)
        w.raw(tag)
        w.u16(UInt16(payload.count))
        w.raw(payload)
    }

    static func decode(_ r: inout some HeaderSource, allowRemove: Bool) throws -> BundleRecord {
        guard let op = Operation(rawValue: try r.u8()), allowRemove || op == .put else {
            throw WatchlistError.malformed("记录类型无效")
        }
        let tag = try r.bytes(tagLength)
        let length = Int(try r.u16())
        if op == .put, length < minimumPayload { throw WatchlistError.malformed("条目详情过短") }
        if op == .remove, length != 0 { throw WatchlistError.malformed("删除记录不应带详情") }
        return BundleRecord(operation: op, tag: tag, payload: try r.bytes(length))
    }
}

/// Where header and record fields are read from: bytes in memory or a file streamed in chunks.
protocol HeaderSource {
    mutating func bytes(_ n: Int) throws -> [UInt8]
}

extension HeaderSource {
    mutating func u8() throws -> UInt8 { try bytes(1)[0] }
    mutating func u16() throws -> UInt16 { try bytes(2).reduce(0) { $0 << 8 | UInt16($1) } }
    mutating func u32() throws -> UInt32 { try bytes(4).reduce(0) { $0 << 8 | UInt32($1) } }
    mutating func u64() throws -> UInt64 { try bytes(8).reduce(0) { $0 << 8 | UInt64($1) } }
    mutating func i64() throws -> Int64 { Int64(bitPattern: try u64()) }
    mutating func short() throws -> String {
        let b = try bytes(Int(u8()))
        guard let s = String(validating: b, as: UTF8.self) else { throw WatchlistError.malformed("文字不是 UTF-8") }
        return s
    }
}

extension ByteReader: HeaderSource {
    mutating func bytes(_ n: Int) throws -> [UInt8] { Array(try take(n)) }
}

extension Array where Element == UInt8 {
    /// Strict byte-wise order of tags.
    static func tagPrecedes(_ a: [UInt8], _ b: [UInt8]) -> Bool { a.lexicographicallyPrecedes(b) }
}

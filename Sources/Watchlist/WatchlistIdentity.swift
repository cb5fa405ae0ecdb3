import Foundation
import IDCard

/// Who is being checked (or listed): an ID number, or a name with a birth date (manual entries without
/// a number), or both. Everything is normalised before it is hashed, so a typed `440106…x`, a 15-digit
/// number and the card's 18-digit number give the same tag.
public struct WatchlistIdentity: Sendable, Hashable {
    /// The ID number as read or typed.
    public var idNumber: String?
    /// The name as read or typed.
    public var name: String?
    /// The birth date, `YYYY-MM-DD` or `YYYYMMDD`.
    public var birthDate: String?

    /// An identity.
    public init(idNumber: String? = nil, name: String? = nil, birthDate: String? = nil) {
        self.idNumber = idNumber
        self.name = name
        self.birthDate = birthDate
    }

    /// The ID number normalised (``IDNumber/normalize(_:)``: trimmed, full-width → ASCII, `x` → `X`,
    /// 15 → 18), or nil when blank.
    public var normalizedID: String? {
        guard let idNumber else { return nil }
        let n = IDNumber.normalize(idNumber)
        return n.isEmpty ? nil : n
    }

    /// The name normalised: NFC, whitespace removed, full-width ASCII → ASCII, Latin upper-cased, the
    /// middle-dot variants of minority names (`•`, `・`, `．`, `.`) → `·`. Nil when blank.
    public var normalizedName: String? {
        guard let name else { return nil }
        var scalars = String.UnicodeScalarView()
        for scalar in name.precomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.isWhitespace { continue }
            var value = scalar.value
            if (0xFF01...0xFF5E).contains(value) { value -= 0xFEE0 }
            if (0x61...0x7A).contains(value) { value -= 0x20 }
            if [0x2022, 0x30FB, 0xFF0E, 0x2E, 0x2027, 0x00B7].contains(value) { value = 0x00B7 }
            scalars.append(Unicode.Scalar(value) ?? scalar)
        }
        let result = String(scalars)
        return result.isEmpty ? nil : result
    }

    /// The birth date as 8 digits `YYYYMMDD` (given, or else taken from an 18-character ID number), or nil.
    public var normalizedBirthDate: String? {
        if let birthDate {
            let digits = birthDate.unicodeScalars.filter { ("0"..."9").contains($0) }
            if digits.count == 8 { return String(String.UnicodeScalarView(digits)) }
            return nil
        }
        if let id = normalizedID, let date = IDNumber.birthDate(of: id), case let .date(y, m, d) = date {
            return String(format: "%04d%02d%02d", y, m, d)
        }
        return nil
    }

    /// The scrypt input of the ID tag: `"I:" + normalised number`.
    var idInput: [UInt8]? { normalizedID.map { Array("I:\($0)".utf8) } }

    /// The scrypt input of the name tag: `"N:" + normalised name + "|" + YYYYMMDD`.
    var nameInput: [UInt8]? {
        guard let name = normalizedName, let birth = normalizedBirthDate else { return nil }
        return Array("N:\(name)|\(birth)".utf8)
    }

    /// The input a check hashes: the ID tag when there is a number, else the name tag.
    var checkInput: [UInt8]? { idInput ?? nameInput }
}

/// 预警级别 of a listed person: 1 is the most urgent.
public enum WatchlistLevel: UInt8, Sendable, Hashable, Codable, CaseIterable {
    /// 一级：立即处置.
    case one = 1
    /// 二级：及时核查.
    case two = 2
    /// 三级：关注.
    case three = 3

    /// `一级` / `二级` / `三级`.
    public var label: String {
        switch self {
        case .one: "一级"
        case .two: "二级"
        case .three: "三级"
        }
    }
}

/// The sealed part of an entry: decrypted only when a card (or a name and birth date) of that person is
/// checked. Never stored in clear on the appliance.
public struct WatchlistDetails: Sendable, Hashable, Codable {
    /// 类别, e.g. `稳控人员`, `可疑人员`.
    public var category: String
    /// 预警级别.
    public var level: WatchlistLevel
    /// 处置要求 for the police.
    public var instructions: String
    /// The listed name, for confirmation against the card.
    public var name: String?
    /// The listed birth date `YYYY-MM-DD`, for confirmation.
    public var birthDate: String?
    /// Last day the entry is in force (`YYYY-MM-DD`, inclusive), or nil.
    public var validUntil: String?
    /// A random reference of the entry, stable across versions of the list: alerts name it (instead of the
    /// person) and repeated scans of the same person are grouped by it.
    public var entryRef: UUID

    /// Details.
    public init(category: String, level: WatchlistLevel, instructions: String, name: String? = nil,
                birthDate: String? = nil, validUntil: String? = nil, entryRef: UUID = UUID()) {
        self.category = category
        self.level = level
        self.instructions = instructions
        self.name = name
        self.birthDate = birthDate
        self.validUntil = validUntil
        self.entryRef = entryRef
    }

    /// Whether the entry is in force on `day` (`YYYY-MM-DD`).
    public func isInForce(on day: String) -> Bool {
        validUntil.map { day <= $0 } ?? true
    }

    /// Binary encoding (protocol-docs/watchlist-bundle.md, "Details").
    var encoded: [UInt8] {
        var w = ByteWriter(capacity: 64 + instructions.utf8.count)
        w.u8(1)
        w.raw(withUnsafeBytes(of: entryRef.uuid) { Array($0) })
        w.u8(level.rawValue)
        w.short(category)
        w.long(instructions)
        w.short(name ?? "")
        w.short(birthDate ?? "")
        w.short(validUntil ?? "")
        return w.bytes
    }

    init(decoding bytes: [UInt8]) throws {
        self = try bytes.withUnsafeBytes { try WatchlistDetails(decoding: $0) }
    }

    /// Decodes the binary encoding straight from the opened plaintext (no intermediate arrays).
    init(decoding bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        func take(_ n: Int) throws -> UnsafeRawBufferPointer {
            guard n >= 0, bytes.count - offset >= n else { throw WatchlistError.malformed("数据不完整") }
            defer { offset += n }
            return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + n])
        }
        func text(_ n: Int) throws -> String {
            let bytes = try take(n).assumingMemoryBound(to: UInt8.self)
            // The fast contiguous decoder repairs bad UTF-8: the text is valid when nothing was repaired.
            let s = String(decoding: bytes, as: UTF8.self)
            guard s.utf8.elementsEqual(bytes) else { throw WatchlistError.malformed("文字不是 UTF-8") }
            return s
        }
        func u8() throws -> UInt8 { try take(1)[0] }
        func short() throws -> String { try text(Int(u8())) }
        guard try u8() == 1 else { throw WatchlistError.malformed("条目详情版本未知") }
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let u = try take(16)
        withUnsafeMutableBytes(of: &uuid) { $0.copyMemory(from: u) }
        entryRef = UUID(uuid: uuid)
        guard let level = WatchlistLevel(rawValue: try u8()) else { throw WatchlistError.malformed("预警级别无效") }
        self.level = level
        category = try short()
        let long = try take(2)
        instructions = try text(Int(long[0]) << 8 | Int(long[1]))
        let n = try short(), b = try short(), v = try short()
        name = n.isEmpty ? nil : n
        birthDate = b.isEmpty ? nil : b
        validUntil = v.isEmpty ? nil : v
    }
}

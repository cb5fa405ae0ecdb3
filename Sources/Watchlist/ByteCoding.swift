import Foundation

/// Big-endian writing of the bundle and state encodings.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { bytes.append(UInt8(v >> 8)); bytes.append(UInt8(v & 0xFF)) }
    mutating func u32(_ v: UInt32) { for s in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8((v >> UInt32(s)) & 0xFF)) } }
    mutating func u64(_ v: UInt64) { for s in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((v >> UInt64(s)) & 0xFF)) } }
    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    mutating func raw(_ v: some Sequence<UInt8>) { bytes.append(contentsOf: v) }
    /// A string with a 1-byte length (≤ 255 bytes of UTF-8).
    mutating func short(_ s: String) { let b = Array(s.utf8.prefix(255)); u8(UInt8(b.count)); raw(b) }
    /// A string with a 2-byte length (≤ 65535 bytes of UTF-8).
    mutating func long(_ s: String) { let b = Array(s.utf8.prefix(65535)); u16(UInt16(b.count)); raw(b) }
}

/// Big-endian reading over a byte buffer; every read past the end throws ``WatchlistError/Code/malformed``.
struct ByteReader {
    let bytes: [UInt8]
    var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, remaining >= n else { throw WatchlistError.malformed("数据不完整") }
        defer { offset += n }
        return bytes[offset..<offset + n]
    }

    mutating func long() throws -> String { try text(Int(u16())) }

    private mutating func text(_ n: Int) throws -> String {
        guard let s = String(validating: try take(n), as: UTF8.self) else { throw WatchlistError.malformed("文字不是 UTF-8") }
        return s
    }
}

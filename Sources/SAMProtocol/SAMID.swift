/// The 16-byte SAM ID returned by `12 FF`.
///
/// Laid out as little-endian u16 a, u16 b, u32 c, u32 d, u32 e and printed `%02d.%02d-%08d-%010d-%010d`.
public struct SAMID: Hashable, Sendable, CustomStringConvertible {
    public var a: UInt16, b: UInt16, c: UInt32, d: UInt32, e: UInt32

    public init(a: UInt16, b: UInt16, c: UInt32, d: UInt32, e: UInt32) {
        self.a = a; self.b = b; self.c = c; self.d = d; self.e = e
    }

    /// Parses the 16 data bytes; nil for any other length.
    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        let v = Array(bytes)
        guard v.count == 16 else { return nil }
        func u16(_ i: Int) -> UInt16 { UInt16(v[i]) | UInt16(v[i + 1]) << 8 }
        func u32(_ i: Int) -> UInt32 {
            UInt32(v[i]) | UInt32(v[i + 1]) << 8 | UInt32(v[i + 2]) << 16 | UInt32(v[i + 3]) << 24
        }
        self.init(a: u16(0), b: u16(2), c: u32(4), d: u32(8), e: u32(12))
    }

    /// The 16 bytes as the SAM sends them.
    public var bytes: [UInt8] {
        func le16(_ x: UInt16) -> [UInt8] { [UInt8(x & 0xFF), UInt8(x >> 8)] }
        func le32(_ x: UInt32) -> [UInt8] { (0..<4).map { UInt8((x >> (8 * $0)) & 0xFF) } }
        return le16(a) + le16(b) + le32(c) + le32(d) + le32(e)
    }

    /// `%02d.%02d-%08d-%010d-%010d`, e.g. `05.01-20101018-0012345678-1234567890`.
    public var description: String {
        func pad(_ n: some BinaryInteger, _ w: Int) -> String {
            let s = String(n)
            return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
        }
        return "\(pad(a, 2)).\(pad(b, 2))-\(pad(c, 8))-\(pad(d, 10))-\(pad(e, 10))"
    }
}

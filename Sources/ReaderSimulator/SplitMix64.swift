/// A small, fast, seeded pseudo-random generator (SplitMix64, Steele/Lea/Flood 2014).
///
/// The same seed always gives the same sequence, on every platform and toolchain: the simulator's decks,
/// photos and garbage bytes depend only on it. The helpers below draw from ``next()`` with fixed
/// arithmetic (not the standard library's `random(in:using:)`, whose algorithm may change between
/// toolchains), so a seed keeps producing the same cards.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    /// The internal state; advancing it by a constant and mixing gives the next value.
    public private(set) var state: UInt64

    /// A generator seeded with `seed`.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// The next 64 pseudo-random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (multiply-high reduction; `bound` must be positive).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A value in `range`.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// True with probability `percent`/100.
    public mutating func chance(percent: Int) -> Bool {
        below(100) < percent
    }

    /// One element of a non-empty collection.
    public mutating func pick<C: Collection>(_ items: C) -> C.Element {
        precondition(!items.isEmpty, "cannot pick from an empty collection")
        return items[items.index(items.startIndex, offsetBy: below(items.count))]
    }

    /// `count` pseudo-random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            var word = next()
            for _ in 0..<min(8, count - out.count) {
                out.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return out
    }

    /// A seed derived from a base seed and a name (FNV-1a of the UTF-8 bytes, mixed with the base), so
    /// each named deck entry has its own stream and does not shift when other entries change.
    public static func seed(_ base: UInt64, _ name: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        var mixer = SplitMix64(seed: base ^ hash)
        return mixer.next()
    }
}

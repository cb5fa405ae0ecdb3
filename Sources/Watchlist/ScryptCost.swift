/// The scrypt cost of a list: N = 2^`log2N`, block size `r`, parallelism `p`. Chosen by the issuer at
/// sealing time and carried in the bundle header; every check pays it once per distinct (salt, cost).
public struct ScryptCost: Sendable, Hashable, Codable, CustomStringConvertible {
    /// log₂ of the CPU/memory cost N (1…24).
    public var log2N: UInt8
    /// Block size r (1…32).
    public var r: UInt8
    /// Parallelism p (1…16).
    public var p: UInt8

    /// A cost.
    public init(log2N: UInt8, r: UInt8 = 8, p: UInt8 = 1) {
        self.log2N = log2N
        self.r = r
        self.p = p
    }

    /// The default cost: N = 2^14, r = 12, p = 1 (24 MiB; about 20–50 ms per check on the appliance, see
    /// the `watchlist-bench` figures in README.md).
    public static let standard = ScryptCost(log2N: 14, r: 12, p: 1)

    /// A cheap cost for tests and benchmarks of import (never for real lists).
    public static let testing = ScryptCost(log2N: 1, r: 1, p: 1)

    /// Whether the parameters are within the accepted bounds.
    public var isValid: Bool { (1...24).contains(log2N) && (1...32).contains(r) && (1...16).contains(p) }

    /// The memory scrypt needs, in bytes (128 · r · N · p, plus the block buffer).
    public var memory: Int { 128 * Int(r) * (1 << Int(log2N)) * Int(p) + 128 * Int(r) * Int(p) + 1024 * 1024 }

    /// `N=2^14 r=12 p=1`.
    public var description: String { "N=2^\(log2N) r=\(r) p=\(p)" }
}

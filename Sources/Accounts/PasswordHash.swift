import Crypto
import Foundation
import _CryptoExtras

/// The cost of scrypt (N = 2^log2N, r, p). Stored with every hash, so the cost can be raised later:
/// a hash made with a lower cost still verifies and is re-hashed at the next successful login.
public struct ScryptParameters: Sendable, Hashable, CustomStringConvertible {
    /// log2 of N (CPU/memory cost).
    public var log2N: Int
    /// Block size.
    public var r: Int
    /// Parallelism.
    public var p: Int

    /// Parameters.
    public init(log2N: Int, r: Int, p: Int) {
        self.log2N = log2N
        self.r = r
        self.p = p
    }

    /// The appliance's cost: N = 2^14, r = 8, p = 1 (16 MiB, a few tens of milliseconds per hash).
    public static let standard = ScryptParameters(log2N: 14, r: 8, p: 1)
    /// A tiny cost for tests only.
    public static let testing = ScryptParameters(log2N: 4, r: 1, p: 1)

    /// Memory scrypt needs (128 · N · r bytes), with headroom.
    var memory: Int { 128 * (1 << log2N) * r * max(1, p) + (1 << 20) }

    /// Whether these are at least `other` in every dimension.
    func isAtLeast(_ other: ScryptParameters) -> Bool {
        log2N >= other.log2N && r >= other.r && p >= other.p
    }

    /// Sane bounds for values read back from the database.
    var isPlausible: Bool { (1...22).contains(log2N) && (1...32).contains(r) && (1...16).contains(p) }

    public var description: String { "ln=\(log2N),r=\(r),p=\(p)" }
}

/// A password hash as stored: `$scrypt$ln=14,r=8,p=1$<salt, base64>$<32-byte key, base64>` with a per-user
/// random 16-byte salt.
public struct PasswordHash: Sendable, Hashable {
    /// The cost it was made with.
    public var parameters: ScryptParameters
    /// The salt.
    public var salt: [UInt8]
    /// The derived key.
    public var key: [UInt8]

    static let keyLength = 32
    static let saltLength = 16

    /// Hashes `password` with a new random salt.
    public static func make(_ password: String, parameters: ScryptParameters) throws -> PasswordHash {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<saltLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return PasswordHash(parameters: parameters, salt: salt, key: try derive(password, salt: salt, parameters: parameters))
    }

    /// Whether `password` gives this hash (constant-time comparison).
    public func verify(_ password: String) -> Bool {
        guard let candidate = try? Self.derive(password, salt: salt, parameters: parameters),
              candidate.count == key.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(candidate, key) { difference |= a ^ b }
        return difference == 0
    }

    /// The stored text.
    public var encoded: String {
        "$scrypt$\(parameters)$\(Data(salt).base64EncodedString())$\(Data(key).base64EncodedString())"
    }

    /// Parses the stored text; `nil` when it is not a scrypt hash of this format.
    public init?(encoded text: String) {
        let parts = text.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "scrypt",
              let salt = Data(base64Encoded: String(parts[3])), let key = Data(base64Encoded: String(parts[4])),
              !salt.isEmpty, key.count == Self.keyLength
        else { return nil }
        var values: [String: Int] = [:]
        for item in parts[2].split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, let value = Int(pair[1]) else { return nil }
            values[String(pair[0])] = value
        }
        guard let ln = values["ln"], let r = values["r"], let p = values["p"] else { return nil }
        let parameters = ScryptParameters(log2N: ln, r: r, p: p)
        guard parameters.isPlausible else { return nil }
        self.init(parameters: parameters, salt: Array(salt), key: Array(key))
    }

    init(parameters: ScryptParameters, salt: [UInt8], key: [UInt8]) {
        self.parameters = parameters
        self.salt = salt
        self.key = key
    }

    static func derive(_ password: String, salt: [UInt8], parameters: ScryptParameters) throws -> [UInt8] {
        let derived = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: keyLength, rounds: 1 << parameters.log2N,
            blockSize: parameters.r, parallelism: parameters.p, maxMemory: parameters.memory)
        return derived.withUnsafeBytes { Array($0) }
    }
}

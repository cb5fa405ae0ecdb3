import Crypto
import _CryptoExtras
import Foundation

/// The cryptography of a list (protocol-docs/watchlist-bundle.md, "Cryptography"):
///
/// - `s = scrypt(input, salt, N, r, p)`, 32 bytes, where `input` is `"I:" + normalised ID number` or
///   `"N:" + normalised name + "|" + YYYYMMDD`;
/// - `tag = HMAC-SHA256(listKey, s)`;
/// - details key `= HKDF-SHA256-Expand(prk: s, info: "renfang-watchlist-details-v1" || salt, 32 bytes)`
///   (RFC 5869 §3.3: `s` is already a uniformly random 32-byte key, so the extract step is skipped);
/// - details sealed with AES-256-GCM (random 12-byte nonce), additional data `listId | 0x00 | tag`.
enum WatchlistCrypto {
    static let detailsInfo = Array("renfang-watchlist-details-v1".utf8)
    static let signatureDomain = Array("renfang-watchlist-bundle-v1".utf8)

    /// The scrypt output for one input.
    static func stretch(_ input: [UInt8], salt: [UInt8], cost: ScryptCost) throws -> SymmetricKey {
        try KDF.Scrypt.deriveKey(from: input, salt: salt, outputByteCount: 32, rounds: 1 << Int(cost.log2N),
                                 blockSize: Int(cost.r), parallelism: Int(cost.p), maxMemory: cost.memory)
    }

    /// The entry tag of a scrypt output under a list key.
    static func tag(_ stretched: SymmetricKey, listKey: SymmetricKey) -> [UInt8] {
        stretched.withUnsafeBytes { Array(HMACKey(listKey).authenticate($0)) }
    }

    /// The key sealing an entry's details: HKDF-Expand of the scrypt output (a uniformly random key, so
    /// HKDF-Extract adds nothing, RFC 5869 §3.3), with the salt in the info.
    static func detailsKey(_ stretched: SymmetricKey, salt: [UInt8]) -> SymmetricKey {
        detailsKey(stretched, info: detailsInfo + salt)
    }

    /// The details key with the info (`"renfang-watchlist-details-v1" || salt`) already built.
    ///
    /// HKDF-Expand (RFC 5869 §2.3) of L = 32 bytes with SHA-256 is its first block alone,
    /// `T(1) = HMAC-SHA256(PRK, info || 0x01)`: one HMAC, computed here without the generic HKDF and HMAC
    /// types (their allocations and unspecialised calls were most of a lookup). The bytes are the same as
    /// `HKDF<SHA256>.expand(pseudoRandomKey:info:outputByteCount: 32)` (tested against it).
    static func detailsKey(_ stretched: SymmetricKey, info: [UInt8]) -> SymmetricKey {
        stretched.withUnsafeBytes { prk in
            info.withUnsafeBytes { info in
                withUnsafeBytes(of: UInt8(1)) { counter in
                    SymmetricKey(data: HMACKey.authenticate(key: prk, info, counter))
                }
            }
        }
    }

    static func additionalData(listId: String, tag: [UInt8]) -> [UInt8] {
        Array(listId.utf8) + [0] + tag
    }

    /// `nonce | ciphertext | GCM tag` of the details.
    static func seal(_ plaintext: [UInt8], key: SymmetricKey, listId: String, tag: [UInt8]) throws -> [UInt8] {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: additionalData(listId: listId, tag: tag))
        return Array(box.combined!)
    }

    /// Opens `nonce | ciphertext | GCM tag` with the additional data already built; nil when it does not
    /// authenticate. No copies besides swift-crypto's own.
    static func open(_ payload: UnsafeRawBufferPointer, key: SymmetricKey, additionalData: UnsafeRawBufferPointer) -> Data? {
        guard let box = try? AES.GCM.SealedBox(combined: payload),
              let plain = try? AES.GCM.open(box, using: key, authenticating: additionalData)
        else { return nil }
        return plain
    }

    /// Opens `nonce | ciphertext | GCM tag`; nil when it does not authenticate.
    static func open(_ payload: [UInt8], key: SymmetricKey, listId: String, tag: [UInt8]) -> [UInt8]? {
        guard let box = try? AES.GCM.SealedBox(combined: payload),
              let plain = try? AES.GCM.open(box, using: key, authenticating: additionalData(listId: listId, tag: tag))
        else { return nil }
        return Array(plain)
    }

    /// The message an issuer signs: the domain string followed by SHA-256 of every preceding bundle byte.
    static func signedMessage(digest: SHA256.Digest) -> [UInt8] {
        signatureDomain + Array(digest)
    }

    /// `count` random bytes.
    static func random(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}

/// HMAC-SHA256 (RFC 2104) with the key schedule done once: the SHA-256 states after the inner and outer
/// padded key blocks. Computing a MAC copies them, so a list's key is processed once per list instead of
/// once per check. Built on swift-crypto's `SHA256`; the results are those of `HMAC<SHA256>` (tested).
struct HMACKey: @unchecked Sendable {
    private let inner: SHA256
    private let outer: SHA256

    /// A key (any length; keys longer than the 64-byte block are hashed first, as RFC 2104 says).
    init(_ key: SymmetricKey) {
        self = key.withUnsafeBytes { HMACKey($0) }
    }

    /// A key from its bytes.
    init(_ key: UnsafeRawBufferPointer) {
        var inner = SHA256(), outer = SHA256()
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { block in
            block.initialize(repeating: 0)
            if key.count > 64 {
                _ = block.initialize(from: SHA256.hash(data: key))
            } else {
                for i in 0..<key.count { block[i] = key[i] }
            }
            for i in 0..<64 { block[i] ^= 0x36 }
            inner.update(bufferPointer: UnsafeRawBufferPointer(block))
            for i in 0..<64 { block[i] ^= 0x36 ^ 0x5C }
            outer.update(bufferPointer: UnsafeRawBufferPointer(block))
            block.update(repeating: 0)  // do not leave key material on the stack
        }
        self.inner = inner
        self.outer = outer
    }

    /// HMAC-SHA256 of `part1 || part2` under a key used once (≤ 64 bytes): the padded key blocks go
    /// straight into the two hashes, without keeping keyed states to copy.
    static func authenticate(key: UnsafeRawBufferPointer, _ part1: UnsafeRawBufferPointer,
                             _ part2: UnsafeRawBufferPointer? = nil) -> SHA256.Digest {
        precondition(key.count <= 64)
        var inner = SHA256(), outer = SHA256()
        let innerDigest = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { block -> SHA256.Digest in
            block.initialize(repeating: 0x36)
            for i in 0..<key.count { block[i] ^= key[i] }
            inner.update(bufferPointer: UnsafeRawBufferPointer(block))
            for i in 0..<64 { block[i] ^= 0x36 ^ 0x5C }
            outer.update(bufferPointer: UnsafeRawBufferPointer(block))
            block.update(repeating: 0)  // do not leave key material on the stack
            inner.update(bufferPointer: part1)
            if let part2 { inner.update(bufferPointer: part2) }
            return inner.finalize()
        }
        innerDigest.withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize()
    }

    /// HMAC-SHA256 of `part1 || part2`.
    func authenticate(_ part1: UnsafeRawBufferPointer, _ part2: UnsafeRawBufferPointer? = nil) -> SHA256.Digest {
        var inner = self.inner
        inner.update(bufferPointer: part1)
        if let part2 { inner.update(bufferPointer: part2) }
        let innerDigest = inner.finalize()
        var outer = self.outer
        innerDigest.withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize()
    }
}

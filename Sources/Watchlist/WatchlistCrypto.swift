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
        tag(stretched, keyed: HMAC<SHA256>(key: listKey))
    }

    /// The entry tag, from an HMAC already keyed with the list key (copied, so the key schedule is done
    /// once per list instead of once per check).
    static func tag(_ stretched: SymmetricKey, keyed: HMAC<SHA256>) -> [UInt8] {
        var mac = keyed
        stretched.withUnsafeBytes { mac.update(data: $0) }
        return Array(mac.finalize())
    }

    /// The key sealing an entry's details: HKDF-Expand of the scrypt output (a uniformly random key, so
    /// HKDF-Extract adds nothing, RFC 5869 §3.3), with the salt in the info.
    static func detailsKey(_ stretched: SymmetricKey, salt: [UInt8]) -> SymmetricKey {
        detailsKey(stretched, info: detailsInfo + salt)
    }

    /// The details key with the info (`"renfang-watchlist-details-v1" || salt`) already built.
    static func detailsKey(_ stretched: SymmetricKey, info: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.expand(pseudoRandomKey: stretched, info: info, outputByteCount: 32)
    }

    static func additionalData(listId: String, tag: [UInt8]) -> [UInt8] {
        Array(listId.utf8) + [0] + tag
    }

    /// `nonce | ciphertext | GCM tag` of the details.
    static func seal(_ plaintext: [UInt8], key: SymmetricKey, listId: String, tag: [UInt8]) throws -> [UInt8] {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: additionalData(listId: listId, tag: tag))
        return Array(box.combined!)
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

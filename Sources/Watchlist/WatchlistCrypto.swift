import Crypto
import _CryptoExtras
import Foundation

/// The cryptography of a list (protocol-docs/watchlist-bundle.md, "Cryptography"):
///
/// - `s = scrypt(input, salt, N, r, p)`, 32 bytes, where `input` is `"I:" + normalised ID number` or
///   `"N:" + normalised name + "|" + YYYYMMDD`;
/// - `tag = HMAC-SHA256(listKey, s)`;
/// - details key `= HKDF-SHA256(ikm: s, salt: salt, info: "renfang-watchlist-details-v1", 32 bytes)`;
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
        stretched.withUnsafeBytes { Array(HMAC<SHA256>.authenticationCode(for: $0, using: listKey)) }
    }

    /// The key sealing an entry's details.
    static func detailsKey(_ stretched: SymmetricKey, salt: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: stretched, salt: salt, info: detailsInfo, outputByteCount: 32)
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

import Crypto
import Foundation
import IDCard

/// Encryption at rest and keyed hashes for exact-match lookup.
///
/// - Ciphertext: `0x01` ‖ AES-256-GCM combined box (12-byte random nonce ‖ ciphertext ‖ 16-byte tag)
///   under the data key, with `"renfang.registry.v1:" + column` as associated data (``SealedColumn``).
/// - Keyed hash: HMAC-SHA256 under `HKDF-SHA256(dataKey, salt "renfang.registry", info "keyed-hash v1")`
///   over `"id:" + normalised ID number` or `"phone:" + normalised phone`.
public struct DataCipher: Sendable {
    private let key: SymmetricKey
    /// HMAC-SHA256 under the keyed-hash key with its key schedule done once: the SHA-256 states after
    /// the inner and outer padded key blocks (RFC 2104), copied for each hash.
    private let hashInner: SHA256, hashOuter: SHA256
    static let version: UInt8 = 1

    /// A cipher for this data key.
    public init(dataKey: SymmetricKey) {
        key = dataKey
        let hashKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: dataKey, salt: Data("renfang.registry".utf8),
            info: Data("keyed-hash v1".utf8), outputByteCount: 32)
        var block = hashKey.withUnsafeBytes { Array($0) } + [UInt8](repeating: 0, count: 32)
        var inner = SHA256(), outer = SHA256()
        inner.update(data: block.map { $0 ^ 0x36 })
        outer.update(data: block.map { $0 ^ 0x5C })
        for i in block.indices { block[i] = 0 }
        hashInner = inner
        hashOuter = outer
    }

    /// Encrypts `plaintext` for `column`.
    public func seal(_ plaintext: [UInt8], for column: SealedColumn) throws -> Data {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: Self.associatedData(column))
        guard let combined = box.combined else {
            throw RegistryError(.decryptFailed, "加密失败")
        }
        return Data([Self.version]) + combined
    }

    /// Encrypts UTF-8 text for `column`.
    public func seal(text: String, for column: SealedColumn) throws -> Data {
        try seal(Array(text.utf8), for: column)
    }

    /// Decrypts a ciphertext of `column`; ``RegistryError/Code/decryptFailed`` when it does not
    /// authenticate (wrong key, corruption, or a ciphertext of another column).
    public func open(_ sealed: Data, for column: SealedColumn) throws -> [UInt8] {
        guard sealed.first == Self.version else {
            throw RegistryError(.decryptFailed, "密文版本不正确（\(column.rawValue)）")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.dropFirst())
            let plain = try AES.GCM.open(box, using: key, authenticating: Self.associatedData(column))
            return [UInt8](plain)
        } catch {
            throw RegistryError(.decryptFailed, "密文无法解密（\(column.rawValue)）：密钥不正确或数据已损坏")
        }
    }

    /// Decrypts UTF-8 text of `column`.
    public func openText(_ sealed: Data, for column: SealedColumn) throws -> String {
        String(decoding: try open(sealed, for: column), as: UTF8.self)
    }

    /// The keyed hash of an ID number, over ``IDNumber/normalize(_:)`` of it.
    public func hash(idNumber: String) -> Data {
        mac("id:" + IDNumber.normalize(idNumber))
    }

    /// The keyed hash of a phone number, over ``PhoneNumber/normalize(_:)`` of it.
    public func hash(phone: String) -> Data {
        mac("phone:" + PhoneNumber.normalize(phone))
    }

    /// HMAC-SHA256 of the UTF-8 text (the same bytes as `HMAC<SHA256>.authenticationCode`; tested).
    func mac(_ text: String) -> Data {
        var text = text
        var inner = hashInner
        text.withUTF8 { inner.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        var outer = hashOuter
        inner.finalize().withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize().withUnsafeBytes { Data($0) }
    }

    private static func associatedData(_ column: SealedColumn) -> Data {
        Data(("renfang.registry.v1:" + column.rawValue).utf8)
    }
}

/// Phone numbers as stored and matched.
public enum PhoneNumber {
    /// Keeps digits only (full-width digits mapped to ASCII; spaces, `-`, `(`, `)` dropped) and strips a
    /// leading `+86` / `0086` country code from numbers longer than 11 digits.
    public static func normalize(_ text: String) -> String {
        var digits = ""
        var plus = false
        for scalar in text.unicodeScalars {
            var value = scalar.value
            if (0xFF10...0xFF19).contains(value) { value -= 0xFEE0 }
            if (0x30...0x39).contains(value) {
                digits.unicodeScalars.append(Unicode.Scalar(value)!)
            } else if value == 0x2B || value == 0xFF0B {
                if digits.isEmpty { plus = true }
            } else if scalar.properties.isWhitespace || "-()（）－".unicodeScalars.contains(scalar) {
                continue
            } else {
                digits.unicodeScalars.append(scalar)  // kept, so validation sees it
            }
        }
        if digits.hasPrefix("0086"), digits.count > 13 { digits.removeFirst(4) }
        else if plus, digits.hasPrefix("86"), digits.count > 11 { digits.removeFirst(2) }
        return digits
    }

    /// Whether the normalised number is 7–15 ASCII digits.
    public static func isValid(_ text: String) -> Bool {
        let n = normalize(text)
        return (7...15).contains(n.count) && n.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}

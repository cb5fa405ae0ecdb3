import Crypto
import Foundation
import Testing
@testable import Watchlist

@Suite("Watchlist cryptography")
struct CryptoTests {
    static func bytes(_ count: Int, seed: UInt8) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed) &* 7 &+ 3) }
    }

    @Test("The details key (one HMAC) is the bytes of swift-crypto's HKDF-Expand, so sealed bundles stay readable")
    func detailsKeyIsHKDFExpand() {
        for seed in UInt8(0)..<40 {
            let prk = SymmetricKey(data: Self.bytes(32, seed: seed))
            for infoLength in [0, 1, 28, 44, 55, 56, 63, 64, 65, 120] {
                let info = Self.bytes(infoLength, seed: seed &+ 1)
                let expected = HKDF<SHA256>.expand(pseudoRandomKey: prk, info: info, outputByteCount: 32)
                #expect(WatchlistCrypto.detailsKey(prk, info: info) == expected, "seed \(seed), info \(infoLength)")
            }
        }
        // With the real info (domain string + 16-byte salt), through both entry points.
        let salt = Self.bytes(16, seed: 9)
        let prk = SymmetricKey(data: Self.bytes(32, seed: 99))
        let expected = HKDF<SHA256>.expand(pseudoRandomKey: prk, info: Array("renfang-watchlist-details-v1".utf8) + salt,
                                           outputByteCount: 32)
        #expect(WatchlistCrypto.detailsKey(prk, salt: salt) == expected)
    }

    @Test("HMACKey equals HMAC<SHA256> for short, block-sized and long keys; RFC 4231 test case 2")
    func hmacKeyIsHMAC() {
        for keyLength in [0, 4, 32, 63, 64, 65, 131] {
            let key = SymmetricKey(data: Self.bytes(keyLength, seed: UInt8(keyLength)))
            for messageLength in [0, 32, 64, 200] {
                let message = Self.bytes(messageLength, seed: 5)
                let expected = Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
                let split = messageLength / 3
                let got = message.withUnsafeBytes { m in
                    Array(HMACKey(key).authenticate(UnsafeRawBufferPointer(rebasing: m[..<split]),
                                                    UnsafeRawBufferPointer(rebasing: m[split...])))
                }
                #expect(got == expected, "key \(keyLength), message \(messageLength)")
            }
        }
        let jefe = Array("what do ya want for nothing?".utf8).withUnsafeBytes {
            Array(HMACKey(SymmetricKey(data: Array("Jefe".utf8))).authenticate($0))
        }
        #expect(jefe.map { String(format: "%02x", $0) }.joined() == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("Details decode from raw bytes as from the array; truncated and bad UTF-8 are refused")
    func detailsDecoding() throws {
        let details = WatchlistDetails(category: "稳控人员", level: .one, instructions: String(repeating: "立即报告", count: 40),
                                       name: "测试甲乙", birthDate: "1980-01-02", validUntil: "2030-12-31")
        let encoded = details.encoded
        #expect(try WatchlistDetails(decoding: encoded) == details)
        let bare = WatchlistDetails(category: "可疑人员", level: .three, instructions: "")
        #expect(try WatchlistDetails(decoding: bare.encoded) == bare)
        for cut in [0, 1, 17, 18, 19, encoded.count - 1] {
            #expect(throws: WatchlistError.self) { try WatchlistDetails(decoding: Array(encoded.prefix(cut))) }
        }
        var broken = encoded
        broken[20] = 0xFF  // inside the category's UTF-8
        #expect(throws: WatchlistError.self) { try WatchlistDetails(decoding: broken) }
    }
}

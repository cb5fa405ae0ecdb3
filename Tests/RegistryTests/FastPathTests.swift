import Crypto
import Foundation
import GRDB
import Testing
@testable import Registry

/// The hand-written fast paths of the write path give exactly what the general code gave: stored keyed
/// hashes, UUID texts and JSON arrays must not change.
@Suite("Write-path fast paths")
struct FastPathTests {
    @Test("The pre-keyed hash equals HMAC-SHA256 under the documented keyed-hash key")
    func keyedHashIsHMAC() {
        for seed in 0..<8 {
            let dataKey = SymmetricKey(data: (0..<32).map { UInt8(truncatingIfNeeded: $0 * 13 + seed * 101) })
            let cipher = DataCipher(dataKey: dataKey)
            let hashKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: dataKey, salt: Data("renfang.registry".utf8),
                                                 info: Data("keyed-hash v1".utf8), outputByteCount: 32)
            for id in ["11010519491231002X", "440106198001011234", ""] {
                let expected = Data(HMAC<SHA256>.authenticationCode(for: Data(("id:" + id).utf8), using: hashKey))
                #expect(cipher.mac("id:" + id) == expected)
            }
            let phone = "13912345678"
            #expect(cipher.hash(phone: phone)
                    == Data(HMAC<SHA256>.authenticationCode(for: Data(("phone:" + phone).utf8), using: hashKey)))
            // Concurrent use shares the pre-keyed states without disturbing them.
            #expect(cipher.mac("id:1") == cipher.mac("id:1"))
        }
    }

    @Test("UUID text is uuidString lower-cased; random UUIDs are version 4, distinct, and parse back")
    func uuidText() {
        var seen: Set<UUID> = []
        for _ in 0..<2000 {
            let uuid = UUID.random()
            #expect(uuid.lowercasedText == uuid.uuidString.lowercased())
            #expect(uuid.lowercasedText.count == 36)
            let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
            #expect(bytes[6] >> 4 == 4 && bytes[8] >> 6 == 2)
            #expect(UUID.parseStored(uuid.lowercasedText) == uuid)
            seen.insert(uuid)
        }
        #expect(seen.count == 2000)
        let fixed = UUID(uuidString: "0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9")!
        #expect(fixed.lowercasedText == "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9")
    }

    @Test("JSON string arrays read directly agree with JSONDecoder; escapes fall back to it")
    func stringArrays() throws {
        let cases: [[String]] = [[], ["a"], ["卡号异常", "有效期已过"], ["a,b", "", "x]y", "[z"], ["tab\there", "quote\"d", "back\\slash"]]
        for strings in cases {
            let text = jsonArray(strings)
            let row = try DatabaseQueue().read { db in try Row.fetchOne(db, sql: "SELECT ? AS v", arguments: [text])! }
            #expect(row.strings("v") == strings, "\(text)")
            let escaped = strings.contains { $0.contains("\\") || $0.contains("\"") || $0.contains("\t") }
            #expect((Row.simpleStringArray(text) == nil) == escaped)
        }
        for bad in ["", "[", "[\"a\"", "[\"a\",]", "[1]", "[\"a\" ]", "{}"] {
            #expect(Row.simpleStringArray(bad) == nil, "\(bad)")
        }
    }
}

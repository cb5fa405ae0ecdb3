import Accounts
import Foundation
import Testing

@Suite("Password hashes and rules")
struct PasswordTests {
    @Test("scrypt hash: verifies the password only; per-user salt; parameters stored with the hash")
    func hashAndVerify() throws {
        let hash = try PasswordHash.make("correct horse 1", parameters: .testing)
        #expect(hash.verify("correct horse 1"))
        #expect(!hash.verify("correct horse 2"))
        #expect(!hash.verify(""))
        let text = hash.encoded
        #expect(text.hasPrefix("$scrypt$ln=4,r=1,p=1$"))
        #expect(!text.contains("correct horse"))
        let parsed = try #require(PasswordHash(encoded: text))
        #expect(parsed == hash)
        #expect(parsed.verify("correct horse 1"))
        let again = try PasswordHash.make("correct horse 1", parameters: .testing)
        #expect(again.salt != hash.salt, "a fresh salt per hash")
        #expect(again.encoded != text)
        #expect(PasswordHash(encoded: "$2b$10$abcdefghijklmnopqrstuv") == nil)
        #expect(PasswordHash(encoded: "$scrypt$ln=99,r=8,p=1$AAAA$" + Data(count: 32).base64EncodedString()) == nil,
                "implausible parameters are refused, not run")
    }

    @Test("the standard cost takes tens of milliseconds and still verifies")
    func standardCost() throws {
        let start = ContinuousClock.now
        let hash = try PasswordHash.make("correct horse 1", parameters: .standard)
        let elapsed = ContinuousClock.now - start
        #expect(hash.encoded.hasPrefix("$scrypt$ln=14,r=8,p=1$"))
        #expect(hash.verify("correct horse 1"))
        #expect(elapsed > .milliseconds(5), "memory-hard: \(elapsed)")
    }

    @Test("rules: at least 10 characters, not the login name, named in the message")
    func policy() throws {
        let policy = PasswordPolicy()
        func refusal(_ password: String, _ user: String = "zhangsan") -> AccountError? {
            accountError { try policy.check(password, forUser: user) }
        }
        #expect(refusal("short1")?.code == .passwordWeak)
        #expect(refusal("short1")?.message.contains("至少需要 10 个字符") == true)
        #expect(refusal("short1")?.field == "password")
        #expect(refusal("Zhangsan.police", "zhangsan.police")?.message.contains("用户名") == true)
        #expect(refusal("zhangsan2024!", "zhangsan")?.message.contains("用户名") == true)
        #expect(refusal("aaaaaaaaaaaa")?.code == .passwordWeak)
        #expect(refusal(String(repeating: "x1", count: 100))?.message.contains("不能超过") == true)
        #expect(refusal("correct horse 1") == nil)
        #expect(refusal("十个汉字的密码很安全吧") == nil, "characters, not bytes")
    }
}

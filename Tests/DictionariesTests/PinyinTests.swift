import Testing

@testable import Dictionaries

@Suite("Pinyin initials")
struct PinyinTests {
    @Test func commonCharacters() {
        #expect(Pinyin.initials(of: "汉族") == ["hz"])
        #expect(Pinyin.initials(of: "丹心酒楼") == ["dxjl"])
        #expect(Pinyin.bestInitials(of: "张王李赵刘陈杨黄周吴") == "zwlzlcyhzw")
        #expect(Pinyin.bestInitials(of: "北京市朝阳区") == "bjscyq" || Pinyin.initials(of: "北京市朝阳区").contains("bjscyq"))
        #expect(Pinyin.initial(of: "汉") == "h")
        #expect(Pinyin.initial(of: "沈") == "s")
        #expect(Pinyin.initial(of: "〇") == "l")
    }

    @Test func polyphones() {
        // Each character's most common reading first, then the other readings in use (not archaic ones:
        // 重 tóng and 族 còu are left out).
        #expect(Pinyin.initials(of: "重庆") == ["zq", "cq"])
        #expect(Pinyin.initialCandidates(of: "族") == ["z"])
        #expect(Pinyin.initialCandidates(of: "号") == ["h"])
        // Surname readings.
        #expect(Pinyin.initialCandidates(of: "翟") == ["d", "z"])
        #expect(Pinyin.initialCandidates(of: "区") == ["q", "o"])
        #expect(Pinyin.initialCandidates(of: "单") == ["d", "c", "s"])
        #expect(Pinyin.initials(of: "单田芳").contains("stf"))
        #expect(Pinyin.initialCandidates(of: "重").contains("c"))
        #expect(Pinyin.initialCandidates(of: "行") == ["x", "h"])
        #expect(Pinyin.initialCandidates(of: "长").contains("c"))
        #expect(Pinyin.initialCandidates(of: "长").contains("z"))
        // Two polyphones: every combination, best first.
        let bank = Pinyin.initials(of: "长行")
        #expect(bank.count == 4)
        #expect(Set(bank) == ["zx", "cx", "zh", "ch"])
    }

    @Test func candidatesAreBounded() {
        let text = String(repeating: "重行长单", count: 10)
        let all = Pinyin.initials(of: text)
        #expect(all.count == Pinyin.defaultCandidateLimit)
        #expect(all.allSatisfy { $0.count == 40 })
        #expect(all.first == Pinyin.bestInitials(of: text))
        #expect(Pinyin.initials(of: text, limit: 3).count == 3)
        #expect(Pinyin.initials(of: text, limit: 0).count == 1)
    }

    @Test func nonCJKInput() {
        #expect(Pinyin.initials(of: "A座 1号楼") == ["az1hl"])
        #expect(Pinyin.initials(of: "ABC-def_123") == ["abcdef123"])
        #expect(Pinyin.initials(of: "Ｂ栋５号") == ["bd5h"])
        #expect(Pinyin.initials(of: "!@#，。") == [""])
        #expect(Pinyin.initials(of: "") == [""])
        #expect(Pinyin.initials(of: "Müller") == ["mller"])
        #expect(Pinyin.initials(of: "😀汉") == ["h"])
        #expect(Pinyin.initial(of: "Z") == "z")
        #expect(Pinyin.initial(of: "５") == "5")
        #expect(Pinyin.initial(of: "!") == nil)
        #expect(Pinyin.initial(of: "é") == nil)
        #expect(Pinyin.initialCandidates(of: "?").isEmpty)
    }

    @Test func tableCoversTheUnifiedIdeographs() {
        var missing: [UInt32] = []
        for value in UInt32(0x4E00)...0x9FFF {
            let scalar = Unicode.Scalar(value)!
            if Pinyin.hasReading(scalar) {
                let letter = Pinyin.initial(of: Character(scalar))
                #expect(letter.map { $0 >= "a" && $0 <= "z" } == true)
            } else {
                missing.append(value)
            }
        }
        // pypinyin 0.55.0 has no reading for 68 rare code points (unit ligatures like 兙, kokuji like 桛,
        // the newest additions U+9FA6 and up); every other code point of the block has one.
        #expect(missing.count == 68)
        #expect(missing.allSatisfy { [0x5159, 0x5161, 0x55E7, 0x685B, 0x70EA, 0x74E7, 0x74F0, 0x74F1, 0x74FC, 0x7505].contains($0) || $0 >= 0x9FA6 })
    }

    @Test func tableCoversExtensionA() {
        var known = 0
        for value in UInt32(0x3400)...0x4DBF where Pinyin.hasReading(Unicode.Scalar(value)!) { known += 1 }
        #expect(known > 5700)
        #expect(Pinyin.initial(of: "㐀") == "q")
        #expect(!Pinyin.hasReading("A"))
    }

    @Test func theTableParsesQuickly() {
        let clock = ContinuousClock()
        let elapsed = clock.measure { _ = Pinyin.table }
        #expect(elapsed < .seconds(2))
        #expect(Pinyin.table.alternatives.count == 294)
    }
}

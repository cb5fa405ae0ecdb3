import Testing
@testable import IDCard

@Suite("UCS2")
struct UCS2Tests {
    @Test func decodeTrimsTrailingSpacesAndNuls() {
        let bytes: [UInt8] = [0x20, 0, 0x41, 0, 0x20, 0, 0x42, 0, 0x20, 0, 0, 0, 0x20, 0]
        let (text, warnings) = UCS2.decode(bytes)
        #expect(text == " A B")
        #expect(warnings.isEmpty)
    }

    @Test func decodeCJK() {
        // 长期 = U+957F U+671F
        #expect(UCS2.decode([0x7F, 0x95, 0x1F, 0x67]).text == "长期")
    }

    @Test func decodeSurrogates() {
        // U+20000 = D840 DC00
        #expect(UCS2.decode([0x40, 0xD8, 0x00, 0xDC]) == ("𠀀", []))
        let (text, warnings) = UCS2.decode([0x40, 0xD8, 0x41, 0x00])
        #expect(text == "\u{FFFD}A")
        #expect(warnings == [.textUnpairedSurrogate])
        // A high surrogate that is last before the padding.
        #expect(UCS2.decode([0x41, 0x00, 0x40, 0xD8, 0x20, 0x00]) == ("A\u{FFFD}", [.textUnpairedSurrogate]))
    }

    @Test func decodeOddLength() {
        let (text, warnings) = UCS2.decode([0x41, 0x00, 0x42])
        #expect(text == "A")
        #expect(warnings == [.textOddLength])
    }

    @Test func decodeControlsAndNul() {
        let (text, warnings) = UCS2.decode([0x41, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x42, 0x00, 0x9F, 0x00])
        #expect(text == "A\u{FFFD}\u{FFFD}B\u{FFFD}")
        #expect(warnings == [.textControlCharacter, .textOddPadding])
    }

    @Test func decodeEmpty() {
        #expect(UCS2.decode([UInt8]()) == ("", []))
        #expect(UCS2.decode([0x20, 0x00, 0x00, 0x00]) == ("", []))
    }

    @Test func encodePadsAndTruncates() {
        #expect(UCS2.encode("AB", width: 8) == [0x41, 0, 0x42, 0, 0x20, 0, 0x20, 0])
        #expect(UCS2.encode("ABCDE", width: 4) == [0x41, 0, 0x42, 0])
        #expect(UCS2.encode("张", width: 2) == [0x20, 0x5F])
        #expect(UCS2.encode("A", width: 5) == [0x41, 0, 0x20, 0, 0x20])
        #expect(UCS2.encode("A", width: 0) == [])
        #expect(UCS2.encode("A", width: -3) == [])
        #expect(UCS2.encode("A𠀀", width: 4) == [0x41, 0, 0x20, 0])  // pair not split
    }

    @Test func appendedAddressRecordRoundTrip() {
        let address = "北京市海淀区测试路88号院"
        let record = UCS2.encode(address, width: 70)
        #expect(record.count == 70)
        #expect(UCS2.decode(record) == (address, []))
    }
}

import Testing
@testable import IDCard

@Suite("TextBlock encode/decode round trip")
struct TextBlockRoundTripTests {
    @Test("decode(encode(x)) == x, no warnings", arguments: Fixtures.all)
    func roundTrip(_ card: CardText) {
        let bytes = TextBlock.encode(card)
        #expect(bytes.count == TextBlock.size)
        let decoded = TextBlock.decode(bytes)
        #expect(decoded == card)
        #expect(decoded.warnings.isEmpty)
    }

    @Test("encode(decode(encode(x))) is byte-identical", arguments: Fixtures.all)
    func bytesStable(_ card: CardText) {
        let bytes = TextBlock.encode(card)
        #expect(TextBlock.encode(TextBlock.decode(bytes)) == bytes)
    }

    @Test func fixturesFillEveryFieldOfTheirLayout() {
        // Guard for the round-trip test: each fixture has a value for every field its layout has.
        for card in Fixtures.all {
            let bytes = TextBlock.encode(card)
            for slot in TextBlock.layout(for: card.cardType) {
                let field = Array(bytes[slot.bytes])
                #expect(field.prefix(2) != [0x20, 0x00], "\(card.cardType) \(slot.field) is empty")
            }
        }
    }

    @Test func encodeTruncatesAndPads() {
        var card = Fixtures.resident
        card.name = String(repeating: "测", count: 20)  // 15 fit in 30 bytes
        let decoded = TextBlock.decode(TextBlock.encode(card))
        #expect(decoded.name == String(repeating: "测", count: 15))
        #expect(decoded.address == card.address)
    }

    @Test func encodeDoesNotSplitASurrogatePair() {
        var card = Fixtures.resident
        card.name = String(repeating: "测", count: 14) + "𠀀"  // 14 + 2 units = 16 > 15
        let bytes = TextBlock.encode(card)
        #expect(bytes[28] == 0x20 && bytes[29] == 0x00)
        let decoded = TextBlock.decode(bytes)
        #expect(decoded.name == String(repeating: "测", count: 14))
        #expect(!decoded.warnings.contains(.textUnpairedSurrogate))
    }

    @Test func surrogatePairInAFieldRoundTrips() {
        var card = Fixtures.resident
        card.name = "张𠀀"
        #expect(TextBlock.decode(TextBlock.encode(card)) == card)
    }

    @Test("'Y' English name across the part boundary", arguments: [
        "SHORT NAME",
        String(repeating: "A", count: 35),
        String(repeating: "A", count: 35) + "BCDEFGHIJKL",  // 46: both parts full
        String(repeating: "A", count: 34) + " BCD",  // space is the last character of part 1
        String(repeating: "A", count: 35) + " BCD",  // space is the first character of part 2
    ])
    func foreigner2023EnglishName(_ english: String) {
        var card = Fixtures.foreigner2023
        card.englishName = english
        #expect(TextBlock.decode(TextBlock.encode(card)) == card)
    }

    @Test func foreigner2023EnglishNameGoesToBothParts() {
        let bytes = TextBlock.encode(Fixtures.foreigner2023)
        let english = Array(Fixtures.foreigner2023.englishName!.utf16)
        // Part 1: bytes 52–121, the first 35 characters.
        #expect(bytes[52] == UInt8(english[0]) && bytes[120] == UInt8(english[34]))
        // Part 2: bytes 220–241, the rest, then spaces.
        #expect(bytes[220] == UInt8(english[35]))
        #expect(bytes[220 + 2 * (english.count - 35)] == 0x20)
    }

    @Test func fieldsOutsideTheLayoutAreNotWritten() {
        var card = Fixtures.hkMacaoTaiwan
        card.nation = "01"  // 'J' has no nation field: bytes 32–35 stay reserved
        let bytes = TextBlock.encode(card)
        #expect(Array(bytes[32...35]) == [0x20, 0x00, 0x20, 0x00])
        #expect(TextBlock.decode(bytes).nation == nil)
    }

    @Test func emptyFieldsDecodeAsNil() {
        let decoded = TextBlock.decode(TextBlock.encode(CardText(cardType: .resident)))
        #expect(decoded.cardType == .resident)
        #expect(decoded.name == nil && decoded.birthDate == nil && decoded.idNumber == nil && decoded.validTo == nil)
        #expect(decoded.warnings == [.idNumberMissing])
    }
}

import IDCard
import Testing
@testable import SAMProtocol

@Suite("Capture decoding (renfang decode)")
struct CaptureDecoderTests {
    let photo = [0x57, 0x4C] + [UInt8](repeating: 0x22, count: 1022)

    func text(_ name: String, _ id: String) -> [UInt8] {
        TextBlock.encode(CardText(cardType: .resident, name: name, sex: "2", nation: "01",
                                  birthDate: .date(year: 1880, month: 1, day: 1), idNumber: id))
    }

    @Test("a whole conversation: commands skipped, the card decoded with its appended address")
    func conversation() throws {
        var bytes: [UInt8] = []
        bytes += SAMCommand.findCard.encoded() + ResponseFrame(status: .cardFound, data: [0, 0, 0, 0]).encoded()
        bytes += SAMCommand.selectCard.encoded() + ResponseFrame(status: .ok, data: [UInt8](repeating: 0, count: 8)).encoded()
        bytes += SAMCommand.readTextAndPhoto.encoded()
        bytes += ResponseFrame(status: .ok, data: CardPayload(text: text("测试丁", "440524188001010014"), photo: photo)
            .encoded(withFingerprint: false)).encoded()
        bytes += SAMCommand.readAppendedAddress.encoded()
        bytes += ResponseFrame(status: .ok, data: AppendedAddressPayload.encode(["某省某市某街9号"])).encoded()
        let items = CaptureDecoder.decode(bytes)
        let cards = items.compactMap { if case let .card(_, c) = $0 { c } else { nil } }
        #expect(cards.count == 1)
        #expect(cards.first?.text.name == "测试丁")
        #expect(cards.first?.appendedAddresses == ["某省某市某街9号"])
        #expect(!items.contains { if case .undecodable = $0 { true } else if case .discarded = $0 { true } else { false } })
    }

    @Test("30 10 answers with fingerprints decode too; two cards in a row stay separate")
    func fingerprintsAndTwoCards() {
        let fp = [UInt8](repeating: 0x43, count: 512)
        let a = ResponseFrame(status: .ok, data: CardPayload(text: text("测试甲", "11010519491231002X"), photo: photo, fingerprint: fp)
            .encoded(withFingerprint: true)).encoded()
        let b = ResponseFrame(status: .ok, data: CardPayload(text: text("测试乙", "440524188001010014"), photo: photo)
            .encoded(withFingerprint: false)).encoded()
        let cards = CaptureDecoder.decode(a + b).compactMap { if case let .card(_, c) = $0 { c } else { nil } }
        #expect(cards.map(\.text.name) == ["测试甲", "测试乙"])
        #expect(cards[0].fingerprints == [fp])
    }

    @Test("corruption and a cut-off frame are reported with the reason; good cards still come out")
    func problemsReported() {
        let good = ResponseFrame(status: .ok, data: CardPayload(text: text("测试甲", "11010519491231002X"), photo: photo)
            .encoded(withFingerprint: false)).encoded()
        var bad = good
        bad[500] ^= 0x01
        var wrongLengths = CardPayload(text: text("测试乙", "440524188001010014"), photo: photo).encoded(withFingerprint: false)
        wrongLengths[1] = 0xF0  // text length 240: lengths no longer add up
        let items = CaptureDecoder.decode([0x01, 0x02] + bad + good + ResponseFrame(status: .ok, data: wrongLengths).encoded() + good.prefix(100))
        #expect(items.filter { if case .card = $0 { true } else { false } }.count == 1)
        #expect(items.contains { if case let .discarded(_, r) = $0 { r.hasPrefix("bad checksum") } else { false } })
        #expect(items.contains { if case let .undecodable(frame, r) = $0 { frame == 2 && r.contains("do not match") } else { false } })
        #expect(items.contains { if case let .discarded(100, r) = $0 { r.contains("cut off") } else { false } })
    }

    @Test("hex text: spaces, commas, 0x prefixes, comments; errors name the line")
    func hexText() throws {
        #expect(try HexText.parse("AA AA aa 96 69 # preamble\n0x00,0x03 20:01\n22") == SAMCommand.findCard.encoded())
        #expect(HexText.format([0xAA, 0x0F]) == "AA 0F")
        #expect(throws: HexText.ParseError(line: 2, reason: "unexpected character 'z'")) { try HexText.parse("AA\nzz") }
        #expect(throws: HexText.ParseError(line: 1, reason: "odd number of hex digits")) { try HexText.parse("AAA") }
    }
}

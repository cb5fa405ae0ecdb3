import IDCard
import SAMProtocol
import Testing

@testable import ReaderSimulator

@Suite("SAMEmulator answers every command")
struct SAMEmulatorCommandTests {
    @Test("11 FF status → 90, byte for byte")
    func status() {
        var sam = SAMEmulator()
        let out = sam.receive([0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x11, 0xFF, 0xED])
        #expect(out == [.write([0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x04, 0x00, 0x00, 0x90, 0x94])])
    }

    @Test("10 FF reset, 60 xx rates, 61 FF nn → 90 without data")
    func plainOK() {
        var sam = SAMEmulator()
        var commands: [SAMCommand] = [.resetSAM, .setMaximumRFFrame(0x50)]
        commands += SAMCommand.BaudRate.allCases.map { .setBaudRate($0) }
        for command in commands {
            let answer = sam.ask(command)
            #expect(answer?.status == .ok, "\(command.name)")
            #expect(answer?.data == [], "\(command.name)")
            #expect(answer?.sw1 == 0 && answer?.sw2 == 0)
        }
    }

    @Test("12 FF → 90 + the configured 16-byte SAM ID")
    func samID() {
        let id = SAMID(a: 5, b: 2, c: 20_101_018, d: 12_345_678, e: 1_234_567_890)
        var sam = SAMEmulator(samID: id)
        let answer = sam.ask(.readSAMID)
        #expect(answer?.status == .ok)
        #expect(answer?.data.count == 16)
        #expect(answer.flatMap { SAMID(bytes: $0.data) } == id)
        #expect(answer.flatMap { SAMID(bytes: $0.data) }?.description == "05.02-20101018-0012345678-1234567890")
        var plain = SAMEmulator()
        #expect(plain.ask(.readSAMID).flatMap { SAMID(bytes: $0.data) } == SAMEmulator.defaultSAMID)
    }

    @Test("20 01 find: 80 without a card; 9F + 4 zero bytes with one (the domain vector)")
    func find() {
        var sam = SAMEmulator()
        #expect(sam.receive(SAMCommand.findCard.encoded()).writtenBytes
            == [0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x04, 0x00, 0x00, 0x80, 0x84])
        sam.place(deckCard("resident"))
        #expect(sam.receive([0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x20, 0x01, 0x22]).writtenBytes
            == [0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x08, 0x00, 0x00, 0x9F, 0x00, 0x00, 0x00, 0x00, 0x97])
    }

    @Test("20 02 select: 81 without a card; 90 + 8 bytes with one")
    func select() {
        var sam = SAMEmulator()
        #expect(sam.status(of: .selectCard) == 0x81)
        sam.place(deckCard("resident"))
        let answer = sam.ask(.selectCard)
        #expect(answer?.status == .ok)
        #expect(answer?.data == [UInt8](repeating: 0, count: 8))
    }

    @Test("30 01 read → 90 + textLen photoLen text photo, a 1295-byte frame")
    func read() throws {
        var sam = SAMEmulator()
        let card = deckCard("resident")
        sam.place(card)
        let bytes = sam.receive(SAMCommand.readTextAndPhoto.encoded()).writtenBytes
        #expect(bytes.count == 1295)
        let answer = try #require(decodeResponses(bytes).first)
        #expect(answer.status == .ok)
        #expect(Array(answer.data.prefix(4)) == [0x01, 0x00, 0x04, 0x00])
        let payload = try CardPayload.parse(answer.data, withFingerprint: false)
        #expect(payload.text == card.textBlock)
        #expect(payload.photo == card.photo)
        #expect(TextBlock.decode(payload.text) == card.text.decoded)
    }

    @Test("30 10 read with fingerprints: fpLen 0, 512 or 1024", arguments: [
        ("resident", 0), ("resident-fp1", 512), ("resident-fp", 1024),
    ])
    func readWithFingerprints(name: String, fpLen: Int) throws {
        var sam = SAMEmulator()
        let card = deckCard(name)
        sam.place(card)
        let reply = sam.ask(.readTextPhotoAndFingerprint)
        let answer = try #require(reply)
        #expect(answer.status == .ok)
        #expect(Int(answer.data[4]) << 8 | Int(answer.data[5]) == fpLen)
        let payload = try CardPayload.parse(answer.data, withFingerprint: true)
        #expect(payload.text == card.textBlock)
        #expect(payload.photo == card.photo)
        #expect(payload.fingerprint.count == fpLen)
        #expect(payload.fingerprintTemplates == card.fingerprints)
    }

    @Test("30 03 appended address: 91 when none, else 90 + N×70 bytes")
    func appendedAddress() throws {
        var sam = SAMEmulator()
        sam.place(deckCard("resident"))
        let noneReply = sam.ask(.readAppendedAddress)
        let none = try #require(noneReply)
        #expect(none.status == .itemEmpty)
        #expect(none.data.isEmpty)

        for name in ["resident-addr", "resident-addr4"] {
            let card = deckCard(name)
            sam.place(card)
            let reply = sam.ask(.readAppendedAddress)
            let answer = try #require(reply)
            #expect(answer.status == .ok)
            #expect(answer.data.count == 70 * card.appendedAddresses.count)
            #expect(try AppendedAddressPayload.parse(answer.data) == card.appendedAddresses)
        }
    }

    @Test("30 05 card serial → 90 + the card's 8 bytes")
    func cardSerial() {
        var sam = SAMEmulator()
        let card = deckCard("hk")
        sam.place(card)
        let answer = sam.ask(.readCardSerial)
        #expect(answer?.status == .ok)
        #expect(answer?.data == card.cardSerial)
        #expect(card.cardSerial.count == 8)
    }

    @Test("reads without a card in the field → 41", arguments: [
        SAMCommand.readTextAndPhoto, .readTextPhotoAndFingerprint, .readAppendedAddress, .readCardSerial,
    ])
    func readWithoutCard(command: SAMCommand) {
        var sam = SAMEmulator()
        #expect(sam.status(of: command) == 0x41)
    }

    @Test("unknown commands → 21")
    func unknownCommand() {
        var sam = SAMEmulator()
        for frame in [
            CommandFrame(command: 0x40, parameter: 0x01), CommandFrame(command: 0x60, parameter: 0x05),
            CommandFrame(command: 0x11, parameter: 0x00), CommandFrame(command: 0x61, parameter: 0xFF),
        ] {
            #expect(sam.ask(bytes: frame.encoded())?.status == .commandError, "\(frame)")
        }
    }

    @Test("a host frame with a bad checksum → 10; a bad length field → 11")
    func badHostFrames() {
        var sam = SAMEmulator()
        #expect(sam.ask(bytes: [0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x11, 0xFF, 0x00])?.status == .hostChecksumError)
        #expect(sam.ask(bytes: [0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x01, 0x01])?.status == .hostLengthError)
        // The decoder stays in sync: the next good frame is answered normally.
        #expect(sam.status(of: .samStatus) == 0x90)
        #expect(sam.framesReceived == 3)
    }

    @Test("commands split anywhere or sent together are each answered once")
    func chunking() {
        var sam = SAMEmulator()
        sam.place(deckCard("resident"))
        let find = SAMCommand.findCard.encoded()
        for byte in find.dropLast() {
            #expect(sam.receive([byte]).isEmpty)
        }
        #expect(decodeResponses(sam.receive([find.last!]).writtenBytes).map(\.status) == [.cardFound])

        let both = [0x13, 0x37] + SAMCommand.samStatus.encoded() + SAMCommand.selectCard.encoded()
        #expect(decodeResponses(sam.receive(both).writtenBytes).map(\.status) == [.ok, .ok])
    }
}

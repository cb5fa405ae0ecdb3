import SAMProtocol
import Testing

@testable import ReaderSimulator

@Suite("SAMEmulator fault injection")
struct SAMEmulatorFaultTests {
    /// The healthy answer to `command` from an emulator holding `card`.
    func cleanAnswer(_ command: SAMCommand, card: DeckCard? = deckCard("resident")) -> [UInt8] {
        var sam = SAMEmulator()
        if let card { sam.place(card) }
        return sam.receive(command.encoded()).writtenBytes
    }

    func emulator(with fault: EmulatorFault) -> SAMEmulator {
        var sam = SAMEmulator()
        sam.place(deckCard("resident"))
        sam.inject(fault)
        return sam
    }

    @Test("garbage: N random bytes (never AA) before the intact answer")
    func garbage() {
        var sam = emulator(with: EmulatorFault(.garbage(5)))
        let out = sam.receive(SAMCommand.findCard.encoded())
        #expect(out.count == 2)
        guard case let .write(noise) = out[0], case let .write(frame) = out[1] else {
            Issue.record("expected two writes, got \(out)")
            return
        }
        #expect(noise.count == 5)
        #expect(!noise.contains(0xAA))
        #expect(frame == cleanAnswer(.findCard))
        var decoder = FrameDecoder(minimumBodySize: 3)
        let events = decoder.decode(out.writtenBytes)
        #expect(events.count == 2)
        #expect(events.first == .discarded(.garbage, count: 5))
        #expect(events.last.map { if case .frame = $0 { true } else { false } } == true)
        #expect(sam.faults.isEmpty)
    }

    @Test("bad-checksum: the answer with its checksum inverted; the host decoder rejects it")
    func badChecksum() {
        var sam = emulator(with: EmulatorFault(.badChecksum))
        let bytes = sam.receive(SAMCommand.samStatus.encoded()).writtenBytes
        var expected = cleanAnswer(.samStatus)
        expected[expected.count - 1] ^= 0xFF
        #expect(bytes == expected)
        var decoder = FrameDecoder(minimumBodySize: 3)
        let events = decoder.decode(bytes)
        #expect(!events.contains { if case .frame = $0 { true } else { false } })
        #expect(events.first.map { if case .discarded(.badChecksum, _) = $0 { true } else { false } } == true)
    }

    @Test("torn: header plus half of the rest, and nothing more")
    func torn() {
        var sam = emulator(with: EmulatorFault(.torn))
        let out = sam.receive(SAMCommand.readTextAndPhoto.encoded())
        let clean = cleanAnswer(.readTextAndPhoto)
        #expect(out == [.write(Array(clean.prefix(7 + (1295 - 7) / 2)))])
        var decoder = FrameDecoder(minimumBodySize: 3)
        #expect(decoder.decode(out.writtenBytes).isEmpty)
        #expect(decoder.bufferedByteCount == 7 + (1295 - 7) / 2)
        // The SAM did read the card; only the line lost the answer. A retried read succeeds.
        #expect(sam.cardHasBeenRead)
        #expect(sam.status(of: .readTextAndPhoto) == 0x90)
    }

    @Test("status:XX: SW3 replaced, no data, no effect on the card", arguments: [UInt8(0x41), 0x31, 0x32, 0x60])
    func status(sw3: UInt8) {
        var sam = emulator(with: EmulatorFault(.status(sw3), on: CommandSelector(.readTextAndPhoto)))
        let out = sam.receive(SAMCommand.readTextAndPhoto.encoded())
        #expect(out == [.write(ResponseFrame(status: SAMStatus(rawValue: sw3)).encoded())])
        #expect(!sam.cardHasBeenRead)
        #expect(sam.status(of: .findCard) == 0x9F, "a failed read leaves the card new")
        #expect(sam.status(of: .readTextAndPhoto) == 0x90, "the fault was used up")
    }

    @Test("status:80 on find hides a card; status:81 fails select")
    func statusOnFindAndSelect() {
        var sam = emulator(with: EmulatorFault(.status(0x80), on: CommandSelector(.findCard)))
        sam.inject(EmulatorFault(.status(0x81), on: CommandSelector(.selectCard)))
        #expect(sam.status(of: .findCard) == 0x80)
        #expect(sam.status(of: .selectCard) == 0x81)
        #expect(sam.status(of: .findCard) == 0x9F)
        #expect(sam.status(of: .selectCard) == 0x90)
    }

    @Test("silence: no bytes at all, and the command has no effect")
    func silence() {
        var sam = emulator(with: EmulatorFault(.silence))
        #expect(sam.receive(SAMCommand.readTextAndPhoto.encoded()).isEmpty)
        #expect(!sam.cardHasBeenRead)
        #expect(sam.status(of: .samStatus) == 0x90)
    }

    @Test("trickle: one byte per write with the interval between them")
    func trickle() {
        var sam = emulator(with: EmulatorFault(.trickle(.milliseconds(3))))
        let out = sam.receive(SAMCommand.findCard.encoded())
        let clean = cleanAnswer(.findCard)
        var expected: [EmulatorOutput] = []
        for (i, byte) in clean.enumerated() {
            if i > 0 { expected.append(.delay(.milliseconds(3))) }
            expected.append(.write([byte]))
        }
        #expect(out == expected)
        #expect(out.totalDelay == .milliseconds(3 * (clean.count - 1)))
        #expect(decodeResponses(out.writtenBytes).map(\.status) == [.cardFound])
    }

    @Test("delay: a pause, then the whole answer")
    func delay() {
        var sam = emulator(with: EmulatorFault(.delay(.milliseconds(250))))
        let out = sam.receive(SAMCommand.samStatus.encoded())
        #expect(out == [.delay(.milliseconds(250)), .write(cleanAnswer(.samStatus))])
    }

    @Test("a fault bound to a command waits for it; others pass untouched")
    func binding() {
        var sam = emulator(with: EmulatorFault(.silence, on: CommandSelector(name: "read")))
        #expect(sam.status(of: .findCard) == 0x9F)
        #expect(sam.status(of: .selectCard) == 0x90)
        #expect(sam.faults.count == 1)
        #expect(sam.receive(SAMCommand.readTextAndPhoto.encoded()).isEmpty)
        #expect(sam.faults.isEmpty)
        #expect(sam.status(of: .readTextAndPhoto) == 0x90)
    }

    @Test("count: the fault applies to that many answers, then leaves the queue")
    func count() {
        var sam = emulator(with: EmulatorFault(.status(0x41), on: CommandSelector(.readTextAndPhoto), count: 2))
        #expect(sam.status(of: .readTextAndPhoto) == 0x41)
        #expect(sam.faults.first?.count == 1)
        #expect(sam.status(of: .readTextAndPhoto) == 0x41)
        #expect(sam.faults.isEmpty)
        #expect(sam.status(of: .readTextAndPhoto) == 0x90)
    }

    @Test("unbound faults apply in queue order, one per answer")
    func queueOrder() {
        var sam = emulator(with: EmulatorFault(.status(0x24)))
        sam.inject(EmulatorFault(.status(0x23)))
        #expect(sam.status(of: .samStatus) == 0x24)
        #expect(sam.status(of: .samStatus) == 0x23)
        #expect(sam.status(of: .samStatus) == 0x90)
    }

    @Test("answers to broken host frames are never faulted")
    func badFramesNotFaulted() {
        var sam = emulator(with: EmulatorFault(.silence))
        #expect(sam.ask(bytes: [0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x11, 0xFF, 0x00])?.status == .hostChecksumError)
        #expect(sam.faults.count == 1)
        sam.clearFaults()
        #expect(sam.faults.isEmpty)
    }

    @Test("handle() reports the request, the clean answer and the fault")
    func exchangeDetail() throws {
        var sam = emulator(with: EmulatorFault(.torn, on: CommandSelector(.selectCard)))
        let exchange = try #require(sam.handle(SAMCommand.selectCard.encoded()).first)
        #expect(exchange.request == SAMCommand.selectCard.frame)
        #expect(exchange.response?.status == .ok)
        #expect(exchange.fault == .torn)
    }
}

@Suite("Fault and command text forms")
struct FaultTextTests {
    @Test("kinds parse and print", arguments: [
        ("garbage", EmulatorFault.Kind.garbage(8), "garbage:8"),
        ("garbage:3", .garbage(3), "garbage:3"),
        ("bad-checksum", .badChecksum, "bad-checksum"),
        ("badChecksum", .badChecksum, "bad-checksum"),
        ("torn", .torn, "torn"),
        ("status:41", .status(0x41), "status:41"),
        ("status:9f", .status(0x9F), "status:9F"),
        ("silence", .silence, "silence"),
        ("trickle", .trickle(.milliseconds(2)), "trickle:2ms"),
        ("trickle:5ms", .trickle(.milliseconds(5)), "trickle:5ms"),
        ("delay:1500", .delay(.milliseconds(1500)), "delay:1500ms"),
    ])
    func kinds(text: String, kind: EmulatorFault.Kind, printed: String) {
        #expect(EmulatorFault.Kind(text: text) == kind)
        #expect(kind.description == printed)
        #expect(EmulatorFault.Kind(text: printed) == kind)
    }

    @Test("bad kinds are rejected", arguments: ["", "status", "status:4", "status:xyz", "garbage:0", "torn:1", "delay", "noise"])
    func badKinds(text: String) {
        #expect(EmulatorFault.Kind(text: text) == nil)
    }

    @Test("KIND --on COMMAND --count N round-trips")
    func arguments() throws {
        let fault = try EmulatorFault(arguments: ["status:41", "--on", "read", "--count", "3"])
        #expect(fault == EmulatorFault(.status(0x41), on: CommandSelector(.readTextAndPhoto), count: 3))
        #expect(fault.description == "status:41 --on read --count 3")
        let words = fault.description.split(separator: " ").map(String.init)
        #expect(try EmulatorFault(arguments: words) == fault)
        #expect(try EmulatorFault(arguments: ["torn"]) == EmulatorFault(.torn))
        #expect(throws: EmulatorFault.ParseError.self) { try EmulatorFault(arguments: ["torn", "--on", "nothing"]) }
        #expect(throws: EmulatorFault.ParseError.self) { try EmulatorFault(arguments: ["torn", "--count", "0"]) }
        #expect(throws: EmulatorFault.ParseError.self) { try EmulatorFault(arguments: ["torn", "extra"]) }
        #expect(throws: EmulatorFault.ParseError.self) { try EmulatorFault(arguments: []) }
    }

    @Test("command selectors: names, SAMCommand names and hex")
    func selectors() {
        #expect(CommandSelector(name: "find") == CommandSelector(command: 0x20, parameter: 0x01))
        #expect(CommandSelector(name: "findCard") == CommandSelector(command: 0x20, parameter: 0x01))
        #expect(CommandSelector(name: "READFP") == CommandSelector(command: 0x30, parameter: 0x10))
        #expect(CommandSelector(name: "30:03") == CommandSelector(command: 0x30, parameter: 0x03))
        #expect(CommandSelector(name: "0x3005") == CommandSelector(command: 0x30, parameter: 0x05))
        #expect(CommandSelector(name: "60") == CommandSelector(command: 0x60, parameter: nil))
        #expect(CommandSelector(name: "baud")?.matches(SAMCommand.setBaudRate(.b9600).frame) == true)
        #expect(CommandSelector(name: "read")?.matches(SAMCommand.readTextPhotoAndFingerprint.frame) == false)
        #expect(CommandSelector(name: "bogus") == nil)
        #expect(CommandSelector(name: "303") == nil)
        for (name, selector) in CommandSelector.shortNames {
            #expect(selector.description == name)
            #expect(CommandSelector(name: selector.description) == selector)
        }
        #expect(CommandSelector(command: 0x40, parameter: 0x01).description == "40:01")
    }
}

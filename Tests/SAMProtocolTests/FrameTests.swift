import Testing
@testable import SAMProtocol

@Suite("GA 467 frames")
struct FrameTests {
    @Test("domain.md checked vectors: find card command and its 9F answer")
    func checkedVectors() {
        #expect(SAMCommand.findCard.encoded() == [0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x20, 0x01, 0x22])
        let answer = ResponseFrame(status: .cardFound, data: [0, 0, 0, 0]).encoded()
        #expect(answer == [0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x08, 0x00, 0x00, 0x9F, 0x00, 0x00, 0x00, 0x00, 0x97])
    }

    @Test("every command of domain.md §1 encodes to its documented frame")
    func commandTable() {
        let table: [(SAMCommand, [UInt8])] = [
            (.resetSAM, [0x00, 0x03, 0x10, 0xFF, 0xEC]),
            (.samStatus, [0x00, 0x03, 0x11, 0xFF, 0xED]),
            (.readSAMID, [0x00, 0x03, 0x12, 0xFF, 0xEE]),
            (.findCard, [0x00, 0x03, 0x20, 0x01, 0x22]),
            (.selectCard, [0x00, 0x03, 0x20, 0x02, 0x21]),
            (.readTextAndPhoto, [0x00, 0x03, 0x30, 0x01, 0x32]),
            (.readTextPhotoAndFingerprint, [0x00, 0x03, 0x30, 0x10, 0x23]),
            (.readAppendedAddress, [0x00, 0x03, 0x30, 0x03, 0x30]),
            (.readCardSerial, [0x00, 0x03, 0x30, 0x05, 0x36]),
            (.setBaudRate(.b115200), [0x00, 0x03, 0x60, 0x00, 0x63]),
            (.setMaximumRFFrame(0x50), [0x00, 0x04, 0x61, 0xFF, 0x50, 0xCA]),
        ]
        for (command, tail) in table {
            #expect(command.encoded() == Frame.preamble + tail, "\(command.name)")
            #expect(SAMCommand(frame: command.frame) == command, "\(command.name) round trip")
        }
        #expect(SAMCommand(frame: CommandFrame(command: 0x77, parameter: 0x01)) == nil)
        #expect(SAMCommand(frame: CommandFrame(command: 0x60, parameter: 0x09)) == nil)
        // Data a command does not take makes it a different, unknown command (found by fuzzing).
        #expect(SAMCommand(frame: CommandFrame(command: 0x20, parameter: 0x01, data: [0x00])) == nil)
        #expect(SAMCommand(frame: CommandFrame(command: 0x61, parameter: 0xFF)) == nil)
    }

    @Test("SAM ID formats as %02d.%02d-%08d-%010d-%010d from little-endian fields")
    func samID() throws {
        let bytes: [UInt8] = [0x05, 0x00, 0x01, 0x00, 0x3A, 0xB5, 0x32, 0x01, 0x4E, 0x61, 0xBC, 0x00, 0xD2, 0x02, 0x96, 0x49]
        let id = try #require(SAMID(bytes: bytes))
        #expect(id.a == 5 && id.b == 1)
        #expect(id.c == 20_100_410)
        #expect(id.description == "05.01-20100410-0012345678-1234567890")
        #expect(id.bytes == bytes)
        #expect(SAMID(bytes: bytes.dropLast()) == nil)
    }

    @Test("every SW3 of domain.md §1 has a kind and Chinese and English text; unknown values stay generic")
    func statusWords() {
        let expectations: [(UInt8, SAMStatus.Kind)] = [
            (0x90, .success), (0x91, .empty), (0x9F, .success), (0x10, .hostError), (0x11, .hostError),
            (0x21, .hostError), (0x23, .samFault), (0x24, .unknown), (0x31, .retryCard), (0x32, .retryCard),
            (0x33, .retryCard), (0x40, .retryCard), (0x41, .retryCard), (0x47, .retryCard), (0x60, .samFault),
            (0x66, .samFault), (0x80, .noCard), (0x81, .retryCard),
        ]
        #expect(expectations.count == SAMStatus.known.count)
        for (raw, kind) in expectations {
            let s = SAMStatus(rawValue: raw)
            #expect(s.kind == kind, "SW3 \(s.hex)")
            #expect(!s.chineseText.contains("未知错误"), "SW3 \(s.hex) has its own text")
            #expect(!s.englishText.hasPrefix("unknown status"), "SW3 \(s.hex)")
            // Round trip through a frame.
            let body = ResponseFrame(sw1: 0x6A, sw2: 0x82, status: s).body
            #expect(ResponseFrame(body: body)?.status == s)
        }
        let odd = SAMStatus(rawValue: 0x55)
        #expect(odd.kind == .unknown)
        #expect(odd.chineseText.contains("55"))
        #expect(odd.englishText == "unknown status 0x55")
        #expect(ReaderError.status(command: "readTextAndPhoto", .readFailed, sw1: 0, sw2: 0).isRetryByPerson)
        #expect(!ReaderError.status(command: "samStatus", .samSelfTestFailed, sw1: 0, sw2: 0).isRetryByPerson)
    }

    @Test("card payload: 30 01 and 30 10 round trip; lengths that do not add up are refused")
    func cardPayload() throws {
        let text = [UInt8](repeating: 0x20, count: 256)
        let photo = [0x57, 0x4C] + [UInt8](repeating: 7, count: 1022)
        let fp = [UInt8](repeating: 0x43, count: 1024)
        let p = CardPayload(text: text, photo: photo, fingerprint: fp)
        let plain = p.encoded(withFingerprint: false)
        #expect(plain.count == 4 + 256 + 1024)
        #expect(try CardPayload.parse(plain, withFingerprint: false) == CardPayload(text: text, photo: photo))
        let withFP = p.encoded(withFingerprint: true)
        let parsed = try CardPayload.parse(withFP, withFingerprint: true)
        #expect(parsed == p)
        #expect(parsed.fingerprintTemplates.count == 2)
        // The full 30 01 answer is 1295 bytes on the wire (domain.md §1).
        #expect(ResponseFrame(status: .ok, data: plain).encoded().count == 1295)
        #expect(throws: ReaderError.self) { try CardPayload.parse(Array(plain.dropLast()), withFingerprint: false) }
        #expect(throws: ReaderError.self) { try CardPayload.parse([0, 1], withFingerprint: false) }
        #expect(throws: ReaderError.self) { try CardPayload.parse(plain, withFingerprint: true) }
        let short = CardPayload(text: [0x20, 0], photo: photo).encoded(withFingerprint: false)
        #expect(throws: ReaderError.self) { try CardPayload.parse(short, withFingerprint: false) }
    }

    @Test("appended address: up to four 70-byte UCS-2 records")
    func appendedAddress() throws {
        let data = AppendedAddressPayload.encode(["北京市东城区和平里一巷3号", "广州市越秀区某路5号"])
        #expect(data.count == 140)
        #expect(try AppendedAddressPayload.parse(data) == ["北京市东城区和平里一巷3号", "广州市越秀区某路5号"])
        #expect(throws: ReaderError.self) { try AppendedAddressPayload.parse(Array(data.dropLast())) }
        #expect(throws: ReaderError.self) { try AppendedAddressPayload.parse([UInt8](repeating: 0x20, count: 350)) }
    }
}

import IDCard
import Testing
@testable import SAMProtocol

/// Drives a session with a hand-held clock and hand-written SAM answers: no I/O, no sleeping.
private struct Harness {
    var session: ReaderSession
    var now = ContinuousClock.now
    var sent: [SAMCommand] = []
    var events: [ReaderEvent] = []
    var closes = 0
    var opens = 0

    init(_ configure: (inout ReaderSessionConfiguration) -> Void = { _ in }) {
        var c = ReaderSessionConfiguration()
        c.readerName = "serial:/dev/ttyTEST"
        configure(&c)
        session = ReaderSession(configuration: c)
    }

    mutating func apply(_ actions: [ReaderAction]) {
        for a in actions {
            switch a {
            case .open: opens += 1
            case let .send(bytes):
                var d = FrameDecoder()
                guard case let .frame(body)? = d.decode(bytes).first, let f = CommandFrame(body: body),
                    let c = SAMCommand(frame: f)
                else { Issue.record("session sent an undecodable frame \(bytes)"); continue }
                sent.append(c)
            case .close: closes += 1
            case let .emit(e):
                if case .diagnostic = e { continue }
                events.append(e)
            }
        }
    }

    mutating func answer(_ r: ResponseFrame) { apply(session.received(r.encoded(), at: now)) }
    mutating func bytes(_ b: [UInt8]) { apply(session.received(b, at: now)) }
    mutating func advance(_ d: Duration) {
        now = now + d
        apply(session.tick(at: now))
    }
    mutating func takeEvents() -> [ReaderEvent] { defer { events = [] }; return events }
    var lastSent: SAMCommand? { sent.last }

    /// Open → status → SAM ID → first find.
    mutating func startUp() {
        apply(session.start(at: now))
        apply(session.transportOpened(at: now))
        answer(ResponseFrame(status: .ok))
        answer(ResponseFrame(status: .ok, data: samIDBytes))
    }
}

private let samIDBytes = SAMID(a: 5, b: 1, c: 20_100_410, d: 12_345_678, e: 1_234_567_890).bytes
private let photo = [0x57, 0x4C] + [UInt8](repeating: 0x11, count: 1022)

private func textBlock(_ name: String, _ id: String) -> [UInt8] {
    TextBlock.encode(CardText(cardType: .resident, name: name, sex: "1", nation: "01",
                              birthDate: .date(year: 1949, month: 12, day: 31), idNumber: id))
}

private func readAnswer(_ text: [UInt8], fingerprint: [UInt8]? = nil) -> ResponseFrame {
    let payload = CardPayload(text: text, photo: photo, fingerprint: fingerprint ?? [])
    return ResponseFrame(status: .ok, data: payload.encoded(withFingerprint: fingerprint != nil))
}

private let eightBytes: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]

@Suite("Reader session state machine")
struct ReaderSessionTests {
    @Test("open: status, then SAM ID, then ready and polling")
    func startup() {
        var h = Harness()
        h.apply(h.session.start(at: h.now))
        #expect(h.opens == 1)
        h.apply(h.session.transportOpened(at: h.now))
        #expect(h.sent == [.samStatus])
        h.answer(ResponseFrame(status: .ok))
        #expect(h.sent == [.samStatus, .readSAMID])
        h.answer(ResponseFrame(status: .ok, data: samIDBytes))
        #expect(h.takeEvents() == [.ready(samId: "05.01-20100410-0012345678-1234567890")])
        #expect(h.lastSent == .findCard)
        #expect(h.session.samId == "05.01-20100410-0012345678-1234567890")
    }

    @Test("no card: polls find at the configured interval, not before")
    func polling() {
        var h = Harness { $0.pollInterval = .milliseconds(200) }
        h.startUp()
        _ = h.takeEvents()
        h.answer(ResponseFrame(status: .findFailed))
        let count = h.sent.count
        h.advance(.milliseconds(199))
        #expect(h.sent.count == count)
        h.advance(.milliseconds(1))
        #expect(h.sent.count == count + 1 && h.lastSent == .findCard)
    }

    @Test("a card is read once: find, select, read, appended address, report; removal after two empty finds")
    func readsCardOnce() throws {
        var h = Harness()
        h.startUp()
        _ = h.takeEvents()
        h.answer(ResponseFrame(status: .cardFound, data: [0, 0, 0, 0]))
        #expect(h.lastSent == .selectCard)
        h.answer(ResponseFrame(status: .ok, data: eightBytes))
        #expect(h.lastSent == .readTextAndPhoto)
        h.answer(readAnswer(textBlock("测试甲", "11010519491231002X")))
        #expect(h.lastSent == .readAppendedAddress)
        h.answer(ResponseFrame(status: .ok, data: AppendedAddressPayload.encode(["某市某区某路1号"])))
        let events = h.takeEvents()
        #expect(events.count == 1)
        guard case let .cardRead(card)? = events.first else { Issue.record("no card: \(events)"); return }
        #expect(card.text.name == "测试甲")
        #expect(card.text.idNumber == "11010519491231002X")
        #expect(card.photoWlt == photo)
        #expect(card.appendedAddresses == ["某市某区某路1号"])
        #expect(card.samId == "05.01-20100410-0012345678-1234567890")
        #expect(card.reader == "serial:/dev/ttyTEST")

        // The SAM answers 80 while the card stays (or after it left): the card is not reported again.
        h.advance(.milliseconds(150))
        h.answer(ResponseFrame(status: .findFailed))
        #expect(h.takeEvents().isEmpty)
        h.advance(.milliseconds(150))
        h.answer(ResponseFrame(status: .findFailed))
        #expect(h.takeEvents() == [.cardRemoved])
        h.advance(.milliseconds(150))
        h.answer(ResponseFrame(status: .findFailed))
        #expect(h.takeEvents().isEmpty)
    }

    @Test("with fingerprints configured: 30 10 and two templates; 91 means no appended address")
    func fingerprints() {
        var h = Harness { $0.readFingerprints = true }
        h.startUp()
        _ = h.takeEvents()
        h.answer(ResponseFrame(status: .cardFound, data: [0, 0, 0, 0]))
        h.answer(ResponseFrame(status: .ok, data: eightBytes))
        #expect(h.lastSent == .readTextPhotoAndFingerprint)
        let fp = [UInt8](repeating: 0x43, count: 512) + [UInt8](repeating: 0x44, count: 512)
        h.answer(readAnswer(textBlock("测试乙", "440524188001010014"), fingerprint: fp))
        h.answer(ResponseFrame(status: .itemEmpty))
        guard case let .cardRead(card)? = h.takeEvents().first else { Issue.record("no card"); return }
        #expect(card.fingerprints.count == 2)
        #expect(card.fingerprints[1].first == 0x44)
        #expect(card.appendedAddresses.isEmpty)
    }

    @Test("a SAM that repeats 9F for the same card: read again, reported once; a different card is reported")
    func sameCardNotRepeated() {
        var h = Harness { $0.readAppendedAddress = false }
        h.startUp()
        _ = h.takeEvents()
        for _ in 0..<3 {
            h.answer(ResponseFrame(status: .cardFound, data: [0, 0, 0, 0]))
            h.answer(ResponseFrame(status: .ok, data: eightBytes))
            h.answer(readAnswer(textBlock("测试甲", "11010519491231002X")))
            h.advance(.milliseconds(150))
        }
        #expect(h.takeEvents().filter { if case .cardRead = $0 { true } else { false } }.count == 1)
        h.answer(ResponseFrame(status: .cardFound, data: [0, 0, 0, 0]))
        h.answer(ResponseFrame(status: .ok, data: eightBytes))
        h.answer(readAnswer(textBlock("测试丙", "440524188001010014")))
        guard case let .cardRead(card)? = h.takeEvents().first else { Issue.record("no second card"); return }
        #expect(card.text.name == "测试丙")
    }

    @Test("card-side failures (41, 31, 32, 81) ask the person to retry and the session recovers")
    func retryableFailures() {
        for (stage, status) in [(SAMCommand.readTextAndPhoto, SAMStatus.readFailed), (.readTextAndPhoto, .cardFailedToAuthenticateSAM),
                                (.readTextAndPhoto, .samFailedToAuthenticateCard), (.selectCard, .selectFailed)] {
            var h = Harness { $0.readAppendedAddress = false }
            h.startUp()
            _ = h.takeEvents()
            h.answer(ResponseFrame(status: .cardFound, data: [0, 0, 0, 0]))
            if stage == .readTextAndPhoto { h.answer(ResponseFrame(status: .ok, data: eightBytes)) }
            h.answer(ResponseFrame(sw1: 0x6A, sw2: 0x82, status: status))
            let events = h.takeEvents()
            guard case let .cardError(error)? = events.first else { Issue.record("\(status): \(events)"); continue }
            #expect(error.isRetryByPerson)
            #expect(error.code == "reader.status.\(status.hex)")
            #expect(error.chineseMessage.contains("请将证件重新放置"))
            #expect(h.closes == 0)
            // Next poll finds the card again and this time it reads.
            h.advance(.milliseconds(150))
            #expect(h.lastSent == .findCard)
            h.answer(ResponseFrame(status: .cardFound, data: [0, 0, 0, 0]))
            h.answer(ResponseFrame(status: .ok, data: eightBytes))
            h.answer(readAnswer(textBlock("测试甲", "11010519491231002X")))
            #expect(h.takeEvents().count == 1)
        }
    }

    @Test("silence: each command retried, then a timeout fault, close, reopen with doubling backoff")
    func timeoutAndBackoff() {
        var h = Harness { c in
            c.statusTimeout = .milliseconds(500)
            c.attemptsPerCommand = 3
            c.reopenBackoffInitial = .seconds(1)
            c.reopenBackoffMaximum = .seconds(3)
        }
        h.apply(h.session.start(at: h.now))
        h.apply(h.session.transportOpened(at: h.now))
        h.advance(.milliseconds(500))
        h.advance(.milliseconds(500))
        #expect(h.sent == [.samStatus, .samStatus, .samStatus])
        #expect(h.closes == 0)
        h.advance(.milliseconds(500))
        #expect(h.closes == 1)
        #expect(h.takeEvents() == [.fault(.timeout(command: "samStatus", attempts: 3))])
        #expect(!h.session.isOpen)
        // Reopen after 1 s; the open fails; next try after 2 s, then capped at 3 s.
        h.advance(.milliseconds(999))
        #expect(h.opens == 1)
        h.advance(.milliseconds(1))
        #expect(h.opens == 2)
        let gone = ReaderError.cannotOpen(device: "serial:/dev/ttyTEST", reason: "No such file or directory")
        h.apply(h.session.transportOpenFailed(gone, at: h.now))
        #expect(h.takeEvents() == [.fault(gone)])
        h.advance(.milliseconds(1999))
        #expect(h.opens == 2)
        h.advance(.milliseconds(1))
        #expect(h.opens == 3)
        h.apply(h.session.transportOpenFailed(gone, at: h.now))
        h.advance(.seconds(3))
        #expect(h.opens == 4)
        h.apply(h.session.transportOpenFailed(gone, at: h.now))
        h.advance(.seconds(3))
        #expect(h.opens == 5)
        // It comes back: ready again, and the backoff starts over.
        h.apply(h.session.transportOpened(at: h.now))
        h.answer(ResponseFrame(status: .ok))
        h.answer(ResponseFrame(status: .ok, data: samIDBytes))
        #expect(h.takeEvents().last == .ready(samId: "05.01-20100410-0012345678-1234567890"))
    }

    @Test("a torn read answer is abandoned at the timeout and the read is retried")
    func tornFrame() {
        var h = Harness { $0.readAppendedAddress = false; $0.readTimeout = .seconds(2) }
        h.startUp()
        _ = h.takeEvents()
        h.answer(ResponseFrame(status: .cardFound, data: [0, 0, 0, 0]))
        h.answer(ResponseFrame(status: .ok, data: eightBytes))
        let full = readAnswer(textBlock("测试甲", "11010519491231002X")).encoded()
        h.bytes(Array(full.prefix(600)))
        #expect(h.takeEvents().isEmpty)
        let before = h.sent.count
        h.advance(.seconds(2))
        #expect(h.sent.count == before + 1 && h.lastSent == .readTextAndPhoto)
        h.bytes(full)
        guard case .cardRead? = h.takeEvents().first else { Issue.record("retry did not read"); return }
    }

    @Test("garbage and a bad checksum around an answer do not disturb the session")
    func noiseOnTheLine() {
        var h = Harness()
        h.apply(h.session.start(at: h.now))
        h.apply(h.session.transportOpened(at: h.now))
        var bad = ResponseFrame(status: .ok).encoded()
        bad[bad.count - 1] ^= 0x5A
        h.bytes([0x13, 0x37, 0xAA] + bad + [0xFF] + ResponseFrame(status: .ok).encoded())
        #expect(h.lastSent == .readSAMID)
    }

    @Test("a late answer to an earlier attempt is ignored as stale")
    func staleAnswer() {
        var h = Harness()
        h.startUp()
        _ = h.takeEvents()
        h.answer(ResponseFrame(status: .cardFound, data: [0, 0, 0, 0]))
        // A 9F arriving while waiting for select is stale, not a select answer.
        h.answer(ResponseFrame(status: .cardFound, data: [0, 0, 0, 0]))
        #expect(h.lastSent == .selectCard)
        h.answer(ResponseFrame(status: .ok, data: eightBytes))
        #expect(h.lastSent == .readTextAndPhoto)
    }

    @Test("SAM faults (60, 66) close and reopen; an unplug while a card is in the field reports its removal")
    func faults() {
        var h = Harness()
        h.apply(h.session.start(at: h.now))
        h.apply(h.session.transportOpened(at: h.now))
        h.answer(ResponseFrame(status: .samSelfTestFailed))
        #expect(h.closes == 1)
        guard case let .fault(error)? = h.takeEvents().first else { Issue.record("no fault"); return }
        #expect(error.code == "reader.status.60" && !error.isRetryByPerson)

        var u = Harness { $0.readAppendedAddress = false }
        u.startUp()
        u.answer(ResponseFrame(status: .cardFound, data: [0, 0, 0, 0]))
        u.answer(ResponseFrame(status: .ok, data: eightBytes))
        u.answer(readAnswer(textBlock("测试甲", "11010519491231002X")))
        _ = u.takeEvents()
        u.apply(u.session.transportFailed(.deviceGone(device: "serial:/dev/ttyTEST", reason: "EIO"), at: u.now))
        #expect(u.closes == 1)
        #expect(u.takeEvents() == [.fault(.deviceGone(device: "serial:/dev/ttyTEST", reason: "EIO")), .cardRemoved])
    }

    @Test("a malformed read answer is a fault, not a card, and polling continues")
    func malformedRead() {
        var h = Harness()
        h.startUp()
        _ = h.takeEvents()
        h.answer(ResponseFrame(status: .cardFound, data: [0, 0, 0, 0]))
        h.answer(ResponseFrame(status: .ok, data: eightBytes))
        var data = CardPayload(text: [UInt8](repeating: 0x20, count: 256), photo: photo).encoded(withFingerprint: false)
        data[3] = 0x01  // photo length no longer matches
        h.answer(ResponseFrame(status: .ok, data: data))
        guard case let .fault(error)? = h.takeEvents().first else { Issue.record("no fault"); return }
        #expect(error.code == "reader.malformedPayload")
        h.advance(.milliseconds(150))
        #expect(h.lastSent == .findCard)
    }
}

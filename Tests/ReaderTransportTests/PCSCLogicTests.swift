import IDCard
import SAMProtocol
import Testing
@testable import ReaderTransport

/// The PC/SC monitor's decisions, without pcscd.
@Suite("PCSC logic: reader states, presentations, backoff (no pcscd)")
struct PCSCLogicTests {
    typealias L = PCSCMonitorLogic
    static let present = L.statePresent
    static let empty = L.stateEmpty

    /// A state word as pcsc-lite reports it: flags + event counter in the high 16 bits (+ CHANGED).
    static func state(_ flags: UInt, counter: UInt) -> UInt { flags | (counter << 16) | L.stateChanged }

    func ready(_ names: [String], filter: PCSCReaderFilter = .all) -> L {
        var logic = L(filter: filter)
        _ = logic.listed(names)
        return logic
    }

    @Test("glob patterns: *, ?, literal, case-insensitive; nil matches everything; exact is exact")
    func glob() {
        let g = PCSCReaderFilter(pattern: "*ACR*")
        #expect(g.matches("ACS ACR1281U 00 00"))
        #expect(g.matches("acs acr122u"))
        #expect(!g.matches("Rig 47100 00 00"))
        #expect(PCSCReaderFilter(pattern: "Rig ???00 00 0?").matches("Rig 47100 00 01"))
        #expect(!PCSCReaderFilter(pattern: "Rig ???00 00 0?").matches("Rig 47100 00 011"))
        #expect(PCSCReaderFilter(pattern: "*").matches(""))
        #expect(PCSCReaderFilter(pattern: "a*b*c").matches("aXXbYYbc"))
        #expect(!PCSCReaderFilter(pattern: "a*b*c").matches("aXXbYYbd"))
        #expect(PCSCReaderFilter(pattern: nil).matches("anything"))
        #expect(PCSCReaderFilter.exact("A*").matches("A*"))
        #expect(!PCSCReaderFilter.exact("A*").matches("AB"))
    }

    @Test("backoff: 0.5 s doubling to 5 s, reset after the service is back")
    func backoff() {
        var b = PCSCBackoff()
        let waits = (0..<7).map { _ in b.next() }
        #expect(waits == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5), .seconds(5)])
        var logic = L(filter: .all)
        _ = logic.serviceFailed(PCSCError(function: "SCardEstablishContext", code: PCSCError.noService))
        _ = logic.nextBackoff()
        _ = logic.nextBackoff()
        #expect(logic.backoff.current == .seconds(2))
        _ = logic.listed([])
        #expect(logic.backoff.current == .milliseconds(500))
    }

    @Test("listing: readers added and removed, filter applied, serviceReady once per connection")
    func listing() {
        var logic = L(filter: .glob("*ACR*"))
        #expect(logic.listed(["ACS ACR1281U 00 00", "Other 00 00"]) == [
            .emit(.readerAdded("ACS ACR1281U 00 00")), .emit(.serviceReady(readers: ["ACS ACR1281U 00 00"])),
        ])
        #expect(logic.listed(["ACS ACR1281U 00 00", "Other 00 00"]) == [])
        #expect(logic.listed(["Other 00 00", "ACS ACR122U 00 00"]) == [
            .emit(.readerRemoved("ACS ACR1281U 00 00")), .emit(.readerAdded("ACS ACR122U 00 00")),
        ])
        // The PnP entry carries the service's total reader count in the high word.
        let states = logic.waitStates()
        #expect(states.map(\.reader) == ["ACS ACR122U 00 00", PCSCContext.plugAndPlayReader])
        #expect(states.last?.currentState == 2 << 16)
        #expect(states.first?.currentState == 0)  // unaware: pcsc-lite answers at once
    }

    @Test("a card is read once per presentation; removal reported after a read; the same card again is read again")
    func oncePerPresentation() {
        var logic = ready(["R"])
        #expect(logic.changed(reader: "R", eventState: Self.state(Self.empty, counter: 0)) == [])
        #expect(logic.changed(reader: "R", eventState: Self.state(Self.present, counter: 1)) == [.readCard("R")])
        let steps = logic.cardAnswered(reader: "R", response: [0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0x90, 0x00])
        let expected = CardRead(text: CardText(cardType: .physicalOnly), reader: "pcsc:R", cardNumber: "0123456789ABCDEF")
        #expect(steps == [.emit(.reader("R", .cardRead(expected)))])
        // Still there (state words without CHANGED, INUSE while connected): nothing more.
        #expect(logic.changed(reader: "R", eventState: Self.present | (1 << 16)) == [])
        #expect(logic.changed(reader: "R", eventState: Self.present | 0x0100 | (1 << 16)) == [])
        #expect(logic.waitStates().first?.currentState == Self.present | 0x0100 | (1 << 16))
        #expect(logic.changed(reader: "R", eventState: Self.state(Self.empty, counter: 2)) == [.emit(.reader("R", .cardRemoved))])
        #expect(logic.changed(reader: "R", eventState: Self.state(Self.present, counter: 3)) == [.readCard("R")])
    }

    @Test("removed and presented again between two looks (counter moved on): removal, then a new read")
    func quickSwap() {
        var logic = ready(["R"])
        _ = logic.changed(reader: "R", eventState: Self.state(Self.present, counter: 1))
        _ = logic.cardAnswered(reader: "R", response: [1, 2, 3, 4, 5, 6, 7, 8, 0x90, 0x00])
        #expect(logic.changed(reader: "R", eventState: Self.state(Self.present, counter: 3)) == [
            .emit(.reader("R", .cardRemoved)), .readCard("R"),
        ])
    }

    @Test("a failing card: cardError with the card's SW1 SW2, retry by person; no removal event afterwards")
    func failingCard() {
        var logic = ready(["R"])
        _ = logic.changed(reader: "R", eventState: Self.state(Self.present, counter: 1))
        let steps = logic.cardAnswered(reader: "R", response: [0x6F, 0x00])
        guard case let .emit(.reader("R", .cardError(error)))? = steps.first, steps.count == 1 else {
            Issue.record("expected one cardError, got \(steps)")
            return
        }
        #expect(error.isRetryByPerson)
        #expect(error == .status(command: "cardNumber (00 36)", .readFailed, sw1: 0x6F, sw2: 0x00))
        #expect(logic.changed(reader: "R", eventState: Self.state(Self.present, counter: 1)) == [])
        #expect(logic.changed(reader: "R", eventState: Self.state(Self.empty, counter: 2)) == [])
        // 90 00 with the wrong length is no card number either.
        _ = logic.changed(reader: "R", eventState: Self.state(Self.present, counter: 3))
        if case .emit(.reader(_, .cardError))? = logic.cardAnswered(reader: "R", response: [1, 2, 3, 0x90, 0x00]).first {} else {
            Issue.record("short answer must be a cardError")
        }
    }

    @Test("card removed mid-transaction: diagnostic with the pcsc code, then a retry-by-person cardError")
    func removedMidTransaction() {
        var logic = ready(["R"])
        _ = logic.changed(reader: "R", eventState: Self.state(Self.present, counter: 1))
        let error = PCSCError(function: "SCardTransmit", code: PCSCError.removedCard)
        let steps = logic.cardFailed(reader: "R", error: error)
        #expect(steps.count == 2)
        #expect(steps.first == .emit(.reader("R", .diagnostic("SCardTransmit: 0x80100069 \(error.text)"))))
        #expect(steps.last == .emit(.reader("R", .cardError(.status(command: "SCardTransmit", .readFailed, sw1: 0, sw2: 0)))))
        // Another failure is a fault of the reader, with the pcsc code and text in the reason.
        let other = logic.cardFailed(reader: "R", error: PCSCError(function: "SCardConnect", code: PCSCError.sharingViolation))
        guard case let .emit(.reader("R", .fault(.io(device, reason))))? = other.first else {
            Issue.record("expected an io fault, got \(other)")
            return
        }
        #expect(device == "pcsc:R")
        #expect(reason.hasPrefix("SCardConnect: 0x8010000B "))
    }

    @Test("a mute card is a cardError, once")
    func muteCard() {
        var logic = ready(["R"])
        let steps = logic.changed(reader: "R", eventState: Self.state(Self.present | L.stateMute, counter: 1))
        guard case .emit(.reader("R", .cardError))? = steps.first, steps.count == 1 else {
            Issue.record("expected one cardError, got \(steps)")
            return
        }
        #expect(logic.changed(reader: "R", eventState: Self.present | L.stateMute | (1 << 16)) == [])
    }

    @Test("service lost: one fault per outage (cannotOpen before the first success, deviceGone after), readers removed")
    func serviceLost() {
        let noService = PCSCError(function: "SCardEstablishContext", code: PCSCError.noService)
        var fresh = L(filter: .all)
        let first = fresh.serviceFailed(noService)
        guard case let .emit(.fault(.cannotOpen(device, reason)))? = first.first, first.count == 1 else {
            Issue.record("expected cannotOpen, got \(first)")
            return
        }
        #expect(device == "pcsc")
        #expect(reason == "SCardEstablishContext: 0x8010001D \(noService.text)")
        #expect(fresh.serviceFailed(noService) == [])  // still the same outage

        var logic = ready(["A", "B"])
        _ = logic.changed(reader: "A", eventState: Self.state(Self.present, counter: 1))
        _ = logic.cardAnswered(reader: "A", response: [1, 2, 3, 4, 5, 6, 7, 8, 0x90, 0x00])
        // After a crash of pcscd, pcsc-lite 1.9.9 answered SCardListReaders with SCARD_W_SECURITY_VIOLATION.
        let lost = logic.serviceFailed(PCSCError(function: "SCardListReaders", code: 0x8010_006A))
        guard case .emit(.fault(.deviceGone(device: "pcsc", _)))? = lost.first else {
            Issue.record("expected deviceGone first, got \(lost)")
            return
        }
        #expect(Array(lost.dropFirst()) == [
            .emit(.reader("A", .cardRemoved)), .emit(.readerRemoved("A")), .emit(.readerRemoved("B")),
        ])
        #expect(logic.listed(["A", "B"]) == [
            .emit(.readerAdded("A")), .emit(.readerAdded("B")), .emit(.serviceReady(readers: ["A", "B"])),
        ])
        // A new daemon counts from the start again: the card there is a new presentation.
        #expect(logic.changed(reader: "A", eventState: Self.state(Self.present, counter: 1)) == [.readCard("A")])
    }

    @Test("pcsc-lite codes: hex, text, kinds, mapping to ReaderError")
    func errors() {
        let e = PCSCError(function: "SCardEstablishContext", code: PCSCError.noService)
        #expect(e.hexCode == "0x8010001D")
        #expect(!e.text.isEmpty)
        #expect(e.isNoService)
        #expect(e.readerError(device: "pcsc") == .cannotOpen(device: "pcsc", reason: e.description))
        #expect(e.readerError(device: "pcsc", wasConnected: true) == .deviceGone(device: "pcsc", reason: e.description))
        #expect(PCSCError(function: "f", code: PCSCError.serviceStopped).isNoService)
        #expect(PCSCError(function: "f", code: PCSCError.removedCard).isCardGone)
        #expect(PCSCError(function: "f", code: PCSCError.unknownReader).readerError(device: "pcsc:X")
            == .deviceGone(device: "pcsc:X", reason: "f: 0x80100009 \(PCSCError.stringify(PCSCError.unknownReader))"))
        #expect(PCSCContext.splitMultiString(Array("A 00 00\0B 00 00\0\0".utf8CString)) == ["A 00 00", "B 00 00"])
        #expect(PCSCContext.splitMultiString([CChar]()) == [])
    }

    @Test("PCSCCardReader mapping: ready with an empty SAM ID, one fault per absence, cannotOpen when missing")
    func cardReaderMapping() {
        var logic = PCSCCardReaderLogic(readerName: "R")
        #expect(logic.map(.readerAdded("Other")) == [])
        #expect(logic.map(.readerAdded("R")) == [.ready(samId: "")])
        #expect(logic.map(.serviceReady(readers: ["R"])) == [])
        #expect(logic.map(.reader("R", .cardRemoved)) == [.cardRemoved])
        #expect(logic.map(.reader("Other", .cardRemoved)) == [])
        // The service goes: one fault, the readerRemoved that follows adds nothing.
        #expect(logic.map(.fault(.deviceGone(device: "pcsc", reason: "x"))) == [.fault(.deviceGone(device: "pcsc:R", reason: "x"))])
        #expect(logic.map(.readerRemoved("R")) == [])
        #expect(logic.map(.readerAdded("R")) == [.ready(samId: "")])
        #expect(logic.map(.readerRemoved("R")) == [.fault(.deviceGone(device: "pcsc:R", reason: "the PC/SC reader was removed"))])

        var missing = PCSCCardReaderLogic(readerName: "Nope")
        let events = missing.map(.serviceReady(readers: []), available: ["A", "B"])
        guard case let .fault(.cannotOpen(device, reason))? = events.first, events.count == 1 else {
            Issue.record("expected cannotOpen, got \(events)")
            return
        }
        #expect(device == "pcsc:Nope")
        #expect(reason == "no PC/SC reader of that name (readers: A, B)")
        #expect(missing.map(.serviceReady(readers: [])) == [])
        var down = PCSCCardReaderLogic(readerName: "R")
        #expect(down.map(.fault(.cannotOpen(device: "pcsc", reason: "no pcscd"))) == [.fault(.cannotOpen(device: "pcsc:R", reason: "no pcscd"))])
    }

    @Test("card numbers are masked in logs")
    func mask() {
        #expect(PCSCMonitor.mask("0123456789ABCDEF") == "************CDEF")
        #expect(PCSCMonitor.mask(nil) == "-")
    }
}

import Foundation
import Glibc
import IDCard
import SAMProtocol
import Testing
@testable import ReaderTransport

/// PCSCMonitor and PCSCCardReader against the real stack: pcscd 1.9.9 + vsmartcard's vpcd + a Python
/// virtual card (Tests/Fixtures/pcsc). One pcscd for the whole process; each test uses its own reader slot.
@Suite("PCSC on the real stack: pcscd + vpcd + virtual card", .serialized, .enabled(if: PCSCRig.available))
struct PCSCStackTests {
    typealias Event = PCSCMonitor.Event

    /// A monitor for exactly `reader`, started; the caller stops it.
    func monitor(_ filter: PCSCReaderFilter, waitTimeoutMilliseconds: UInt = 500) -> (PCSCMonitor, PCSCRecorder<Event>) {
        let monitor = PCSCMonitor(filter: filter, waitTimeoutMilliseconds: waitTimeoutMilliseconds)
        let events = PCSCRecorder<Event>()
        monitor.start { events.record($0) }
        return (monitor, events)
    }

    static func isCardRead(_ e: Event) -> Bool { if case .reader(_, .cardRead) = e { true } else { false } }
    static func isCardRead(in reader: String) -> (Event) -> Bool {
        { if case .reader(reader, .cardRead) = $0 { true } else { false } }
    }
    static func isCardError(_ e: Event) -> Bool { if case .reader(_, .cardError) = e { true } else { false } }
    static func isServiceReady(_ e: Event) -> Bool { if case .serviceReady = e { true } else { false } }
    static func isFault(_ e: Event) -> Bool { if case .fault = e { true } else { false } }

    func waitReady(_ events: PCSCRecorder<Event>, reader: String) throws {
        let ready = try #require(events.next(where: Self.isServiceReady), "no serviceReady: \(events.all)")
        #expect(ready == .serviceReady(readers: [reader]))
        #expect(events.all.first == .readerAdded(reader))
    }

    @Test("listReaders: the rig's six vpcd readers")
    func listReaders() throws {
        let rig = try PCSCRig.get()
        let names = try PCSCMonitor.listReaders()
        let expected = rig.basePorts.flatMap { [rig.reader(port: $0), rig.reader(port: $0 + 1)] }
        #expect(expected.allSatisfy(names.contains), "listed: \(names)")
        #expect(expected.count == 6)
    }

    @Test("card in: exactly one cardRead (number, pcsc:NAME, physicalOnly); out: cardRemoved; in again: read again")
    func cardInOutAndAgain() throws {
        let rig = try PCSCRig.get()
        let port = rig.basePorts[0]
        let reader = rig.reader(port: port)
        let (monitor, events) = monitor(.exact(reader))
        defer { monitor.stop() }
        try waitReady(events, reader: reader)

        let card = try rig.card(port: port, number: "0123456789ABCDEF")
        defer { card.remove() }
        let expected = CardRead(text: CardText(cardType: .physicalOnly), reader: "pcsc:\(reader)", cardNumber: "0123456789ABCDEF")
        let read = events.next(where: Self.isCardRead)
        #expect(read == .reader(reader, .cardRead(expected)), "events: \(events.all)\n\(rig.log)")
        // The card stays: no second read of the same presentation.
        let later = events.remaining(after: 1.2).filter { if case .reader(_, .diagnostic) = $0 { false } else { true } }
        #expect(later.isEmpty, "unexpected: \(later)")

        card.remove()
        #expect(events.next(where: { $0 == .reader(reader, .cardRemoved) }) != nil, "no cardRemoved: \(events.all)")

        let again = try rig.card(port: port, number: "0123456789ABCDEF")
        defer { again.remove() }
        #expect(events.next(where: Self.isCardRead) == .reader(reader, .cardRead(expected)), "events: \(events.all)")
        again.remove()
        #expect(events.next(where: { $0 == .reader(reader, .cardRemoved) }) != nil)
        #expect(events.all.filter(Self.isCardRead).count == 2)
    }

    @Test("a failing card (6F 00): cardError, retry by person, no cardRead, no cardRemoved")
    func failingCard() throws {
        let rig = try PCSCRig.get()
        let port = rig.basePorts[0] + 1
        let reader = rig.reader(port: port)
        let (monitor, events) = monitor(.exact(reader))
        defer { monitor.stop() }
        try waitReady(events, reader: reader)

        let card = try rig.card(port: port, mode: "fail")
        let error = events.next(where: Self.isCardError)
        guard case let .reader(name, .cardError(e))? = error else {
            Issue.record("no cardError: \(events.all)\n\(rig.log)")
            card.remove()
            return
        }
        #expect(name == reader)
        #expect(e == .status(command: "cardNumber (00 36)", .readFailed, sw1: 0x6F, sw2: 0x00))
        #expect(e.isRetryByPerson)
        card.remove()
        let rest = events.remaining(after: 1.0)
        #expect(!rest.contains(where: Self.isCardRead) && !rest.contains(.reader(reader, .cardRemoved)), "\(rest)")
        #expect(!events.all.contains(where: Self.isCardRead))
    }

    @Test("a card removed mid-transaction: cardError (place it again), no cardRead, monitor carries on")
    func removedMidTransaction() throws {
        let rig = try PCSCRig.get()
        let port = rig.basePorts[1]
        let reader = rig.reader(port: port)
        let (monitor, events) = monitor(.exact(reader))
        defer { monitor.stop() }
        try waitReady(events, reader: reader)

        let card = try rig.card(port: port, mode: "vanish")
        defer { card.remove() }
        let error = events.next(where: Self.isCardError)
        guard case let .reader(_, .cardError(e))? = error else {
            Issue.record("no cardError: \(events.all)\n\(rig.log)")
            return
        }
        #expect(e.isRetryByPerson, "\(e)")
        #expect(!events.all.contains(where: Self.isCardRead))
        #expect(!events.all.contains(where: Self.isFault), "\(events.all)")
        // A good card afterwards is read. (Wait until pcscd has polled the empty slot: vpcd cannot tell a
        // card that reconnects within one poll from one that stayed, so that would be the same presentation.)
        card.remove()
        Thread.sleep(forTimeInterval: 1.0)
        let good = try rig.card(port: port, number: "1122334455667788")
        defer { good.remove() }
        guard case let .reader(_, .cardRead(c))? = events.next(where: Self.isCardRead) else {
            Issue.record("no cardRead after the vanished card: \(events.all)")
            return
        }
        #expect(c.cardNumber == "1122334455667788")
    }

    @Test("PCSCCardReader: ready with an empty SAM ID, then card events of its reader only")
    func cardReaderPresent() throws {
        let rig = try PCSCRig.get()
        let port = rig.basePorts[1] + 1
        let reader = rig.reader(port: port)
        let driver = PCSCCardReader(readerName: reader)
        #expect(driver.deviceName == "pcsc:\(reader)")
        let events = EventRecorder()
        driver.start { events.record($0) }
        defer { driver.stop() }
        #expect(events.next(where: EventRecorder.isReady) == .ready(samId: ""), "\(events.all)")
        let card = try rig.card(port: port, number: "A1B2C3D4E5F60718")
        defer { card.remove() }
        guard case let .cardRead(c)? = events.next(where: EventRecorder.isCard) else {
            Issue.record("no card: \(events.all)")
            return
        }
        #expect(c.cardNumber == "A1B2C3D4E5F60718")
        #expect(c.reader == "pcsc:\(reader)")
        #expect(c.text.cardType == .physicalOnly)
        card.remove()
        #expect(events.next(where: EventRecorder.isRemoved) == .cardRemoved)
    }

    @Test("PCSCCardReader for a reader that does not exist: cannotOpen fault first, no ready")
    func cardReaderMissing() throws {
        _ = try PCSCRig.get()
        let driver = PCSCCardReader(readerName: "No Such Reader 00 00")
        let events = EventRecorder()
        driver.start { events.record($0) }
        let first = events.next(where: { _ in true })
        driver.stop()
        guard case let .fault(.cannotOpen(device, reason))? = first else {
            Issue.record("expected cannotOpen, got \(events.all)")
            return
        }
        #expect(device == "pcsc:No Such Reader 00 00")
        #expect(reason.contains("Rig "), "\(reason)")
        #expect(!events.all.contains(where: EventRecorder.isReady))
    }

    @Test("a USB reader plugged in and out while the monitor waits (pcscd's udev hot-plug under umockdev)")
    func readerHotPlug() throws {
        let rig = try PCSCRig.get()
        guard rig.usbPort != nil, let number = rig.usbCardNumber(slot: 0) else {
            // Not a skip: CI installs umockdev; without it this feature is untested, which must show.
            Issue.record("USB hot-plug rig unavailable: \(rig.usbUnavailable ?? "?")")
            return
        }
        let usb0 = "Rig USB 00 00", usb1 = "Rig USB 00 01"
        // A wait of 10 s: only the \\?PnP?\Notification entry can wake the monitor for a new reader in time
        // (and stop() must cancel the wait).
        let (monitor, events) = monitor(.glob("Rig USB *"), waitTimeoutMilliseconds: 10_000)
        defer { monitor.stop() }
        #expect(events.next(where: Self.isServiceReady) == .serviceReady(readers: []), "\(events.all)")

        let clock = ContinuousClock()
        let plugged = clock.now
        try rig.usb("usb-add")
        guard let (_, addedAt) = events.nextStamped(where: { $0 == .readerAdded(usb0) }) else {
            Issue.record("no readerAdded: \(events.all)\n\(rig.log)")
            return
        }
        print("pcsc hot-plug: readerAdded \(addedAt - plugged) after the uevent")
        #expect(events.waitUntil { $0.contains(.readerAdded(usb1)) }, "\(events.all)")
        // The reader comes with a card (vpcd in reverse mode connects to the card server at once).
        guard case let .reader(_, .cardRead(card))? = events.next(where: Self.isCardRead(in: usb0)) else {
            Issue.record("no card in the new reader: \(events.all)")
            return
        }
        #expect(card.cardNumber == number)
        #expect(card.reader == "pcsc:\(usb0)")

        try rig.usb("usb-remove")
        #expect(events.next(where: { $0 == .reader(usb0, .cardRemoved) }) != nil, "\(events.all)")
        #expect(events.waitUntil { $0.contains(.readerRemoved(usb0)) && $0.contains(.readerRemoved(usb1)) }, "\(events.all)")
        #expect(!events.all.contains(where: Self.isFault), "\(events.all)")

        // Plugged in again: announced and read again.
        try rig.usb("usb-add")
        #expect(events.next(where: { $0 == .readerAdded(usb0) }) != nil, "\(events.all)")
        #expect(events.next(where: Self.isCardRead(in: usb0)) != nil, "\(events.all)")
        try rig.usb("usb-remove")
        #expect(events.next(where: { $0 == .readerRemoved(usb0) }) != nil, "\(events.all)")
    }

    @Test("pcscd killed while the monitor waits: one fault, readers removed; back: readers and cards work again")
    func daemonRestart() throws {
        let rig = try PCSCRig.get()
        let port = rig.basePorts[2]
        let reader = rig.reader(port: port)
        let (monitor, events) = monitor(.glob("Rig *"))
        defer { monitor.stop() }
        _ = try #require(events.next(where: Self.isServiceReady), "\(events.all)")
        let card = try rig.card(port: port, number: "CAFEBABE00000001")
        defer { card.remove() }
        #expect(events.next(where: Self.isCardRead(in: reader)) != nil, "\(events.all)")

        rig.killDaemon(signal: SIGKILL)
        let fault = events.next(where: Self.isFault)
        guard case let .fault(.deviceGone(device, reason))? = fault else {
            Issue.record("expected deviceGone, got \(events.all)")
            return
        }
        #expect(device == "pcsc")
        #expect(reason.contains("0x8010"), "\(reason)")
        #expect(events.next(where: { $0 == .reader(reader, .cardRemoved) }) != nil, "\(events.all)")
        #expect(events.next(where: { $0 == .readerRemoved(reader) }) != nil, "\(events.all)")

        // While pcscd is down: listReaders and a single-reader driver report cannotOpen with the pcsc code.
        do {
            _ = try PCSCMonitor.listReaders()
            Issue.record("listReaders without pcscd must throw")
        } catch {
            guard case let .cannotOpen("pcsc", reason) = error else {
                Issue.record("expected cannotOpen, got \(error)")
                return
            }
            #expect(reason.hasPrefix("SCardEstablishContext: 0x8010001D"), "\(reason)")
        }
        let driver = PCSCCardReader(readerName: reader)
        let driverEvents = EventRecorder()
        driver.start { driverEvents.record($0) }
        let first = driverEvents.next(where: { _ in true })
        driver.stop()
        if case let .fault(.cannotOpen(device, reason))? = first {
            #expect(device == "pcsc:\(reader)")
            #expect(reason.hasPrefix("SCardEstablishContext: 0x8010001D"), "\(reason)")
        } else {
            Issue.record("expected cannotOpen, got \(driverEvents.all)")
        }

        card.remove()
        Thread.sleep(forTimeInterval: 0.6)  // the monitor is in its backoff
        try rig.startDaemon()
        #expect(events.next(within: 8, where: Self.isServiceReady) != nil, "monitor did not come back: \(events.all)")
        #expect(events.all.contains(.readerAdded(reader)))
        #expect(events.all.filter(Self.isFault).count == 1, "one fault per outage: \(events.all)")
        let again = try rig.card(port: port, number: "CAFEBABE00000002")
        defer { again.remove() }
        guard case let .reader(_, .cardRead(c))? = events.next(where: Self.isCardRead(in: reader)) else {
            Issue.record("no card after restart: \(events.all)\n\(rig.log)")
            return
        }
        #expect(c.cardNumber == "CAFEBABE00000002")
    }

    @Test("stop() returns promptly while the monitor waits")
    func stopIsPrompt() throws {
        _ = try PCSCRig.get()
        let (monitor, events) = monitor(.all)
        _ = events.next(where: Self.isServiceReady)
        let clock = ContinuousClock()
        let took = clock.measure { monitor.stop() }
        #expect(took < .milliseconds(300), "stop took \(took)")
    }
}

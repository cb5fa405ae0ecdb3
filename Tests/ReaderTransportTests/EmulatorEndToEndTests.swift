import Foundation
import IDCard
import ReaderSimulator
import SAMProtocol
import Testing
@testable import ReaderTransport

/// A temporary directory per test, removed at the end.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-test-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The emulator on a real pty and a ReaderRunner on a SerialPort opened by the link's path.
final class Rig: @unchecked Sendable {
    let dir: URL
    let link: String
    var server: EmulatorServer
    let runner: ReaderRunner
    let events = EventRecorder()

    init(_ configure: (inout ReaderSessionConfiguration) -> Void = { _ in }) throws {
        dir = try temporaryDirectory()
        link = dir.appendingPathComponent("ttySIM0").path
        server = try EmulatorServer(configuration: .init(linkPath: link, controlPath: nil))
        var c = ReaderSessionConfiguration()
        c.pollInterval = .milliseconds(20)
        c.readFingerprints = true
        c.reopenBackoffInitial = .milliseconds(100)
        c.reopenBackoffMaximum = .milliseconds(400)
        configure(&c)
        runner = ReaderRunner(transport: SerialPort(path: link), configuration: c)
        let events = self.events
        runner.start { events.record($0) }
    }

    func restartServer() throws {
        server = try EmulatorServer(configuration: .init(linkPath: link, controlPath: nil))
    }

    func shutdown() {
        runner.stop()
        server.stop()
        try? FileManager.default.removeItem(at: dir)
    }
}

@Suite("Reader path end to end: emulator on a real pty", .serialized)
struct EmulatorEndToEndTests {
    @Test("every card of the built-in deck is read once over the pty, exactly as the emulator holds it")
    func everyCardType() throws {
        let rig = try Rig()
        defer { rig.shutdown() }
        guard case let .ready(samId)? = rig.events.next(where: EventRecorder.isReady) else {
            Issue.record("reader never became ready: \(rig.events.all)")
            return
        }
        #expect(samId == SAMEmulator.defaultSAMID.description)
        var seenTypes = Set<CardType>()
        for name in CardDeck.builtInNames {
            let placed = try rig.server.place(named: name)
            guard case let .cardRead(card)? = rig.events.next(where: EventRecorder.isCard) else {
                Issue.record("\(name): no card read; events \(rig.events.all.suffix(5))")
                continue
            }
            #expect(card.text == placed.text.decoded, "\(name)")
            #expect(card.photoWlt == placed.photo, "\(name)")
            #expect(card.fingerprints == placed.fingerprints, "\(name)")
            #expect(card.appendedAddresses == placed.appendedAddresses, "\(name)")
            #expect(card.samId == samId)
            #expect(card.reader == "serial:\(rig.link)")
            seenTypes.insert(card.text.cardType)
            if name.hasPrefix("bad-") { #expect(!card.warnings.isEmpty, "\(name) carries its warning") }
            _ = rig.server.remove()
            #expect(rig.events.next(where: EventRecorder.isRemoved) == .cardRemoved, "\(name) removal")
        }
        #expect(seenTypes == Set(CardType.allCases).subtracting([.physicalOnly]))
        // Each presentation was reported once.
        #expect(rig.events.all.filter(EventRecorder.isCard).count == CardDeck.builtInNames.count)
    }

    /// A fault, the event it must produce (nil: none visible but a diagnostic), on which command.
    static let faults: [(String, EmulatorFault, String?)] = [
        ("garbage before the read answer", EmulatorFault(.garbage(40), on: CommandSelector(.readTextPhotoAndFingerprint)), nil),
        ("bad checksum on the read answer", EmulatorFault(.badChecksum, on: CommandSelector(.readTextPhotoAndFingerprint)), nil),
        ("torn read answer", EmulatorFault(.torn, on: CommandSelector(.readTextPhotoAndFingerprint)), nil),
        ("silence on find", EmulatorFault(.silence, on: CommandSelector(.findCard)), nil),
        ("silence on read", EmulatorFault(.silence, on: CommandSelector(.readTextPhotoAndFingerprint)), nil),
        ("trickling read answer", EmulatorFault(.trickle(.microseconds(500)), on: CommandSelector(.readTextPhotoAndFingerprint)), nil),
        ("status 41 read failed", EmulatorFault(.status(0x41), on: CommandSelector(.readTextPhotoAndFingerprint)), "reader.status.41"),
        ("status 31 card failed to authenticate SAM", EmulatorFault(.status(0x31), on: CommandSelector(.readTextPhotoAndFingerprint)), "reader.status.31"),
        ("status 32 SAM failed to authenticate card", EmulatorFault(.status(0x32), on: CommandSelector(.readTextPhotoAndFingerprint)), "reader.status.32"),
        ("status 81 select failed", EmulatorFault(.status(0x81), on: CommandSelector(.selectCard)), "reader.status.81"),
        ("status 80 at select: card gone", EmulatorFault(.status(0x80), on: CommandSelector(.selectCard)), nil),
        ("status 41 on the appended address", EmulatorFault(.status(0x41), on: CommandSelector(.readAppendedAddress)), nil),
    ]

    @Test("every injected fault gives a clear error or a silent retry, and the card is then read", arguments: 0..<faults.count)
    func faultRecovers(index: Int) throws {
        let (label, fault, code) = Self.faults[index]
        let rig = try Rig { $0.readTimeout = .seconds(3); $0.readWithFingerprintTimeout = .seconds(3) }
        defer { rig.shutdown() }
        #expect(rig.events.next(where: EventRecorder.isReady) != nil, "\(label): ready")
        rig.server.inject(fault)
        let placed = try rig.server.place(named: "resident-addr")
        if let code {
            guard case let .cardError(error)? = rig.events.next(where: { EventRecorder.isCardError($0) || EventRecorder.isCard($0) }) else {
                Issue.record("\(label): expected card error \(code); events \(rig.events.all)")
                return
            }
            #expect(error.code == code, "\(label)")
            #expect(error.isRetryByPerson, "\(label)")
            #expect(error.chineseMessage.contains("请将证件重新放置"), "\(label)")
        }
        guard case let .cardRead(card)? = rig.events.next(within: 10, where: EventRecorder.isCard) else {
            Issue.record("\(label): the card was not read after the fault; events \(rig.events.all)")
            return
        }
        #expect(card.text == placed.text.decoded, "\(label)")
        if fault.command == CommandSelector(.readAppendedAddress) {
            #expect(card.appendedAddresses.isEmpty)
            #expect(card.warnings.contains(CardWarning(rawValue: "appendedAddress.readFailed")))
        } else {
            #expect(card.appendedAddresses == placed.appendedAddresses, "\(label)")
        }
        #expect(!rig.events.all.contains(where: EventRecorder.isFault), "\(label): no device fault")
        #expect(rig.events.all.filter(EventRecorder.isCard).count == 1, "\(label): reported once")
    }

    @Test("a SAM that stops answering is reported, closed and reopened; it answers again and reads")
    func silentSAM() throws {
        let rig = try Rig { $0.statusTimeout = .milliseconds(150); $0.findTimeout = .milliseconds(150) }
        defer { rig.shutdown() }
        #expect(rig.events.next(where: EventRecorder.isReady) != nil)
        rig.server.inject(EmulatorFault(.silence, on: CommandSelector(.findCard), count: 3))
        guard case let .fault(error)? = rig.events.next(where: EventRecorder.isFault) else {
            Issue.record("no timeout fault: \(rig.events.all)")
            return
        }
        #expect(error.code == "reader.timeout")
        #expect(rig.events.next(where: EventRecorder.isReady) != nil, "ready again after reopen")
        _ = try rig.server.place(named: "hk")
        #expect(rig.events.next(where: EventRecorder.isCard) != nil)
    }

    @Test("unplug: deviceGone, the card in the field counts as removed, and the reader is reopened when it returns")
    func unplugAndReturn() throws {
        let rig = try Rig()
        defer { rig.shutdown() }
        #expect(rig.events.next(where: EventRecorder.isReady) != nil)
        _ = try rig.server.place(named: "resident")
        #expect(rig.events.next(where: EventRecorder.isCard) != nil)
        rig.server.stop()
        guard case let .fault(error)? = rig.events.next(where: EventRecorder.isFault) else {
            Issue.record("unplug not detected: \(rig.events.all)")
            return
        }
        #expect(error.code == "reader.deviceGone" || error.code == "reader.cannotOpen")
        #expect(rig.events.next(where: EventRecorder.isRemoved) == .cardRemoved)
        // While it is away, reopening fails quietly with backoff; then it comes back at the same path.
        Thread.sleep(forTimeInterval: 0.3)
        try rig.restartServer()
        #expect(rig.events.next(where: EventRecorder.isReady) != nil, "reopened")
        _ = try rig.server.place(named: "taiwan")
        guard case let .cardRead(card)? = rig.events.next(where: EventRecorder.isCard) else {
            Issue.record("no card after reopen")
            return
        }
        #expect(card.text.cardType == .hkMacaoTaiwan)
    }

    @Test("read loop: a missing device and a device that never answers end with distinct outcomes")
    func readLoopOutcomes() throws {
        var c = ReaderSessionConfiguration()
        c.statusTimeout = .milliseconds(100)
        let missing = CardReadLoop(transport: SerialPort(path: "/dev/renfang-none"), configuration: c)
            .run(count: 1, timeout: .seconds(5), card: { _ in }, notice: { _ in })
        guard case let .cannotOpen(error) = missing else { Issue.record("\(missing)"); return }
        #expect(error.code == "reader.cannotOpen")

        let pty = try PtyPair()  // a tty where nobody answers
        defer { pty.close() }
        let silent = CardReadLoop(transport: SerialPort(path: pty.slavePath), configuration: c)
            .run(count: 1, timeout: .seconds(5), card: { _ in }, notice: { _ in })
        guard case let .notAnswering(e2) = silent else { Issue.record("\(silent)"); return }
        #expect(e2.code == "reader.timeout")
    }

    @Test("read loop: stops after --count cards")
    func readLoopCount() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let link = dir.appendingPathComponent("tty").path
        let server = try EmulatorServer(configuration: .init(linkPath: link, controlPath: nil, initialCard: "foreigner2017"))
        defer { server.stop() }
        var c = ReaderSessionConfiguration()
        c.pollInterval = .milliseconds(20)
        let cards = EventRecorder()
        let outcome = CardReadLoop(transport: SerialPort(path: link), configuration: c)
            .run(count: 1, timeout: .seconds(10), card: { cards.record(.cardRead($0)) }, notice: { _ in })
        #expect(outcome == .done(cardsRead: 1))
        guard case let .cardRead(card)? = cards.next(within: 0, where: EventRecorder.isCard) else { Issue.record("no card"); return }
        #expect(card.text.cardType == .foreigner2017)
    }
}

import Foundation
import Glibc
import Logging
import ReaderSimulator
import SAMProtocol
import Testing
@testable import ReaderTransport

/// A reader manager's events.
typealias ManagerEvents = Recorder<ReaderManagerEvent>

private func fastSession() -> ReaderSessionConfiguration {
    var c = ReaderSessionConfiguration()
    c.pollInterval = .milliseconds(20)
    c.reopenBackoffInitial = .milliseconds(100)
    return c
}

@Suite("Reader manager: discovery and hot-plug over real ptys", .serialized)
struct ReaderManagerTests {
    @Test("tty globs: a reader plugged in is probed, added and read; unplugged it is removed; the other keeps working")
    func globHotPlug() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A tty that is not a reader (nobody answers) must never be added.
        let silent = try PtyPair()
        defer { silent.close() }
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("ttyX").path, withDestinationPath: silent.slavePath)

        let logger = Logger(label: "test")
        let source = SerialReaderSource.globs([dir.path + "/tty*"], session: fastSession(), logger: logger)
        let manager = ReaderManager(sources: [source], rescanInterval: .milliseconds(200), logger: logger)
        let events = ManagerEvents()
        manager.start { events.record($0) }
        defer { manager.stop() }

        let pathA = dir.appendingPathComponent("ttyA").path, pathB = dir.appendingPathComponent("ttyB").path
        let a = try EmulatorServer(configuration: .init(linkPath: pathA, controlPath: nil))
        let b = try EmulatorServer(configuration: .init(linkPath: pathB, controlPath: nil))
        defer { b.stop() }
        var added = Set<String>()
        for _ in 0..<2 {
            guard case let .readerAdded(info)? = events.next(within: 8, where: { if case .readerAdded = $0 { true } else { false } }) else {
                Issue.record("readers not added: \(events.all)")
                return
            }
            #expect(info.kind == .serial)
            #expect(info.samId == SAMEmulator.defaultSAMID.description, "the probe read the SAM ID")
            added.insert(info.deviceName)
        }
        #expect(added == ["serial:\(pathA)", "serial:\(pathB)"])
        #expect(!manager.readers.contains { $0.deviceName.hasSuffix("ttyX") })

        _ = try a.place(named: "resident")
        guard case let .cardRead(device, card)? = events.next(within: 8, where: { if case .cardRead = $0 { true } else { false } }) else {
            Issue.record("no card from A: \(events.all)")
            return
        }
        #expect(device == "serial:\(pathA)")
        #expect(card.reader == "serial:\(pathA)")

        // Unplug A: removed; B still reads.
        a.stop()
        guard case let .readerRemoved(info)? = events.next(within: 8, where: { if case .readerRemoved = $0 { true } else { false } }) else {
            Issue.record("A not removed: \(events.all)")
            return
        }
        #expect(info.deviceName == "serial:\(pathA)")
        _ = try b.place(named: "foreigner2023")
        guard case let .cardRead(deviceB, cardB)? = events.next(within: 8, where: { if case .cardRead = $0 { true } else { false } }) else {
            Issue.record("no card from B after A left: \(events.all)")
            return
        }
        #expect(deviceB == "serial:\(pathB)")
        #expect(cardB.text.cardType == .foreigner2023)
        #expect(manager.readers.map(\.deviceName) == ["serial:\(pathB)"])

        // Plug A back in: added again without a restart.
        let a2 = try EmulatorServer(configuration: .init(linkPath: pathA, controlPath: nil))
        defer { a2.stop() }
        guard case let .readerAdded(again)? = events.next(within: 8, where: { if case .readerAdded = $0 { true } else { false } }) else {
            Issue.record("A not re-added: \(events.all)")
            return
        }
        #expect(again.deviceName == "serial:\(pathA)")
    }

    @Test("a configured reader that is missing reports a fault and does not stop the others")
    func configuredMissing() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ttyOK").path
        let server = try EmulatorServer(configuration: .init(linkPath: path, controlPath: nil, initialCard: "hk"))
        defer { server.stop() }
        let logger = Logger(label: "test")
        let source = ConfiguredReaderSource(devices: [.serial(path: "/dev/renfang-missing"), .serial(path: path)],
                                            session: fastSession(), logger: logger)
        let manager = ReaderManager(sources: [source], rescanInterval: .milliseconds(200), logger: logger)
        let events = ManagerEvents()
        manager.start { events.record($0) }
        defer { manager.stop() }
        guard case let .readerFault(device, error)? = events.next(within: 8, where: { if case .readerFault = $0 { true } else { false } }) else {
            Issue.record("no fault: \(events.all)")
            return
        }
        #expect(device == "serial:/dev/renfang-missing")
        #expect(error.code == "reader.cannotOpen")
        guard case let .cardRead(okDevice, card)? = events.next(within: 8, where: { if case .cardRead = $0 { true } else { false } }) else {
            Issue.record("the good reader did not read: \(events.all)")
            return
        }
        #expect(okDevice == "serial:\(path)")
        #expect(card.text.cardType == .hkMacaoTaiwan)
        #expect(manager.readers.count == 2)
        #expect(manager.readers.allSatisfy { $0.configured })
    }
}

/// A source whose readers the test sets, and that announces changes like a hot-plug source.
final class ScriptedHotplugSource: ReaderHotplugSource, @unchecked Sendable {
    let name = "scripted"
    private let lock = NSLock()
    private var present: [DiscoveredReader] = []
    private var changed: (@Sendable () -> Void)?
    private(set) var stopped = false

    func scan(running: Set<String>) -> [DiscoveredReader] { lock.withLock { present } }

    func watchChanges(_ changed: @escaping @Sendable () -> Void) -> (@Sendable () -> Void)? {
        lock.withLock { self.changed = changed }
        return { [self] in lock.withLock { stopped = true } }
    }

    func plug(_ reader: DiscoveredReader) {
        let notify = lock.withLock { () -> (@Sendable () -> Void)? in
            present.append(reader)
            return changed
        }
        notify?()
    }
}

extension ReaderManagerTests {
    @Test("a hot-plug notice makes the manager rescan at once, not at the next interval; stop stops the watcher")
    func hotplugNotice() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ttyHP").path
        let server = try EmulatorServer(configuration: .init(linkPath: path, controlPath: nil))
        defer { server.stop() }
        let source = ScriptedHotplugSource()
        let manager = ReaderManager(sources: [source], rescanInterval: .seconds(60), logger: Logger(label: "test"))
        let events = ManagerEvents()
        manager.start { events.record($0) }
        Thread.sleep(forTimeInterval: 0.2)  // the first scan found nothing; the next would be in a minute
        let device = DeviceName.serial(path: path)
        let session = fastSession()
        let started = ContinuousClock.now
        source.plug(DiscoveredReader(info: ReaderInfo(kind: .serial, deviceName: device.description, path: path)) {
            () throws(ReaderError) in try device.makeDriver(session: session, logger: Logger(label: "test"))
        })
        guard case .readerAdded? = events.next(within: 5, where: { if case .readerAdded = $0 { true } else { false } }) else {
            Issue.record("no rescan after the notice: \(events.all)")
            manager.stop()
            return
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        manager.stop()
        #expect(source.stopped)
    }
}

import Foundation
import IDCard
import Logging
import SAMProtocol

/// What the reader manager reports.
public enum ReaderManagerEvent: Sendable, Hashable {
    /// A reader was found (configured, plugged in, or appeared in pcscd) and its session started.
    case readerAdded(ReaderInfo)
    /// A reader went away (unplugged, removed from pcscd) and its session was stopped.
    case readerRemoved(ReaderInfo)
    /// A reader answered its SAM ID and is waiting for cards.
    case readerReady(device: String, samId: String)
    case cardRead(device: String, CardRead)
    case cardRemoved(device: String)
    /// A read failed in a way the person can fix by placing the card again.
    case cardError(device: String, ReaderError)
    /// A device or protocol fault; the reader's session reopens by itself.
    case readerFault(device: String, ReaderError)
}

/// Runs one session per attached reader and follows readers as they come and go.
///
/// Every ``rescanInterval`` it asks each ``ReaderSource`` which readers are present; a reader that
/// appeared gets a driver (started at once), one that disappeared has its driver stopped. A failing
/// reader affects nothing else: each runs on its own thread.
public final class ReaderManager: @unchecked Sendable {
    public let sources: [any ReaderSource]
    public let rescanInterval: Duration
    private let logger: Logger
    private let lock = NSLock()
    private var running: [String: (info: ReaderInfo, driver: any ReaderDriver)] = [:]
    private var stopRequested = false
    private var thread: Thread?
    private var stopWatchers: [@Sendable () -> Void] = []
    private let wake = NSCondition()
    private let finished = DispatchSemaphore(value: 0)

    public init(sources: [any ReaderSource], rescanInterval: Duration = .seconds(2), logger: Logger = Logger(label: "renfang.readers")) {
        self.sources = sources
        self.rescanInterval = rescanInterval
        self.logger = logger
    }

    /// The readers running now, sorted by device name.
    public var readers: [ReaderInfo] {
        lock.lock()
        defer { lock.unlock() }
        return running.values.map(\.info).sorted { $0.deviceName < $1.deviceName }
    }

    /// Starts discovery; `handler` is called from the manager's and the readers' threads.
    public func start(_ handler: @escaping @Sendable (ReaderManagerEvent) -> Void) {
        lock.lock()
        precondition(thread == nil, "ReaderManager started twice")
        let t = Thread { [self] in
            while !self.shouldStop {
                self.rescan(handler)
                self.wake.lock()
                if !self.shouldStop {
                    _ = self.wake.wait(until: Date().addingTimeInterval(self.seconds(self.rescanInterval)))
                }
                self.wake.unlock()
            }
            self.finished.signal()
        }
        t.name = "reader manager"
        thread = t
        lock.unlock()
        // Sources that hear about hot-plug themselves wake the rescan at once.
        var stoppers: [@Sendable () -> Void] = []
        for source in sources {
            if let hotplug = source as? any ReaderHotplugSource,
                let stop = hotplug.watchChanges({ [weak self] in self?.rescanSoon() })
            {
                stoppers.append(stop)
            }
        }
        lock.lock()
        stopWatchers = stoppers
        lock.unlock()
        t.start()
    }

    /// Rescans now instead of at the next interval (e.g. after a udev or libusb hot-plug notice).
    public func rescanSoon() {
        wake.lock()
        wake.broadcast()
        wake.unlock()
    }

    /// Stops discovery and every reader, and waits for them.
    public func stop() {
        lock.lock()
        stopRequested = true
        let started = thread != nil
        let watchers = stopWatchers
        stopWatchers = []
        lock.unlock()
        for stop in watchers { stop() }
        rescanSoon()
        if started {
            finished.wait()
            finished.signal()
        }
        lock.lock()
        let drivers = running
        running = [:]
        lock.unlock()
        for (_, entry) in drivers { entry.driver.stop() }
    }

    private var shouldStop: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopRequested
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// One discovery pass: start what appeared, stop what disappeared.
    func rescan(_ handler: @escaping @Sendable (ReaderManagerEvent) -> Void) {
        lock.lock()
        let runningNames = Set(running.keys)
        lock.unlock()
        var present: [String: DiscoveredReader] = [:]
        for source in sources {
            for reader in source.scan(running: runningNames) where present[reader.info.deviceName] == nil {
                present[reader.info.deviceName] = reader
            }
        }
        lock.lock()
        let gone = running.filter { present[$0.key] == nil }
        let new = present.filter { running[$0.key] == nil }
        for name in gone.keys { running[name] = nil }
        lock.unlock()

        for (_, entry) in gone.sorted(by: { $0.key < $1.key }) {
            entry.driver.stop()
            logger.info("reader.removed", metadata: ["device": "\(entry.info.deviceName)"])
            handler(.readerRemoved(entry.info))
        }
        for (name, reader) in new.sorted(by: { $0.key < $1.key }) {
            guard !shouldStop else { return }
            let driver: any ReaderDriver
            do {
                driver = try reader.makeDriver()
            } catch {
                logger.warning("reader.unsupported", metadata: ["device": "\(name)", "code": "\(error.code)", "detail": "\(error)"])
                continue
            }
            lock.lock()
            running[name] = (reader.info, driver)
            lock.unlock()
            logger.info("reader.added", metadata: ["device": "\(name)", "kind": "\(reader.info.kind.rawValue)"])
            handler(.readerAdded(reader.info))
            driver.start { [weak self] event in
                self?.forward(event, from: name, handler)
            }
        }
    }

    private func forward(_ event: ReaderEvent, from device: String, _ handler: @Sendable (ReaderManagerEvent) -> Void) {
        switch event {
        case let .ready(samId):
            lock.lock()
            running[device]?.info.samId = samId.isEmpty ? nil : samId
            lock.unlock()
            handler(.readerReady(device: device, samId: samId))
        case let .cardRead(card): handler(.cardRead(device: device, card))
        case .cardRemoved: handler(.cardRemoved(device: device))
        case let .cardError(error): handler(.cardError(device: device, error))
        case let .fault(error): handler(.readerFault(device: device, error))
        case .diagnostic: break
        }
    }
}

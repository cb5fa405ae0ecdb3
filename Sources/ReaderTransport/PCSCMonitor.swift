import CPCSCLite
import Foundation
import IDCard
import Logging
import SAMProtocol

/// Watches every PC/SC reader (or those whose name matches a pattern) on one dedicated thread and reads
/// the physical card number of each ID card presented: the PC/SC path without a SAM.
///
/// The thread establishes a pcsc-lite context, lists the readers and waits in `SCardGetStatusChange` on
/// them plus `\\?PnP?\Notification`, so readers that appear or go away are noticed. When a card is
/// presented it connects (shared, T=0 or T=1), sends `00 36 00 00 08` and, on `90 00` with 8 data bytes,
/// reports a ``CardRead`` of type ``CardType/physicalOnly`` with the number as 16 upper-case hex digits —
/// once per presentation. Nothing else on the card is readable without a SAM.
///
/// When the PC/SC service (pcscd) is not running or goes away, the monitor reports one ``Event/fault(_:)``
/// and keeps re-establishing its context with backoff (0.5 s doubling to 5 s) until the service is back,
/// then picks the readers up again; it never stops by itself. Log lines carry keys and at most the last four
/// digits of a card number.
public final class PCSCMonitor: @unchecked Sendable {
    /// Something the monitor reports. Events of one monitor come in order, on its thread.
    public enum Event: Sendable, Hashable {
        /// A watched reader is there (at start, after the service came back, or plugged in).
        case readerAdded(String)
        /// A watched reader went away (unplugged, or the service went away).
        case readerRemoved(String)
        /// What happened in a reader: ``ReaderEvent/cardRead(_:)`` (reader `pcsc:NAME`, card number,
        /// ``CardType/physicalOnly``), ``ReaderEvent/cardRemoved`` (after a card that was read),
        /// ``ReaderEvent/cardError(_:)`` (the card failed or left mid-transaction: place it again),
        /// ``ReaderEvent/fault(_:)`` (the reader failed) or ``ReaderEvent/diagnostic(_:)``.
        case reader(String, ReaderEvent)
        /// The PC/SC service cannot be reached (``ReaderError/cannotOpen(device:reason:)`` when it never was
        /// since the last success, ``ReaderError/deviceGone(device:reason:)`` when it went away). Reported once
        /// per outage; the monitor retries with backoff and sends ``serviceReady(readers:)`` when it is back.
        case fault(ReaderError)
        /// The monitor reached the service and listed its readers (after start, and after each outage);
        /// `readers` are the watched ones, each already announced with ``readerAdded(_:)``.
        case serviceReady(readers: [String])
    }

    /// The glob the reader names must match (`*`, `?`; case-insensitive), nil for every reader.
    public let readerPattern: String?
    let filter: PCSCReaderFilter
    let backoff: PCSCBackoff
    /// Upper bound of one `SCardGetStatusChange` wait; `stop()` also cancels the wait at once.
    let waitTimeoutMilliseconds: UInt
    private let logger: Logger

    private let condition = NSCondition()
    private var stopRequested = false
    private var thread: Thread?
    private var activeContext: PCSCContext?
    private let finished = DispatchSemaphore(value: 0)

    /// A monitor for the readers whose names match `readerPattern` (a glob such as `*ACR*`; nil: all).
    public convenience init(readerPattern: String?, logger: Logger = Logger(label: "renfang.pcsc")) {
        self.init(filter: PCSCReaderFilter(pattern: readerPattern), readerPattern: readerPattern, logger: logger)
    }

    init(
        filter: PCSCReaderFilter,
        readerPattern: String? = nil,
        backoff: PCSCBackoff = PCSCBackoff(),
        waitTimeoutMilliseconds: UInt = 500,
        logger: Logger = Logger(label: "renfang.pcsc")
    ) {
        self.filter = filter
        self.readerPattern = readerPattern
        self.backoff = backoff
        self.waitTimeoutMilliseconds = waitTimeoutMilliseconds
        self.logger = logger
    }

    /// The names of all PC/SC readers, for `renfang readers`. Throws ``ReaderError/cannotOpen(device:reason:)``
    /// (device `pcsc`) when the service is not running, with pcsc-lite's code and text in the reason.
    public static func listReaders() throws(ReaderError) -> [String] {
        do {
            let context = try PCSCContext.establish()
            defer { context.release() }
            return try context.listReaders()
        } catch {
            throw error.readerError(device: "pcsc")
        }
    }

    /// Starts the monitor thread; `handler` is called on it for every event, in order.
    public func start(_ handler: @escaping @Sendable (Event) -> Void) {
        condition.lock()
        defer { condition.unlock() }
        precondition(thread == nil, "PCSCMonitor started twice")
        let t = Thread { [self] in
            self.loop(handler)
            self.finished.signal()
        }
        t.name = "pcsc monitor"
        thread = t
        t.start()
    }

    /// Asks the thread to stop and cancels a pending wait; returns at once.
    public func requestStop() {
        condition.lock()
        stopRequested = true
        activeContext?.cancel()  // under the lock: the thread releases the context only after taking it
        condition.broadcast()
        condition.unlock()
    }

    /// Stops and waits until the thread has finished and its context is released.
    public func stop() {
        requestStop()
        condition.lock()
        let started = thread != nil
        condition.unlock()
        if started {
            finished.wait()
            finished.signal()  // later stop() calls return at once
        }
    }

    // MARK: - The thread

    private var shouldStop: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopRequested
    }

    /// Sleeps for `duration` or until stop is requested.
    private func pause(_ duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let limit = Date().addingTimeInterval(seconds)
        condition.lock()
        while !stopRequested, condition.wait(until: limit) {}
        condition.unlock()
    }

    private func setActive(_ context: PCSCContext?) {
        condition.lock()
        let old = activeContext
        activeContext = context
        let stopping = stopRequested
        condition.unlock()
        if old !== context { old?.release() }
        if stopping { context?.cancel() }
    }

    private func loop(_ handler: @escaping @Sendable (Event) -> Void) {
        var logic = PCSCMonitorLogic(filter: filter, backoff: backoff)
        var context: PCSCContext?

        func emit(_ event: Event) {
            log(event)
            handler(event)
        }

        func perform(_ steps: [PCSCMonitorLogic.Step]) {
            for step in steps {
                switch step {
                case let .emit(event):
                    emit(event)
                case let .readCard(name):
                    guard let context, !shouldStop else { continue }
                    do {
                        let response = try context.transmitOnce(reader: name, apdu: PCSCMonitorLogic.cardNumberAPDU)
                        perform(logic.cardAnswered(reader: name, response: response))
                    } catch {
                        perform(logic.cardFailed(reader: name, error: error))
                    }
                }
            }
        }

        func lose(_ error: PCSCError) {
            setActive(nil)
            context = nil
            perform(logic.serviceFailed(error))
            let wait = logic.nextBackoff()
            logger.debug("pcsc.retry", metadata: ["detail": "\(error)", "waitMs": "\(wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000)"])
            pause(wait)
        }

        while !shouldStop {
            if context == nil {
                do {
                    let established = try PCSCContext.establish()
                    context = established
                    setActive(established)
                } catch {
                    lose(error)
                    continue
                }
            }
            guard let current = context else { continue }
            do {
                perform(logic.listed(try current.listReaders()))
                var states = logic.waitStates()
                do {
                    try current.waitForChange(&states, timeoutMilliseconds: waitTimeoutMilliseconds)
                } catch where error.code == PCSCError.timeout || error.code == PCSCError.cancelled {
                    continue
                }
                perform(logic.changed(states))
            } catch where error.isReaderGone {
                continue  // a reader went between the listing and the wait: list again
            } catch {
                lose(error)  // the service went away (or the context is unusable): start over
            }
        }
        setActive(nil)
        logger.info("pcsc.stopped")
    }

    private func log(_ event: Event) {
        switch event {
        case let .readerAdded(name):
            logger.info("pcsc.readerAdded", metadata: ["device": "\(PCSCMonitorLogic.deviceName(name))"])
        case let .readerRemoved(name):
            logger.info("pcsc.readerRemoved", metadata: ["device": "\(PCSCMonitorLogic.deviceName(name))"])
        case let .serviceReady(readers):
            logger.info("pcsc.ready", metadata: ["readers": "\(readers.count)"])
        case let .fault(error):
            logger.warning("pcsc.fault", metadata: ["code": "\(error.code)", "detail": "\(error)"])
        case let .reader(name, event):
            let device = Logger.MetadataValue.string(PCSCMonitorLogic.deviceName(name))
            switch event {
            case let .cardRead(card):
                logger.info("card.read", metadata: [
                    "device": device,
                    "cardType": "\(card.text.cardType.rawValue)",
                    "cardNumber": "\(Self.mask(card.cardNumber))",
                ])
            case .cardRemoved:
                logger.info("card.removed", metadata: ["device": device])
            case let .cardError(error):
                logger.notice("card.error", metadata: ["device": device, "code": "\(error.code)", "detail": "\(error)"])
            case let .fault(error):
                logger.warning("reader.fault", metadata: ["device": device, "code": "\(error.code)", "detail": "\(error)"])
            case let .diagnostic(text):
                logger.debug("reader.diagnostic", metadata: ["device": device, "detail": "\(text)"])
            case .ready:
                logger.info("reader.ready", metadata: ["device": device])
            }
        }
    }

    /// `************CDEF`: only the last four digits of a card number go to the log.
    static func mask(_ number: String?) -> String {
        guard let number else { return "-" }
        return String(repeating: "*", count: max(0, number.count - 4)) + number.suffix(4)
    }
}

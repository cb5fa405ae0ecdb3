import Foundation
import Logging
import SAMProtocol

/// One named PC/SC reader as a ``ReaderDriver`` (`pcsc:NAME`): a ``PCSCMonitor`` filtered to exactly that
/// name, its events turned into the ``ReaderEvent``s of a single reader.
///
/// - ``ReaderEvent/ready(samId:)`` with an **empty** SAM ID when the reader is there (at start, or when it
///   appears later): a PC/SC reader has no SAM; it only reads the physical card number.
/// - ``ReaderEvent/cardRead(_:)``, ``ReaderEvent/cardRemoved``, ``ReaderEvent/cardError(_:)`` as the monitor
///   reports them (``CardType/physicalOnly`` records with ``CardRead/cardNumber``).
/// - ``ReaderEvent/fault(_:)``: ``ReaderError/cannotOpen(device:reason:)`` when the reader is not there at
///   start (or pcscd is not running), ``ReaderError/deviceGone(device:reason:)`` when it goes away — once
///   per absence; the monitor keeps watching and reports `ready` again when the reader comes back. So a
///   caller that gives up on a fault before the first `ready` (as `renfang read` does) exits for a missing
///   reader, like it does for a missing serial device.
public final class PCSCCardReader: ReaderDriver, @unchecked Sendable {
    /// The pcsc-lite reader name, e.g. `ACS ACR1281U 00 00`.
    public let readerName: String
    private let monitor: PCSCMonitor

    /// The driver for the reader called exactly `readerName` (without the `pcsc:` prefix).
    public init(readerName: String, logger: Logger = Logger(label: "renfang.pcsc")) {
        self.readerName = readerName
        self.monitor = PCSCMonitor(filter: .exact(readerName), logger: logger)
    }

    /// `pcsc:NAME`.
    public var deviceName: String { PCSCMonitorLogic.deviceName(readerName) }

    /// Starts the monitor thread; `handler` is called on it for every event.
    public func start(_ handler: @escaping @Sendable (ReaderEvent) -> Void) {
        let mapper = Mapper(PCSCCardReaderLogic(readerName: readerName))
        monitor.start { event in
            for e in mapper.map(event) { handler(e) }
        }
    }

    /// Stops and waits until the monitor thread has finished.
    public func stop() {
        monitor.stop()
    }

    /// Holds the mapping state; only the monitor thread touches it.
    private final class Mapper: @unchecked Sendable {
        private var logic: PCSCCardReaderLogic
        init(_ logic: PCSCCardReaderLogic) { self.logic = logic }
        func map(_ event: PCSCMonitor.Event) -> [ReaderEvent] {
            if case let .serviceReady(readers) = event, !readers.contains(logic.readerName), !logic.present {
                // Name the readers that are there, for the operator (one extra listing, on the monitor thread).
                return logic.map(event, available: try? PCSCMonitor.listReaders())
            }
            return logic.map(event)
        }
    }
}

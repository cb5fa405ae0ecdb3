import Foundation
import Logging
import SAMProtocol

/// Readers on raw USB for ``ReaderManager``: every attached device of a bulk kind (split or single pipe)
/// in the known-readers table, run by a ``ReaderRunner`` over a ``USBBulkTransport`` opened by location.
///
/// HID readers are not supported yet and are left out (logged once per device); serial bridges belong to
/// serial discovery. Pair it with ``USBDiscovery/watch(pollInterval:reportExisting:useHotplugCallbacks:_:)``
/// calling ``ReaderManager/rescanSoon()`` to react to hot-plug at once instead of at the next rescan.
public final class USBReaderSource: ReaderSource, @unchecked Sendable {
    /// Which devices count as readers.
    public let discovery: USBDiscovery
    /// The session settings each reader runs with (its `readerName` is set per device).
    public let session: ReaderSessionConfiguration
    /// Where the readers' sessions log.
    public let logger: Logger
    /// `usb`.
    public var name: String { "usb" }
    private let lock = NSLock()
    private var reportedUnsupported = Set<String>()

    /// A source over `discovery` (its table decides what is a reader).
    public init(discovery: USBDiscovery = USBDiscovery(), session: ReaderSessionConfiguration, logger: Logger) {
        self.discovery = discovery
        self.session = session
        self.logger = logger
    }

    public func scan(running: Set<String>) -> [DiscoveredReader] {
        let devices: [USBReaderDevice]
        do {
            devices = try discovery.list()
        } catch {
            logger.debug("usb.list.failed", metadata: ["detail": "\(error)"])
            return []
        }
        var result: [DiscoveredReader] = []
        for device in devices {
            let name = device.deviceName.description
            guard device.isSupported else {
                if lock.withLock({ reportedUnsupported.insert(name).inserted }) {
                    logger.notice("usb.reader.unsupported", metadata: ["device": "\(name)", "kind": "\(device.kind.name)", "model": "\(device.model)"])
                }
                continue
            }
            var c = session
            c.readerName = name
            let (configuration, logger) = (c, self.logger)
            result.append(DiscoveredReader(info: device.readerInfo) { () throws(ReaderError) in
                ReaderRunner(transport: device.makeTransport(logger: logger), configuration: configuration, logger: logger)
            })
        }
        return result
    }
}

extension USBReaderSource: ReaderHotplugSource {
    /// libusb hot-plug callbacks where the platform has them (else the watcher polls): an arrival or a
    /// departure of a known device asks the manager to rescan now.
    public func watchChanges(_ changed: @escaping @Sendable () -> Void) -> (@Sendable () -> Void)? {
        do {
            let watcher = try discovery.watch(pollInterval: .seconds(2), reportExisting: false, useHotplugCallbacks: true) { _ in
                changed()
            }
            return { watcher.stop() }
        } catch {
            logger.debug("usb.watch.failed", metadata: ["detail": "\(error)"])
            return nil
        }
    }
}

import Logging
import SAMProtocol

/// PC/SC readers (through pcscd) for ``ReaderManager``: every reader pcscd lists whose name matches the
/// pattern, each run by a ``PCSCCardReader``. When pcscd is not running the source finds nothing (and says
/// so once in the debug log); readers come back on the next rescan after it has started.
public struct PCSCReaderSource: ReaderSource {
    /// A glob over reader names (`*ACR*`), nil for every reader.
    public let pattern: String?
    public let logger: Logger
    public var name: String { "pcsc" }

    public init(pattern: String?, logger: Logger) {
        self.pattern = pattern
        self.logger = logger
    }

    public func scan(running: Set<String>) -> [DiscoveredReader] {
        let names: [String]
        do {
            names = try PCSCMonitor.listReaders()
        } catch {
            logger.debug("pcsc.list.failed", metadata: ["detail": "\(error)"])
            return []
        }
        let filter = PCSCReaderFilter(pattern: pattern)
        let logger = self.logger
        return names.filter(filter.matches).map { readerName in
            let device = DeviceName.pcsc(readerName: readerName)
            return DiscoveredReader(info: ReaderInfo(kind: .pcsc, deviceName: device.description, model: readerName)) {
                () throws(ReaderError) in
                PCSCCardReader(readerName: readerName, logger: logger)
            }
        }
    }
}

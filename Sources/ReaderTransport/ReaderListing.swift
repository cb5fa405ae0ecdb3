import Logging
import SAMProtocol

/// A one-off list of the readers attached now (`renfang readers`): every source scanned once.
public enum ReaderListing {
    public static func list(options: ReaderDiscoveryOptions, logger: Logger) -> [ReaderInfo] {
        var seen = Set<String>()
        var result: [ReaderInfo] = []
        for source in options.sources(session: ReaderSessionConfiguration(), logger: logger) {
            for reader in source.scan(running: []) where seen.insert(reader.info.deviceName).inserted {
                var info = reader.info
                if info.kind == .usb, info.samId == nil, let device = try? DeviceName(parsing: info.deviceName),
                    let transport = try? device.makeUSBTransport(known: options.knownReaders, logger: logger)
                {
                    info.samId = (try? ReaderProbe.samID(of: transport))??.description
                }
                result.append(info)
            }
        }
        return result.sorted { ($0.kind.rawValue, $0.deviceName) < ($1.kind.rawValue, $1.deviceName) }
    }
}

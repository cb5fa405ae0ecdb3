import Logging
import SAMProtocol

/// A one-off list of the readers attached now (`renfang readers`): every source scanned once.
public enum ReaderListing {
    public static func list(options: ReaderDiscoveryOptions, logger: Logger) -> [ReaderInfo] {
        var seen = Set<String>()
        var result: [ReaderInfo] = []
        for source in options.sources(session: ReaderSessionConfiguration(), logger: logger) {
            for reader in source.scan(running: []) where seen.insert(reader.info.deviceName).inserted {
                result.append(reader.info)
            }
        }
        return result.sorted { ($0.kind.rawValue, $0.deviceName) < ($1.kind.rawValue, $1.deviceName) }
    }
}

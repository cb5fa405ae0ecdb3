import Logging
import SAMProtocol

/// Which readers to look for: the discovery part of the configuration.
public struct ReaderDiscoveryOptions: Sendable, Hashable {
    /// Readers named explicitly (always run, reopened with backoff when they fail).
    public var devices: [DeviceName] = []
    /// Look for USB-serial bridges with a known reader's VID:PID through udev.
    public var serialByUdev = true
    /// Extra VID:PIDs of USB-serial bridges that carry readers (added to the built-in table).
    public var extraSerialBridges: [VIDPID] = []
    /// tty globs to probe with `11 FF`, e.g. `/dev/ttyS*`.
    public var serialGlobs: [String] = []

    public init() {}
}

extension ReaderDiscoveryOptions {
    /// The sources for these options, in priority order (a device found twice is run once).
    public func sources(session: ReaderSessionConfiguration, logger: Logger) -> [any ReaderSource] {
        var sources: [any ReaderSource] = []
        if !devices.isEmpty {
            sources.append(ConfiguredReaderSource(devices: devices, session: session, logger: logger))
        }
        if serialByUdev {
            let ids = Set(KnownSerialBridges.vidPids + extraSerialBridges)
            sources.append(SerialReaderSource.udev(vidPids: ids, session: session, logger: logger))
        }
        if !serialGlobs.isEmpty {
            sources.append(SerialReaderSource.globs(serialGlobs, session: session, logger: logger))
        }
        return sources
    }
}

/// USB-serial bridges that ID card readers are built on (they carry GA 467 frames transparently).
/// A tty behind one of them is probed with `11 FF` before it is used, since the same chips serve other devices.
public enum KnownSerialBridges {
    public static let vidPids: [VIDPID] = [
        VIDPID(0x067B, 0x2303),  // Prolific PL2303
        VIDPID(0x1A86, 0x7523),  // WCH CH340
        VIDPID(0x1A86, 0x5523),  // WCH CH341
        VIDPID(0x10C4, 0xEA60),  // Silicon Labs CP210x
        VIDPID(0x0403, 0x6001),  // FTDI FT232R
    ]
}

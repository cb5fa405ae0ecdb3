import Logging
import SAMProtocol

/// Which readers to look for: the discovery part of the configuration.
public struct ReaderDiscoveryOptions: Sendable, Hashable {
    /// Readers named explicitly (always run, reopened with backoff when they fail).
    public var devices: [DeviceName] = []
    /// Look for USB-serial bridges with a known reader's VID:PID through udev.
    public var serialByUdev = true
    /// The table of known USB readers and USB-serial bridges (`USBKnownReaders.builtIn` plus the
    /// configuration's additions, see ``USBKnownReaders/with(extra:)``).
    public var knownReaders: USBKnownReaders = .builtIn
    /// tty globs to probe with `11 FF`, e.g. `/dev/ttyS*`.
    public var serialGlobs: [String] = []
    /// Look for raw USB readers of the known table (libusb).
    public var usb = true
    /// Look for PC/SC readers through pcscd.
    public var pcsc = true
    /// Only PC/SC readers whose name matches this glob (`*ACR*`); nil for all.
    public var pcscPattern: String?

    public init() {}
}

extension ReaderDiscoveryOptions {
    /// The sources for these options, in priority order (a device found twice is run once).
    public func sources(session: ReaderSessionConfiguration, logger: Logger) -> [any ReaderSource] {
        var sources: [any ReaderSource] = []
        if !devices.isEmpty {
            sources.append(ConfiguredReaderSource(devices: devices, session: session, known: knownReaders, logger: logger))
        }
        if serialByUdev {
            let ids = Set(knownReaders.serialBridgeVIDPIDs)
            sources.append(SerialReaderSource.udev(vidPids: ids, session: session, logger: logger))
        }
        if !serialGlobs.isEmpty {
            sources.append(SerialReaderSource.globs(serialGlobs, session: session, logger: logger))
        }
        if usb {
            sources.append(USBReaderSource(discovery: USBDiscovery(known: knownReaders), session: session, logger: logger))
        }
        if pcsc {
            sources.append(PCSCReaderSource(pattern: pcscPattern, logger: logger))
        }
        return sources
    }
}

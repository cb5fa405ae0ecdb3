import SAMProtocol

/// What is known about one attached reader, for `renfang readers`, the API and the pages.
public struct ReaderInfo: Hashable, Sendable, Codable {
    /// How the reader is attached.
    public enum Kind: String, Hashable, Sendable, Codable {
        case serial, usb, pcsc, sim
    }

    public var kind: Kind
    /// The device name used everywhere (`serial:/dev/ttyUSB0`, `usb:0400:c35a@1-2`, `pcsc:NAME`).
    public var deviceName: String
    /// The device node or bus path, when there is one.
    public var path: String?
    /// USB vendor:product (`0400:c35a`), for USB readers and USB-serial bridges.
    public var vidPid: String?
    /// Model or vendor text, when known.
    public var model: String?
    /// The SAM ID, once the reader has answered it (GA 467 readers only).
    public var samId: String?
    /// True when the reader comes from the configuration rather than discovery.
    public var configured: Bool

    public init(kind: Kind, deviceName: String, path: String? = nil, vidPid: String? = nil, model: String? = nil,
                samId: String? = nil, configured: Bool = false) {
        self.kind = kind
        self.deviceName = deviceName
        self.path = path
        self.vidPid = vidPid
        self.model = model
        self.samId = samId
        self.configured = configured
    }
}

/// A reader found by a ``ReaderSource``: its description and how to run it.
public struct DiscoveredReader: Sendable {
    public var info: ReaderInfo
    public var makeDriver: @Sendable () throws(ReaderError) -> any ReaderDriver

    public init(info: ReaderInfo, makeDriver: @escaping @Sendable () throws(ReaderError) -> any ReaderDriver) {
        self.info = info
        self.makeDriver = makeDriver
    }
}

/// One way of finding readers. ``ReaderManager`` asks every source on each rescan and diffs the answers
/// by device name: a reader that appears is started, one that disappears is stopped.
public protocol ReaderSource: Sendable {
    /// A short name for logs (`configured`, `serial-udev`, `usb`, `pcsc`, …).
    var name: String { get }
    /// The readers present now. Must not block for long (a probe of a new device at most), and must not
    /// open a device whose name is in `running`: its session owns it.
    func scan(running: Set<String>) -> [DiscoveredReader]
}

/// A source that can tell at once when its devices may have changed (libusb hot-plug callbacks, udev
/// events), so ``ReaderManager`` rescans immediately instead of at the next interval.
public protocol ReaderHotplugSource: ReaderSource {
    /// Starts watching and calls `changed` (from any thread) when readers may have come or gone. Returns
    /// the function that stops watching, or nil when watching is not possible here.
    func watchChanges(_ changed: @escaping @Sendable () -> Void) -> (@Sendable () -> Void)?
}

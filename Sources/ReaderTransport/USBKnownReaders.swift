/// How a USB device carries GA 467 frames.
public enum USBReaderKind: Hashable, Sendable, CustomStringConvertible {
    /// A vendor bulk device with one pipe pair for frame headers and one for bodies (0400:C35A): the host
    /// writes the 7-byte header (preamble + length) to ``USBSplitPipeEndpoints/headerOut`` and the rest to
    /// ``USBSplitPipeEndpoints/bodyOut``, and reads the answer's header from ``USBSplitPipeEndpoints/headerIn``
    /// and its body from ``USBSplitPipeEndpoints/bodyIn``.
    case splitPipe(USBSplitPipeEndpoints)
    /// A vendor bulk device with one bulk OUT/IN pair (found from its descriptors) carrying whole frames in
    /// chunks of `chunkSize` bytes.
    case singlePipe(chunkSize: Int)
    /// A HID reader. The vendor wrapping of GA 467 in HID reports is unconfirmed: listed, not opened.
    case hid
    /// A USB-serial bridge (CDC-ACM, PL2303, CH340, CP210x, FTDI) carrying frames transparently: it is read
    /// through its tty (`serial:/dev/ttyUSB0`), never through libusb.
    case serialBridge

    /// The split-pipe kind with the endpoints of 0400:C35A.
    public static let standardSplitPipe = USBReaderKind.splitPipe(.standard)
    /// The single-pipe kind with 64-byte chunks.
    public static let standardSinglePipe = USBReaderKind.singlePipe(chunkSize: 64)

    /// True for the kinds ``USBBulkTransport`` reads (split and single pipe).
    public var isBulk: Bool {
        switch self {
        case .splitPipe, .singlePipe: true
        case .hid, .serialBridge: false
        }
    }

    /// A short stable name: `split-pipe`, `single-pipe`, `hid`, `serial-bridge`.
    public var name: String {
        switch self {
        case .splitPipe: "split-pipe"
        case .singlePipe: "single-pipe"
        case .hid: "hid"
        case .serialBridge: "serial-bridge"
        }
    }

    public var description: String {
        switch self {
        case let .splitPipe(e): "split-pipe \(e)"
        case let .singlePipe(chunk): "single-pipe (\(chunk)-byte chunks)"
        case .hid: "hid (unsupported)"
        case .serialBridge: "serial-bridge (tty)"
        }
    }
}

/// The four bulk endpoints of a split-pipe reader.
public struct USBSplitPipeEndpoints: Hashable, Sendable, CustomStringConvertible {
    /// Where the host writes the 7-byte frame header (preamble + length).
    public var headerOut: UInt8
    /// Where the host writes the rest of the frame (body and checksum).
    public var bodyOut: UInt8
    /// Where the reader sends the 7-byte header of its answer.
    public var headerIn: UInt8
    /// Where the reader sends the rest of its answer (the length from the header).
    public var bodyIn: UInt8

    /// OUT 0x02 / 0x06, IN 0x81 / 0x85 (0400:C35A).
    public static let standard = USBSplitPipeEndpoints(headerOut: 0x02, bodyOut: 0x06, headerIn: 0x81, bodyIn: 0x85)

    /// Endpoints by address (IN addresses have bit 7 set).
    public init(headerOut: UInt8, bodyOut: UInt8, headerIn: UInt8, bodyIn: UInt8) {
        self.headerOut = headerOut
        self.bodyOut = bodyOut
        self.headerIn = headerIn
        self.bodyIn = bodyIn
    }

    public var description: String {
        "(out 0x\(usbHex(headerOut))/0x\(usbHex(bodyOut)), in 0x\(usbHex(headerIn))/0x\(usbHex(bodyIn)))"
    }
}

/// One entry of the known-readers table.
public struct USBKnownReader: Hashable, Sendable {
    /// What identifies the device.
    public enum Match: Hashable, Sendable, CustomStringConvertible {
        /// A USB vendor:product pair.
        case vidPid(VIDPID)
        /// Any device with an interface of this class and subclass (CDC-ACM: 0x02/0x02), whatever its VID:PID.
        case interfaceClass(UInt8, subclass: UInt8)

        public var description: String {
            switch self {
            case let .vidPid(id): id.description
            case let .interfaceClass(c, s): "class \(usbHex(c))/\(usbHex(s))"
            }
        }
    }

    /// What identifies the device.
    public var match: Match
    /// How it carries frames.
    public var kind: USBReaderKind
    /// Vendor or model text for people (which model has which ID is largely unconfirmed).
    public var model: String

    /// An entry.
    public init(match: Match, kind: USBReaderKind, model: String) {
        self.match = match
        self.kind = kind
        self.model = model
    }

    /// An entry for a VID:PID.
    public init(_ vidPid: VIDPID, _ kind: USBReaderKind, model: String) {
        self.init(match: .vidPid(vidPid), kind: kind, model: model)
    }

    /// Parses one configuration entry: `VID:PID KIND [MODEL TEXT]`, where KIND is `split-pipe`,
    /// `single-pipe` (64-byte chunks; `single-pipe:N` for N-byte chunks), `hid` or `serial-bridge`.
    /// Example: `1234:5678 single-pipe Some Vendor reader`. Returns nil when it does not parse.
    public init?(configuration text: String) {
        let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard words.count >= 2, let id = VIDPID(words[0].lowercased()) else { return nil }
        let kind: USBReaderKind
        let k = words[1].lowercased()
        switch k {
        case "split-pipe": kind = .standardSplitPipe
        case "single-pipe": kind = .standardSinglePipe
        case "hid": kind = .hid
        case "serial-bridge", "serial": kind = .serialBridge
        default:
            guard k.hasPrefix("single-pipe:"), let n = Int(k.dropFirst("single-pipe:".count)), (8...4096).contains(n)
            else { return nil }
            kind = .singlePipe(chunkSize: n)
        }
        let model = words.dropFirst(2).joined(separator: " ")
        self.init(id, kind, model: model.isEmpty ? "configured \(kind.name) device \(id)" : model)
    }
}

/// The one table of USB devices renfang knows: readers on raw USB and the USB-serial bridges readers are
/// built on. A pure value: ``builtIn`` plus entries from the configuration (``with(extra:)``).
///
/// Keep it in step with `udev/60-renfang-readers.rules` (a test compares them).
public struct USBKnownReaders: Hashable, Sendable {
    /// The entries; for a device matching several, the first VID:PID entry wins, then the first class entry.
    public var entries: [USBKnownReader]

    /// A table of exactly these entries.
    public init(entries: [USBKnownReader]) {
        self.entries = entries
    }

    /// The built-in table (domain.md §1; which model has which ID is unconfirmed).
    public static let builtIn = USBKnownReaders(entries: [
        USBKnownReader(VIDPID(0x0400, 0xC35A), .standardSplitPipe, model: "GA 467 SAM reader, vendor bulk, split header/body pipes"),
        USBKnownReader(VIDPID(0x0316, 0x5020), .standardSinglePipe, model: "GA 467 SAM reader, vendor bulk, one pipe pair"),
        USBKnownReader(VIDPID(0x0483, 0x5652), .standardSinglePipe, model: "GA 467 SAM reader on an STMicroelectronics MCU, one pipe pair"),
        USBKnownReader(VIDPID(0x0425, 0x8159), .hid, model: "GA 467 SAM reader, HID (vendor wrapping unconfirmed, not supported yet)"),
        USBKnownReader(VIDPID(0x067B, 0x2303), .serialBridge, model: "Prolific PL2303 USB-serial bridge"),
        USBKnownReader(VIDPID(0x1A86, 0x7523), .serialBridge, model: "WCH CH340 USB-serial bridge"),
        USBKnownReader(VIDPID(0x1A86, 0x5523), .serialBridge, model: "WCH CH341 USB-serial bridge"),
        USBKnownReader(VIDPID(0x10C4, 0xEA60), .serialBridge, model: "Silicon Labs CP210x USB-serial bridge"),
        USBKnownReader(VIDPID(0x0403, 0x6001), .serialBridge, model: "FTDI FT232R USB-serial bridge"),
        USBKnownReader(match: .interfaceClass(0x02, subclass: 0x02), kind: .serialBridge, model: "CDC-ACM USB-serial device"),
    ])

    /// This table with `extra` entries from the configuration in front: an extra entry for a VID:PID that
    /// is already known replaces it.
    public func with(extra: [USBKnownReader]) -> USBKnownReaders {
        let replaced = Set(extra.map(\.match))
        return USBKnownReaders(entries: extra + entries.filter { !replaced.contains($0.match) })
    }

    /// The entry for a VID:PID, ignoring class entries.
    public func entry(for vidPid: VIDPID) -> USBKnownReader? {
        entries.first { $0.match == .vidPid(vidPid) }
    }

    /// The entry for a device: its VID:PID first, else the first class entry one of its interfaces matches
    /// (`interfaces` holds (class, subclass) pairs).
    public func entry(for vidPid: VIDPID, interfaces: [(UInt8, UInt8)]) -> USBKnownReader? {
        if let e = entry(for: vidPid) { return e }
        return entries.first { e in
            guard case let .interfaceClass(c, s) = e.match else { return false }
            return interfaces.contains { $0.0 == c && $0.1 == s }
        }
    }

    /// The VID:PIDs of bridge entries (for finding their ttys through udev).
    public var serialBridgeVIDPIDs: [VIDPID] {
        entries.compactMap { e in
            guard e.kind == .serialBridge, case let .vidPid(id) = e.match else { return nil }
            return id
        }
    }

    /// The VID:PIDs of entries read over raw USB (bulk and HID).
    public var usbReaderVIDPIDs: [VIDPID] {
        entries.compactMap { e in
            guard e.kind != .serialBridge, case let .vidPid(id) = e.match else { return nil }
            return id
        }
    }
}

func usbHex(_ b: UInt8) -> String {
    let d = Array("0123456789abcdef")
    return String([d[Int(b >> 4)], d[Int(b & 0xF)]])
}

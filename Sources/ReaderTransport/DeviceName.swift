import SAMProtocol

/// A reader's name as used everywhere (config, CLI, API): `serial:/dev/ttyUSB0`, `usb:0400:c35a[@BUS-PORT]`,
/// `pcsc:<reader name>`, `sim:<name>`.
public enum DeviceName: Hashable, Sendable, CustomStringConvertible {
    case serial(path: String)
    case usb(vendorID: UInt16, productID: UInt16, location: String?)
    case pcsc(readerName: String)
    case sim(name: String)

    /// Parses a device name; a bare path starting with `/` is taken as a serial device.
    public init(parsing text: String) throws(ReaderError) {
        if text.hasPrefix("/") {
            self = .serial(path: text)
            return
        }
        guard let colon = text.firstIndex(of: ":") else { throw .badDeviceName(text) }
        let kind = text[..<colon].lowercased()
        let rest = String(text[text.index(after: colon)...])
        guard !rest.isEmpty else { throw .badDeviceName(text) }
        switch kind {
        case "serial":
            self = .serial(path: rest)
        case "pcsc":
            self = .pcsc(readerName: rest)
        case "sim":
            self = .sim(name: rest)
        case "usb":
            let parts = rest.split(separator: "@", maxSplits: 1).map(String.init)
            let ids = parts[0].split(separator: ":")
            guard ids.count == 2, ids.allSatisfy({ $0.count == 4 }),
                let vid = UInt16(ids[0], radix: 16), let pid = UInt16(ids[1], radix: 16)
            else { throw .badDeviceName(text) }
            self = .usb(vendorID: vid, productID: pid, location: parts.count > 1 ? parts[1] : nil)
        default:
            throw .badDeviceName(text)
        }
    }

    public var description: String {
        switch self {
        case let .serial(path): return "serial:\(path)"
        case let .usb(vid, pid, location):
            let hex = { (v: UInt16) -> String in
                let s = String(v, radix: 16)
                return String(repeating: "0", count: 4 - s.count) + s
            }
            return "usb:\(hex(vid)):\(hex(pid))" + (location.map { "@\($0)" } ?? "")
        case let .pcsc(name): return "pcsc:\(name)"
        case let .sim(name): return "sim:\(name)"
        }
    }
}

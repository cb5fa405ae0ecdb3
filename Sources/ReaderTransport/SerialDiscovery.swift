#if canImport(Glibc)
import Glibc
#endif
import CUDev

/// A serial tty that may carry a reader, with what udev knows about it.
public struct SerialCandidate: Hashable, Sendable {
    /// The device node, e.g. `/dev/ttyUSB0`.
    public var path: String
    /// USB vendor and product of the bridge (udev `ID_VENDOR_ID`/`ID_MODEL_ID`), when it is on USB.
    public var vendorID: UInt16?
    public var productID: UInt16?
    /// udev's `ID_MODEL` / `ID_SERIAL`, for display.
    public var model: String?

    public init(path: String, vendorID: UInt16? = nil, productID: UInt16? = nil, model: String? = nil) {
        self.path = path
        self.vendorID = vendorID
        self.productID = productID
        self.model = model
    }

    /// `serial:PATH`.
    public var deviceName: DeviceName { .serial(path: path) }
}

/// Finds serial ttys that may be readers: by udev properties (USB-serial bridges whose VID:PID is known)
/// and by file-name globs from the configuration (e.g. `/dev/ttyS*`, `/dev/renfang/*`).
public enum SerialDiscovery {
    /// Every tty udev knows with `ID_VENDOR_ID`/`ID_MODEL_ID` in `vidPids`.
    public static func udevCandidates(matching vidPids: Set<VIDPID>) -> [SerialCandidate] {
        guard let udev = udev_new() else { return [] }
        defer { udev_unref(udev) }
        guard let enumerate = udev_enumerate_new(udev) else { return [] }
        defer { udev_enumerate_unref(enumerate) }
        udev_enumerate_add_match_subsystem(enumerate, "tty")
        udev_enumerate_scan_devices(enumerate)
        var result: [SerialCandidate] = []
        var entry = udev_enumerate_get_list_entry(enumerate)
        while let e = entry {
            defer { entry = udev_list_entry_get_next(e) }
            guard let syspath = udev_list_entry_get_name(e),
                let device = udev_device_new_from_syspath(udev, syspath)
            else { continue }
            defer { udev_device_unref(device) }
            func property(_ key: String) -> String? {
                udev_device_get_property_value(device, key).map { String(cString: $0) }
            }
            guard let node = udev_device_get_devnode(device).map({ String(cString: $0) }) ?? property("DEVNAME"),
                let vid = property("ID_VENDOR_ID").flatMap({ UInt16($0, radix: 16) }),
                let pid = property("ID_MODEL_ID").flatMap({ UInt16($0, radix: 16) }),
                vidPids.contains(VIDPID(vid, pid))
            else { continue }
            result.append(SerialCandidate(path: node, vendorID: vid, productID: pid, model: property("ID_MODEL") ?? property("ID_SERIAL")))
        }
        return result.sorted { $0.path < $1.path }
    }

    /// The paths matching shell globs (`glob(3)`), sorted, without duplicates.
    public static func paths(matching globs: [String]) -> [String] {
        var found = Set<String>()
        for pattern in globs {
            var g = glob_t()
            defer { globfree(&g) }
            guard glob(pattern, 0, nil, &g) == 0 else { continue }
            for i in 0..<Int(g.gl_pathc) {
                if let p = g.gl_pathv[i] { found.insert(String(cString: p)) }
            }
        }
        return found.sorted()
    }
}

/// A USB vendor and product ID pair.
public struct VIDPID: Hashable, Sendable, CustomStringConvertible, Comparable {
    public var vendorID: UInt16
    public var productID: UInt16
    public init(_ vendorID: UInt16, _ productID: UInt16) {
        self.vendorID = vendorID
        self.productID = productID
    }

    /// Parses `0400:c35a`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts.allSatisfy({ $0.count == 4 }), let v = UInt16(parts[0], radix: 16),
            let p = UInt16(parts[1], radix: 16)
        else { return nil }
        self.init(v, p)
    }

    /// `0400:c35a`.
    public var description: String {
        func hex(_ x: UInt16) -> String {
            let s = String(x, radix: 16)
            return String(repeating: "0", count: 4 - s.count) + s
        }
        return "\(hex(vendorID)):\(hex(productID))"
    }

    public static func < (a: VIDPID, b: VIDPID) -> Bool {
        (a.vendorID, a.productID) < (b.vendorID, b.productID)
    }
}

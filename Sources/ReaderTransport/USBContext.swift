import CLibUSB
import SAMProtocol

/// The process-wide libusb context: `libusb_init` once, on first use, shared by every USB transport,
/// discovery and hot-plug watcher of the process (libusb serialises event handling between threads).
public final class USBContext: @unchecked Sendable {
    /// The `libusb_context *`; valid for the life of the process.
    let pointer: OpaquePointer

    private init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    private static let sharedResult: Result<USBContext, ReaderError> = {
        var context: OpaquePointer?
        let status = USBStatus(libusb_init(&context))
        guard status == .success, let context else {
            return .failure(.cannotOpen(device: "usb", reason: "libusb could not start (\(status.name)); is usbfs available?"))
        }
        return .success(USBContext(pointer: context))
    }()

    /// The shared context, started on first use. Fails only when libusb itself cannot start.
    public static func shared() throws(ReaderError) -> USBContext {
        try sharedResult.get()
    }

    /// Whether libusb reports device arrival and removal on this platform (`LIBUSB_CAP_HAS_HOTPLUG`).
    public var hasHotplug: Bool {
        libusb_has_capability(UInt32(LIBUSB_CAP_HAS_HOTPLUG.rawValue)) != 0
    }

    /// The devices attached now, with what discovery and opening need (no device is opened).
    func attachedDevices() -> [USBAttachedDevice] {
        withDeviceList { devices in devices.map(USBAttachedDevice.init(device:)) }
    }

    /// Runs `body` with the `libusb_device *`s attached now; they stay valid during the call.
    func withDeviceList<T, E: Error>(_ body: ([OpaquePointer]) throws(E) -> T) throws(E) -> T {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(pointer, &list)
        guard count >= 0, let list else { return try body([]) }
        defer { libusb_free_device_list(list, 1) }
        var devices: [OpaquePointer] = []
        devices.reserveCapacity(count)
        for i in 0..<count {
            if let d = list[i] { devices.append(d) }
        }
        return try body(devices)
    }
}

/// One bulk or interrupt endpoint from a configuration descriptor.
struct USBEndpointInfo: Hashable, Sendable {
    var address: UInt8
    /// `LIBUSB_TRANSFER_TYPE_*` (2 = bulk, 3 = interrupt).
    var transferType: UInt8
    var maxPacketSize: Int
    var isIn: Bool { address & 0x80 != 0 }
    var isBulk: Bool { transferType == UInt8(LIBUSB_TRANSFER_TYPE_BULK.rawValue) }
}

/// One interface (alternate setting 0) from a configuration descriptor.
struct USBInterfaceInfo: Hashable, Sendable {
    var number: UInt8
    var interfaceClass: UInt8
    var interfaceSubclass: UInt8
    var endpoints: [USBEndpointInfo]
}

/// What is known about an attached device without opening it.
struct USBAttachedDevice: Hashable, Sendable {
    var vidPid: VIDPID
    var bus: UInt8
    var address: UInt8
    /// Port numbers from the root hub down, e.g. [4, 1] for `1-4.1`.
    var ports: [UInt8]
    var interfaces: [USBInterfaceInfo]

    /// `BUS-PORT[.PORT…]` as in sysfs and in device names (`1-2`, `1-4.1`); `BUS-0` for a root hub.
    var location: String { USBAttachedDevice.location(bus: bus, ports: ports) }

    /// `/dev/bus/usb/BBB/DDD`.
    var node: String {
        func three(_ v: UInt8) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, 3 - s.count)) + s
        }
        return "/dev/bus/usb/\(three(bus))/\(three(address))"
    }

    static func location(bus: UInt8, ports: [UInt8]) -> String {
        ports.isEmpty ? "\(bus)-0" : "\(bus)-" + ports.map(String.init).joined(separator: ".")
    }

    init(vidPid: VIDPID, bus: UInt8, address: UInt8, ports: [UInt8], interfaces: [USBInterfaceInfo]) {
        self.vidPid = vidPid
        self.bus = bus
        self.address = address
        self.ports = ports
        self.interfaces = interfaces
    }

    /// Reads the cached descriptors of `device` (a `libusb_device *`); does not open it.
    init(device: OpaquePointer) {
        var descriptor = libusb_device_descriptor()
        _ = libusb_get_device_descriptor(device, &descriptor)
        var ports = [UInt8](repeating: 0, count: 8)
        let n = libusb_get_port_numbers(device, &ports, Int32(ports.count))
        self.init(
            vidPid: VIDPID(descriptor.idVendor, descriptor.idProduct),
            bus: libusb_get_bus_number(device),
            address: libusb_get_device_address(device),
            ports: n > 0 ? Array(ports.prefix(Int(n))) : [],
            interfaces: USBAttachedDevice.interfaces(of: device))
    }

    /// The interfaces of the active configuration (or of the first one when none is active).
    static func interfaces(of device: OpaquePointer) -> [USBInterfaceInfo] {
        var config: UnsafeMutablePointer<libusb_config_descriptor>?
        if libusb_get_active_config_descriptor(device, &config) != 0 || config == nil {
            config = nil
            guard libusb_get_config_descriptor(device, 0, &config) == 0 else { return [] }
        }
        guard let config else { return [] }
        defer { libusb_free_config_descriptor(config) }
        var result: [USBInterfaceInfo] = []
        let c = config.pointee
        for i in 0..<Int(c.bNumInterfaces) {
            let interface = c.interface[i]
            guard interface.num_altsetting > 0, let alt = interface.altsetting else { continue }
            let a = alt[0]
            var endpoints: [USBEndpointInfo] = []
            for j in 0..<Int(a.bNumEndpoints) {
                guard let ep = a.endpoint?[j] else { continue }
                endpoints.append(USBEndpointInfo(
                    address: ep.bEndpointAddress, transferType: ep.bmAttributes & 0x03,
                    maxPacketSize: Int(ep.wMaxPacketSize & 0x07FF)))
            }
            result.append(USBInterfaceInfo(
                number: a.bInterfaceNumber, interfaceClass: a.bInterfaceClass, interfaceSubclass: a.bInterfaceSubClass,
                endpoints: endpoints))
        }
        return result
    }

    /// Whether this device is the one a device name points at.
    func matches(vendorID: UInt16, productID: UInt16, location: String?) -> Bool {
        vidPid == VIDPID(vendorID, productID) && (location == nil || location == self.location)
    }
}

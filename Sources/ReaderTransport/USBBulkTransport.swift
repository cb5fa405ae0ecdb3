import CLibUSB
import Logging
import SAMProtocol

/// A GA 467 reader on raw USB through libusb: a split-pipe device (0400:C35A: frame headers and bodies on
/// separate bulk pipes) or a single-pipe device (one bulk OUT/IN pair, 64-byte chunks).
///
/// ``open()`` finds the device by VID:PID (and bus-port location such as `1-2` or `1-4.1` when given),
/// opens it, lets libusb detach a bound kernel driver, and claims the interface that has the endpoints.
/// ``read(timeout:)`` returns whatever arrives within the timeout; on a split-pipe device it reads the
/// answer's 7-byte header from the header pipe, then the body (its length from the header) from the body
/// pipe, continuing on the next call when the body is late. An unplugged device gives
/// ``ReaderError/deviceGone(device:reason:)`` (`LIBUSB_ERROR_NO_DEVICE`, or an I/O error once the device has
/// left the bus); opening errors give ``ReaderError/cannotOpen(device:reason:)`` with a reason a person can
/// act on (permission, busy, not attached). A libusb timeout is an empty read.
///
/// Blocking calls, used from one thread (see ``ByteTransport``); all transports share ``USBContext``.
public final class USBBulkTransport: ByteTransport, @unchecked Sendable {
    /// USB vendor ID.
    public let vendorID: UInt16
    /// USB product ID.
    public let productID: UInt16
    /// The bus-port location (`1-2`, `1-4.1`), or nil for the first device with the VID:PID.
    public let location: String?
    /// Split or single pipe (``USBReaderKind/isBulk`` kinds only; the others refuse to open).
    public let kind: USBReaderKind
    /// How long one bulk OUT transfer may take before the write fails.
    public let writeTimeout: Duration
    /// `usb:VID:PID[@LOCATION]`.
    public var deviceName: String {
        DeviceName.usb(vendorID: vendorID, productID: productID, location: location).description
    }

    private let logger: Logger

    private enum Pipes {
        case split(USBSplitPipeEndpoints, interface: UInt8, headerPacket: Int, bodyPacket: Int)
        case single(out: UInt8, in: UInt8, interface: UInt8, chunk: Int, inPacket: Int)

        var interface: UInt8 {
            switch self {
            case let .split(_, i, _, _), let .single(_, _, i, _, _): i
            }
        }
    }

    // Touched only by the thread that drives the transport.
    private var context: USBContext?
    private var handle: OpaquePointer?
    private var pipes: Pipes?
    private var device: USBAttachedDevice?
    /// Split pipe: body bytes of the current answer still expected on the body pipe.
    private var pendingBody = 0
    /// Split pipe: the start of a header that arrived in pieces.
    private var partialHeader: [UInt8] = []

    /// A transport for `vendorID:productID` at `location` (nil: the first one found), of `kind`.
    public init(
        vendorID: UInt16, productID: UInt16, location: String? = nil, kind: USBReaderKind,
        writeTimeout: Duration = .seconds(1), logger: Logger = Logger(label: "renfang.usb")
    ) {
        self.vendorID = vendorID
        self.productID = productID
        self.location = location
        self.kind = kind
        self.writeTimeout = writeTimeout
        self.logger = logger
    }

    deinit { close() }

    /// True between a successful ``open()`` and ``close()``.
    public var isOpen: Bool { handle != nil }

    /// The bus-port location of the device opened last (`1-2`), once open.
    public var openedLocation: String? { device?.location }

    public func open() throws(ReaderError) {
        close()
        let id = VIDPID(vendorID, productID)
        switch kind {
        case .hid:
            throw .cannotOpen(device: deviceName, reason: "HID readers (\(id)) are not supported yet: the vendor's HID wrapping of GA 467 is unconfirmed")
        case .serialBridge:
            throw .cannotOpen(device: deviceName, reason: "\(id) is a USB-serial bridge: read it through its tty (serial:/dev/ttyUSB0, serial:/dev/ttyACM0), not over raw USB")
        case .splitPipe, .singlePipe:
            break
        }
        let context: USBContext
        do {
            context = try USBContext.shared()
        } catch {
            throw .cannotOpen(device: deviceName, reason: "\(error)")
        }
        let name = deviceName
        let (vid, pid, location) = (vendorID, productID, self.location)
        let (handle, device) = try context.withDeviceList { (list) throws(ReaderError) -> (OpaquePointer, USBAttachedDevice) in
            let all = list.map { ($0, USBAttachedDevice(device: $0)) }.filter { $0.1.vidPid == id }
            let matching = all.filter { $0.1.matches(vendorID: vid, productID: pid, location: location) }
                .sorted { $0.1.bus != $1.1.bus ? $0.1.bus < $1.1.bus : $0.1.ports.lexicographicallyPrecedes($1.1.ports) }
            guard let (pointer, info) = matching.first else {
                if let location, !all.isEmpty {
                    let elsewhere = all.map(\.1.location).sorted().joined(separator: ", ")
                    throw .cannotOpen(device: name, reason: "not attached at \(location) (\(id) is attached at \(elsewhere))")
                }
                throw .cannotOpen(device: name, reason: "not attached (no USB device \(id)\(location.map { " at \($0)" } ?? ""))")
            }
            var handle: OpaquePointer?
            let status = USBStatus(libusb_open(pointer, &handle))
            guard status == .success, let handle else {
                throw .cannotOpen(device: name, reason: status.openReason(doing: "open the reader", node: info.node))
            }
            return (handle, info)
        }
        let pipes: Pipes
        do {
            pipes = try Self.pipes(for: kind, in: device.interfaces, name: name)
        } catch {
            libusb_close(handle)
            throw error
        }
        let interface = Int32(pipes.interface)
        // Let libusb detach a bound kernel driver when claiming (and reattach it on release). Where that is
        // not supported, detach by hand; a failure there is not fatal: claiming says whether it matters.
        if libusb_kernel_driver_active(handle, interface) == 1 {
            logger.notice("usb.kernelDriver.detach", metadata: ["device": "\(name)", "interface": "\(interface)"])
        }
        if USBStatus(libusb_set_auto_detach_kernel_driver(handle, 1)) != .success,
            libusb_kernel_driver_active(handle, interface) == 1
        {
            let status = USBStatus(libusb_detach_kernel_driver(handle, interface))
            if status != .success {
                logger.notice("usb.kernelDriver.detachFailed", metadata: ["device": "\(name)", "status": "\(status)"])
            }
        }
        let claimed = USBStatus(libusb_claim_interface(handle, interface))
        guard claimed == .success else {
            libusb_close(handle)
            throw .cannotOpen(device: name, reason: claimed.openReason(doing: "claim interface \(interface)", node: device.node))
        }
        self.context = context
        self.handle = handle
        self.pipes = pipes
        self.device = device
        pendingBody = 0
        partialHeader = []
        logger.debug("usb.opened", metadata: [
            "device": "\(name)", "location": "\(device.location)", "node": "\(device.node)", "kind": "\(kind.name)",
        ])
    }

    public func write(_ bytes: [UInt8]) throws(ReaderError) {
        guard let handle, let pipes else { throw .io(device: deviceName, reason: "not open") }
        // A new command: whatever was left of an earlier answer is abandoned.
        pendingBody = 0
        partialHeader = []
        switch pipes {
        case let .split(e, _, _, _):
            let header = min(Frame.headerSize, bytes.count)
            try transferOut(handle, e.headerOut, bytes[0..<header])
            if bytes.count > header { try transferOut(handle, e.bodyOut, bytes[header...]) }
        case let .single(out, _, _, chunk, _):
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + chunk)
                try transferOut(handle, out, bytes[offset..<end])
                offset = end
            }
        }
    }

    public func read(timeout: Duration) throws(ReaderError) -> [UInt8] {
        guard let handle, let pipes else { throw .io(device: deviceName, reason: "not open") }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        switch pipes {
        case let .split(e, _, headerPacket, bodyPacket):
            var received: [UInt8] = []
            if pendingBody == 0 {
                let header = try transferIn(handle, e.headerIn, length: max(headerPacket, 64), until: deadline)
                if header.isEmpty { return [] }
                received = header
                takeHeaderBytes(header)
            }
            // The body follows at once on a healthy reader; when it is late, the next read continues it.
            while pendingBody > 0 {
                let length = min(16 * 1024, roundUp(pendingBody, to: bodyPacket))
                let body = try transferIn(handle, e.bodyIn, length: length, until: deadline)
                if body.isEmpty { break }
                received += body
                pendingBody = max(0, pendingBody - body.count)
                if clock.now >= deadline { break }
            }
            return received
        case let .single(_, input, _, chunk, inPacket):
            let packet = max(chunk, inPacket)
            var received = try transferIn(handle, input, length: packet, until: deadline)
            var last = received.count
            // Full packets: more of the same answer may follow right behind.
            while last == packet, received.count < 16 * 1024, !Self.holdsCompleteFrame(received) {
                let more = try transferIn(handle, input, length: packet, until: clock.now + .milliseconds(5))
                if more.isEmpty { break }
                received += more
                last = more.count
            }
            return received
        }
    }

    public func close() {
        guard let handle else { return }
        if let pipes {
            _ = libusb_release_interface(handle, Int32(pipes.interface))
        }
        libusb_close(handle)
        self.handle = nil
        pipes = nil
        pendingBody = 0
        partialHeader = []
    }

    // MARK: - Internals

    /// Tracks the answer header bytes arriving on the header pipe and how much body they announce.
    private func takeHeaderBytes(_ bytes: [UInt8]) {
        partialHeader += bytes
        while !partialHeader.isEmpty {
            let n = min(Frame.preamble.count, partialHeader.count)
            if Array(partialHeader.prefix(n)) != Array(Frame.preamble.prefix(n)) {
                // Not a header: let the frame decoder discard it.
                partialHeader = []
                return
            }
            guard partialHeader.count >= Frame.headerSize else { return }
            let length = Int(partialHeader[5]) << 8 | Int(partialHeader[6])
            let extra = partialHeader.count - Frame.headerSize
            pendingBody = max(0, length - extra)
            partialHeader = []
        }
    }

    /// True when `bytes` start with a frame header and hold the whole frame it announces.
    private static func holdsCompleteFrame(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= Frame.headerSize, Array(bytes.prefix(Frame.preamble.count)) == Frame.preamble else { return false }
        let length = Int(bytes[5]) << 8 | Int(bytes[6])
        return bytes.count >= Frame.headerSize + length
    }

    private static func pipes(for kind: USBReaderKind, in interfaces: [USBInterfaceInfo], name: String) throws(ReaderError) -> Pipes {
        switch kind {
        case let .splitPipe(e):
            for interface in interfaces {
                let byAddress = Dictionary(interface.endpoints.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
                guard let hIn = byAddress[e.headerIn], let bIn = byAddress[e.bodyIn],
                    byAddress[e.headerOut] != nil, byAddress[e.bodyOut] != nil
                else { continue }
                return .split(e, interface: interface.number, headerPacket: max(hIn.maxPacketSize, 8),
                              bodyPacket: max(bIn.maxPacketSize, 8))
            }
            throw .cannotOpen(device: name, reason: "no interface has the split-pipe endpoints \(e); is the known-readers entry for this device right?")
        case let .singlePipe(chunk):
            for interface in interfaces {
                guard let out = interface.endpoints.first(where: { $0.isBulk && !$0.isIn }),
                    let input = interface.endpoints.first(where: { $0.isBulk && $0.isIn })
                else { continue }
                return .single(out: out.address, in: input.address, interface: interface.number, chunk: max(1, chunk),
                               inPacket: max(input.maxPacketSize, 8))
            }
            throw .cannotOpen(device: name, reason: "no interface has a bulk OUT and a bulk IN endpoint; is the known-readers entry for this device right?")
        case .hid, .serialBridge:
            throw .cannotOpen(device: name, reason: "\(kind) is not read over raw USB")
        }
    }

    private func transferOut(_ handle: OpaquePointer, _ endpoint: UInt8, _ bytes: ArraySlice<UInt8>) throws(ReaderError) {
        var data = Array(bytes)
        var sent: Int32 = 0
        let status = USBStatus(libusb_bulk_transfer(handle, endpoint, &data, Int32(data.count), &sent, milliseconds(writeTimeout)))
        if status == .success && Int(sent) == data.count { return }
        if status == .success || status == .timeout {
            throw .io(device: deviceName, reason: "write to endpoint 0x\(usbHex(endpoint)) timed out after \(sent) of \(data.count) bytes")
        }
        throw failure(status, "writing to endpoint 0x\(usbHex(endpoint))", endpoint: endpoint)
    }

    /// One bulk IN transfer of up to `length` bytes; what arrived before the deadline (possibly nothing).
    private func transferIn(_ handle: OpaquePointer, _ endpoint: UInt8, length: Int, until deadline: ContinuousClock.Instant) throws(ReaderError) -> [UInt8] {
        var data = [UInt8](repeating: 0, count: length)
        var got: Int32 = 0
        let status = USBStatus(libusb_bulk_transfer(handle, endpoint, &data, Int32(length), &got, milliseconds(deadline - .now)))
        switch status {
        case .success, .timeout, .interrupted:
            return Array(data.prefix(Int(got)))
        default:
            throw failure(status, "reading from endpoint 0x\(usbHex(endpoint))", endpoint: endpoint)
        }
    }

    private func failure(_ status: USBStatus, _ doing: String, endpoint: UInt8) -> ReaderError {
        switch status {
        case .noDevice:
            return .deviceGone(device: deviceName, reason: "unplugged (\(status)) while \(doing)")
        case .pipe:
            if let handle { _ = libusb_clear_halt(handle, endpoint) }
            return .io(device: deviceName, reason: "endpoint stalled (\(status)) while \(doing)")
        case .overflow:
            return .io(device: deviceName, reason: "the reader sent more than asked (\(status)) while \(doing)")
        default:
            if !isStillAttached() {
                return .deviceGone(device: deviceName, reason: "left the bus (\(status)) while \(doing)")
            }
            return .io(device: deviceName, reason: "\(status) while \(doing)")
        }
    }

    /// Whether the opened device is still in libusb's device list.
    private func isStillAttached() -> Bool {
        guard let context, let device else { return false }
        return context.withDeviceList { list in
            list.contains { d in
                libusb_get_bus_number(d) == device.bus && libusb_get_device_address(d) == device.address
            }
        }
    }

    private func milliseconds(_ d: Duration) -> UInt32 {
        // libusb treats 0 as "no timeout": never pass it.
        guard d > .zero else { return 1 }
        let (s, atto) = d.components
        let ms = s * 1000 + (atto + 999_999_999_999_999) / 1_000_000_000_000_000
        return UInt32(clamping: max(1, ms))
    }

    private func roundUp(_ n: Int, to multiple: Int) -> Int {
        guard multiple > 0 else { return n }
        return (n + multiple - 1) / multiple * multiple
    }
}

extension DeviceName {
    /// The USB transport for a `usb:VID:PID[@LOCATION]` name, its kind taken from `known`.
    ///
    /// Throws ``ReaderError/badDeviceName(_:)`` for a name that is not `usb:`, or whose VID:PID is not in
    /// the table (add it to the configuration with its kind), and for kinds not read over raw USB.
    public func makeUSBTransport(known: USBKnownReaders = .builtIn, logger: Logger = Logger(label: "renfang.usb")) throws(ReaderError) -> USBBulkTransport {
        guard case let .usb(vid, pid, location) = self else { throw .badDeviceName("\(self) is not a USB device name") }
        let id = VIDPID(vid, pid)
        guard let entry = known.entry(for: id) else {
            throw .badDeviceName("\(self): \(id) is not in the known-readers table; add it to the configuration with its kind (split-pipe or single-pipe)")
        }
        switch entry.kind {
        case .splitPipe, .singlePipe:
            return USBBulkTransport(vendorID: vid, productID: pid, location: location, kind: entry.kind, logger: logger)
        case .hid:
            throw .badDeviceName("\(self): HID readers (\(id)) are not supported yet")
        case .serialBridge:
            throw .badDeviceName("\(self): \(id) is a USB-serial bridge; use its tty (serial:/dev/ttyUSB0 or serial:/dev/ttyACM0)")
        }
    }
}

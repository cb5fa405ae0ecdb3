import CLibUSB
import Foundation
import Logging
import SAMProtocol

/// An attached USB device that is in the known-readers table.
public struct USBReaderDevice: Hashable, Sendable {
    /// USB vendor and product ID.
    public var vidPid: VIDPID
    /// Bus number.
    public var bus: UInt8
    /// Device address on the bus (it changes when the device is plugged again).
    public var address: UInt8
    /// Port numbers from the root hub down, e.g. [4, 1].
    public var ports: [UInt8]
    /// How it carries frames, from the known-readers table.
    public var kind: USBReaderKind
    /// Vendor or model text from the known-readers table.
    public var model: String

    /// A listed device.
    public init(vidPid: VIDPID, bus: UInt8, address: UInt8, ports: [UInt8], kind: USBReaderKind, model: String) {
        self.vidPid = vidPid
        self.bus = bus
        self.address = address
        self.ports = ports
        self.kind = kind
        self.model = model
    }

    /// The bus-port location as in sysfs: `1-2`, `1-4.1`. Stable while the device stays in the same port.
    public var location: String { USBAttachedDevice.location(bus: bus, ports: ports) }

    /// `usb:0400:c35a@1-2`.
    public var deviceName: DeviceName { .usb(vendorID: vidPid.vendorID, productID: vidPid.productID, location: location) }

    /// The usbfs node, `/dev/bus/usb/001/002`.
    public var node: String {
        USBAttachedDevice(vidPid: vidPid, bus: bus, address: address, ports: ports, interfaces: []).node
    }

    /// True when renfang can read it over raw USB (split or single pipe); HID readers are listed but not
    /// supported yet, and serial bridges are read through their tty.
    public var isSupported: Bool { kind.isBulk }

    /// The description for `renfang readers` and the API (kind `usb`, path = the usbfs node).
    public var readerInfo: ReaderInfo {
        ReaderInfo(kind: .usb, deviceName: deviceName.description, path: node, vidPid: vidPid.description, model: model)
    }

    /// Bus first, then port path (`1-2` before `1-4.1` before `1-10`).
    static func precedes(_ a: USBReaderDevice, _ b: USBReaderDevice) -> Bool {
        a.bus != b.bus ? a.bus < b.bus : a.ports.lexicographicallyPrecedes(b.ports)
    }

    /// The transport for this device, opened by its location.
    public func makeTransport(logger: Logger = Logger(label: "renfang.usb")) -> USBBulkTransport {
        USBBulkTransport(vendorID: vidPid.vendorID, productID: vidPid.productID, location: location, kind: kind, logger: logger)
    }
}

/// A change reported by ``USBWatcher``.
public enum USBHotplugEvent: Hashable, Sendable {
    /// A known device was plugged in.
    case arrived(USBReaderDevice)
    /// A known device reported earlier (or present at the start) was unplugged.
    case left(USBReaderDevice)
}

/// Finds attached USB devices that are in the known-readers table, and follows them as they come and go.
public struct USBDiscovery: Sendable {
    /// The table devices are matched against.
    public var known: USBKnownReaders
    /// Whether USB-serial bridges are listed too (their kind is ``USBReaderKind/serialBridge``: they are read
    /// through their tty, so a reader manager normally leaves them to serial discovery).
    public var includeSerialBridges: Bool

    /// Discovery over `known` (the built-in table plus configured entries, see ``USBKnownReaders/with(extra:)``).
    public init(known: USBKnownReaders = .builtIn, includeSerialBridges: Bool = false) {
        self.known = known
        self.includeSerialBridges = includeSerialBridges
    }

    /// The known devices attached now, sorted by location. HID readers are included (``USBReaderDevice/isSupported``
    /// is false for them). Throws only when libusb cannot start.
    public func list() throws(ReaderError) -> [USBReaderDevice] {
        let context = try USBContext.shared()
        return context.attachedDevices().compactMap(classify).sorted(by: USBReaderDevice.precedes)
    }

    /// The table entry for an attached device, as a listed device; nil when unknown or filtered out.
    func classify(_ device: USBAttachedDevice) -> USBReaderDevice? {
        let classes = device.interfaces.map { ($0.interfaceClass, $0.interfaceSubclass) }
        guard let entry = known.entry(for: device.vidPid, interfaces: classes) else { return nil }
        if entry.kind == .serialBridge && !includeSerialBridges { return nil }
        return USBReaderDevice(vidPid: device.vidPid, bus: device.bus, address: device.address, ports: device.ports,
                               kind: entry.kind, model: entry.model)
    }

    /// Starts following arrivals and removals of known devices on a thread of its own; `handler` is called
    /// on that thread. Uses libusb hot-plug callbacks where libusb has them (`LIBUSB_CAP_HAS_HOTPLUG`) and
    /// `useHotplugCallbacks` is true, else lists the devices every `pollInterval`. With `reportExisting`, the
    /// devices present at the start are reported as arrived first. Call ``USBWatcher/stop()`` to end it.
    public func watch(
        pollInterval: Duration = .seconds(2), reportExisting: Bool = false, useHotplugCallbacks: Bool = true,
        _ handler: @escaping @Sendable (USBHotplugEvent) -> Void
    ) throws(ReaderError) -> USBWatcher {
        let context = try USBContext.shared()
        let watcher = USBWatcher(discovery: self, context: context, pollInterval: pollInterval, handler: handler)
        watcher.start(reportExisting: reportExisting, hotplug: useHotplugCallbacks && context.hasHotplug)
        return watcher
    }
}

/// Follows known USB devices as they arrive and leave (see ``USBDiscovery/watch(pollInterval:reportExisting:_:)``).
public final class USBWatcher: @unchecked Sendable {
    /// True when libusb hot-plug callbacks are used; false when the device list is polled.
    public private(set) var usesHotplugCallbacks = false

    private let discovery: USBDiscovery
    private let context: USBContext
    private let pollInterval: Duration
    private let handler: @Sendable (USBHotplugEvent) -> Void
    private let lock = NSLock()
    private var stopRequested = false
    private var pending: [(arrived: Bool, device: USBAttachedDevice)] = []
    private var callbackHandle: libusb_hotplug_callback_handle = 0
    private var registered = false
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)
    /// Devices reported present, by bus and address (touched on the watcher thread only).
    private var present: [UInt16: USBReaderDevice] = [:]

    init(discovery: USBDiscovery, context: USBContext, pollInterval: Duration, handler: @escaping @Sendable (USBHotplugEvent) -> Void) {
        self.discovery = discovery
        self.context = context
        self.pollInterval = pollInterval
        self.handler = handler
    }

    deinit { stop() }

    func start(reportExisting: Bool, hotplug: Bool) {
        if hotplug {
            let events = Int32(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED.rawValue | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT.rawValue)
            // Unretained: stop() deregisters before this object can go away (deinit calls stop()).
            let me = Unmanaged.passUnretained(self).toOpaque()
            let status = USBStatus(libusb_hotplug_register_callback(
                context.pointer, events, 0, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
                { _, device, event, userData in
                    guard let device, let userData else { return 0 }
                    let watcher = Unmanaged<USBWatcher>.fromOpaque(userData).takeUnretainedValue()
                    watcher.enqueue(arrived: event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED, device: USBAttachedDevice(device: device))
                    return 0
                }, me, &callbackHandle))
            if status == .success {
                registered = true
                usesHotplugCallbacks = true
            }
        }
        // Taken after registering, so that nothing arriving in between is missed (a device that arrives in
        // between counts as present from the start).
        for d in context.attachedDevices() {
            guard let device = discovery.classify(d) else { continue }
            present[key(d)] = device
        }
        let initial = reportExisting ? present.values.sorted(by: USBReaderDevice.precedes) : []
        let t = Thread { [self] in
            for device in initial { handler(.arrived(device)) }
            if usesHotplugCallbacks { runHotplugLoop() } else { runPollingLoop() }
            finished.signal()
        }
        t.name = "usb hot-plug"
        thread = t
        t.start()
    }

    /// Stops the thread and waits for it (at most about 100 ms, or one poll interval when polling).
    public func stop() {
        lock.lock()
        let wasStopped = stopRequested
        stopRequested = true
        let started = thread != nil
        let deregister = registered
        registered = false
        lock.unlock()
        if deregister { libusb_hotplug_deregister_callback(context.pointer, callbackHandle) }
        if !wasStopped && started { finished.wait() }
    }

    private var shouldStop: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopRequested
    }

    private func key(_ d: USBAttachedDevice) -> UInt16 { UInt16(d.bus) << 8 | UInt16(d.address) }

    /// Called by libusb on whichever thread is handling events.
    private func enqueue(arrived: Bool, device: USBAttachedDevice) {
        lock.lock()
        pending.append((arrived, device))
        lock.unlock()
    }

    private func runHotplugLoop() {
        while !shouldStop {
            var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
            _ = libusb_handle_events_timeout_completed(context.pointer, &timeout, nil)
            lock.lock()
            let events = pending
            pending = []
            lock.unlock()
            for (arrived, d) in events {
                let k = key(d)
                if arrived {
                    guard present[k] == nil, let device = discovery.classify(d) else { continue }
                    present[k] = device
                    handler(.arrived(device))
                } else if let device = present.removeValue(forKey: k) {
                    handler(.left(device))
                }
            }
        }
    }

    private func runPollingLoop() {
        let clock = ContinuousClock()
        var next = clock.now + pollInterval
        while !shouldStop {
            if clock.now < next {
                Thread.sleep(forTimeInterval: 0.05)
                continue
            }
            next = clock.now + pollInterval
            var now: [UInt16: USBReaderDevice] = [:]
            for d in context.attachedDevices() {
                if let device = discovery.classify(d) { now[key(d)] = device }
            }
            for (k, device) in present.sorted(by: { $0.key < $1.key }) where now[k] != device {
                present[k] = nil
                handler(.left(device))
            }
            for (k, device) in now.sorted(by: { $0.key < $1.key }) where present[k] == nil {
                present[k] = device
                handler(.arrived(device))
            }
        }
    }
}

import Foundation
import Glibc
import Testing

/// The real PC/SC stack for tests: a private pcscd 1.9.9 (in its own mount namespace, so it does not touch
/// a system pcscd) with vsmartcard's vpcd driver, and Python virtual cards that connect to vpcd's ports.
/// Started once per test process (pcsc-lite's client reads `PCSCLITE_CSOCK_NAME` once per process), stopped
/// by `atexit`. See Tests/Fixtures/pcsc/pcsc-rig.sh and virtual_card.py.
final class PCSCRig: @unchecked Sendable {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/pcsc")
    static var script: String { fixtures.appendingPathComponent("pcsc-rig.sh").path }
    static var virtualCard: String { fixtures.appendingPathComponent("virtual_card.py").path }

    static func which(_ tool: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/sbin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The PC/SC tests run when pcscd and unshare are installed (CI has them); nothing else skips them.
    static let available = which("pcscd") != nil && which("unshare") != nil

    /// The one rig of this process; the first access starts pcscd and sets `PCSCLITE_CSOCK_NAME`.
    static let shared: Result<PCSCRig, RigError> = Result { () throws(RigError) in try PCSCRig() }

    static func get() throws -> PCSCRig { try shared.get() }

    struct RigError: Error, CustomStringConvertible {
        var description: String
    }

    let dir: String
    /// vpcd entries: each gives readers "Rig P 00 00" (card port P) and "Rig P 00 01" (card port P+1).
    let basePorts: [Int]
    /// The card-server port of the hot-pluggable USB reader ("Rig USB 00 00"; "00 01" on +1), when pcscd
    /// runs under umockdev (usb_testbed.py); nil when umockdev, python3-gi or its UMockdev typelib is missing.
    let usbPort: Int?
    /// Why ``usbPort`` is nil.
    let usbUnavailable: String?

    private init() throws(RigError) {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-pcsc-\(getpid())").path
        try? FileManager.default.removeItem(atPath: dir)
        let base = try Self.freePortRange(count: 6)
        basePorts = [base, base + 2, base + 4]
        if let missing = Self.umockdevMissing() {
            usbPort = nil
            usbUnavailable = missing
        } else {
            usbPort = try Self.freePortRange(count: 2, in: 2000..<9990)
            usbUnavailable = nil
        }
        // Before any PC/SC call of this process.
        setenv("PCSCLITE_CSOCK_NAME", "\(dir)/run/pcscd.comm", 1)
        PCSCRigCleanup.register(dir: dir)
        try startDaemon()
    }

    /// Reader name for a card port.
    func reader(port: Int) -> String {
        let base = basePorts.last { $0 <= port } ?? port
        return "Rig \(base) 00 0\(port - base)"
    }

    /// Starts pcscd (again) with the vpcd entries of `basePorts` (+ `extra`).
    func startDaemon(extra: [Int] = []) throws(RigError) {
        var environment = ["RIG_WATCH_PID": "\(getpid())"]
        if let usbPort { environment["RIG_USB_PORT"] = "\(usbPort)" }
        let (status, output) = Self.run(
            ["/bin/bash", Self.script, "start", dir] + (basePorts + extra).map(String.init), environment: environment)
        guard status == 0, output.contains("export PCSCLITE_CSOCK_NAME=") else {
            throw RigError(description: "pcsc-rig.sh start failed (\(status)): \(output) \(log)")
        }
        // pcscd answers as soon as its socket exists; vpcd listens once the readers are initialised.
        Thread.sleep(forTimeInterval: 0.1)
    }

    /// Plugs the USB reader in (`usb-add`) or out (`usb-remove`).
    func usb(_ command: String) throws(RigError) {
        let (status, output) = Self.run(["/bin/bash", Self.script, command, dir])
        guard status == 0 else { throw RigError(description: "pcsc-rig.sh \(command) failed: \(output)") }
    }

    /// The card number the USB reader's card server answers in slot 0 or 1.
    func usbCardNumber(slot: Int) -> String? {
        usbPort.map { String(format: "%04d0000000000%02d", $0, slot) }
    }

    /// What is missing for the USB hot-plug rig, or nil.
    static func umockdevMissing() -> String? {
        guard which("umockdev-wrapper") != nil else { return "umockdev-wrapper not installed (apt: umockdev)" }
        let (status, output) = run(["/usr/bin/python3", "-c", "import gi; gi.require_version('UMockdev', '1.0')"])
        return status == 0 ? nil : "python3-gi / gir1.2-umockdev-1.0 missing: \(output)"
    }

    /// Kills pcscd with `signal` (SIGKILL: a crash) and waits until it is gone.
    func killDaemon(signal: Int32 = SIGKILL) {
        guard let text = try? String(contentsOfFile: "\(dir)/pcscd.pid", encoding: .utf8),
            let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return }
        kill(pid, signal)
        for _ in 0..<200 {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            if stat.isEmpty || stat.contains(") Z ") { break }  // gone, or a zombie (this VM's PID 1 does not reap)
            usleep(10_000)
        }
        try? FileManager.default.removeItem(atPath: "\(dir)/pcscd.pid")
    }

    /// pcscd's log, for failure messages.
    var log: String { (try? String(contentsOfFile: "\(dir)/pcscd.log", encoding: .utf8)) ?? "" }

    /// Starts a virtual card on `port` (the card is "in" the reader while it runs).
    func card(port: Int, number: String = "0123456789ABCDEF", mode: String = "ok", extra: [String] = []) throws -> VirtualCard {
        try VirtualCard(arguments: ["--port", "\(port)", "--card", number, "--mode", mode] + extra)
    }

    /// A port range [base, base+count) where nothing listens (checked by binding, never by connecting:
    /// vpcd would take a connection for a card).
    static func freePortRange(count: Int, in range: Range<Int> = 41000..<59000) throws(RigError) -> Int {
        var seed = UInt32(truncatingIfNeeded: getpid()) &* 2_654_435_761 &+ UInt32(range.lowerBound)
        for _ in 0..<50 {
            seed = seed &* 1_103_515_245 &+ 12345
            let base = range.lowerBound + Int(seed % UInt32((range.count - count) / 2)) * 2
            if (base..<(base + count)).allSatisfy(canBind) { return base }
        }
        throw RigError(description: "no free port range")
    }

    static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = INADDR_ANY
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:]) -> (Int32, String) {
        let p = Process()
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        p.executableURL = URL(fileURLWithPath: arguments[0])
        p.arguments = Array(arguments.dropFirst())
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        do { try p.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// A running virtual_card.py. ``remove()`` takes the card away (closes its connection to vpcd).
final class VirtualCard: @unchecked Sendable {
    let process = Process()

    init(arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3")
        process.arguments = [PCSCRig.virtualCard] + arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        PCSCRigCleanup.track(process.processIdentifier)
    }

    /// Takes the card out of the reader: SIGTERM, SIGKILL after a second.
    func remove() {
        let pid = process.processIdentifier
        if process.isRunning { kill(pid, SIGTERM) }
        let limit = Date().addingTimeInterval(1)
        while process.isRunning, Date() < limit { usleep(5_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        while process.isRunning { usleep(5_000) }
        PCSCRigCleanup.untrack(pid)
    }

    var isRunning: Bool { process.isRunning }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}

/// Kills the rig's pcscd and every virtual card still running when the test process exits, even after a
/// failed test (Swift Testing has no global teardown).
enum PCSCRigCleanup {
    nonisolated(unsafe) private static var dir: String?
    nonisolated(unsafe) private static var cards: Set<pid_t> = []
    private static let lock = NSLock()

    static func register(dir: String) {
        lock.lock()
        let first = Self.dir == nil
        Self.dir = dir
        lock.unlock()
        if first { atexit { PCSCRigCleanup.cleanUp() } }
    }

    static func track(_ pid: pid_t) {
        lock.lock()
        cards.insert(pid)
        lock.unlock()
    }

    static func untrack(_ pid: pid_t) {
        lock.lock()
        cards.remove(pid)
        lock.unlock()
    }

    static func cleanUp() {
        lock.lock()
        let pids = cards
        let dir = Self.dir
        cards = []
        lock.unlock()
        for pid in pids { kill(pid, SIGKILL) }
        guard let dir else { return }
        if let text = try? String(contentsOfFile: "\(dir)/pcscd.pid", encoding: .utf8),
            let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(pid, SIGTERM)
        }
        if ProcessInfo.processInfo.environment["RENFANG_PCSC_KEEP"] == nil {
            try? FileManager.default.removeItem(atPath: dir)
        }
    }
}

/// Collects events from a monitor's thread and lets a test wait for them.
final class PCSCRecorder<Event: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var events: [(Event, ContinuousClock.Instant)] = []
    private var consumed = 0

    func record(_ event: Event) {
        condition.lock()
        events.append((event, .now))
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for the next event (after those already returned) that matches; nil on timeout.
    func next(within seconds: Double = 5, where match: (Event) -> Bool) -> Event? {
        nextStamped(within: seconds, where: match)?.0
    }

    func nextStamped(within seconds: Double = 5, where match: (Event) -> Bool) -> (Event, ContinuousClock.Instant)? {
        let limit = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while true {
            while consumed < events.count {
                let e = events[consumed]
                consumed += 1
                if match(e.0) { return e }
            }
            if !condition.wait(until: limit) { return nil }
        }
    }

    /// Every event so far.
    var all: [Event] {
        condition.lock()
        defer { condition.unlock() }
        return events.map(\.0)
    }

    /// Waits until the events so far satisfy `condition`; false on timeout.
    func waitUntil(within seconds: Double = 5, _ condition: ([Event]) -> Bool) -> Bool {
        let limit = Date().addingTimeInterval(seconds)
        self.condition.lock()
        defer { self.condition.unlock() }
        while !condition(events.map(\.0)) {
            if !self.condition.wait(until: limit) { return condition(events.map(\.0)) }
        }
        return true
    }

    /// Events not yet returned by ``next(within:where:)``, after waiting `seconds`.
    func remaining(after seconds: Double) -> [Event] {
        Thread.sleep(forTimeInterval: seconds)
        condition.lock()
        defer { condition.unlock() }
        let rest = events[consumed...].map(\.0)
        consumed = events.count
        return rest
    }
}

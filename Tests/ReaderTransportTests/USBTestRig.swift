import Foundation
import Glibc
import ReaderSimulator
import SAMProtocol
import Testing
@testable import ReaderTransport

/// The USB tests that run emulated devices, one at a time: each starts a device process and a child
/// process, and a 2-core machine's test pool should not hold several of them at once.
@Suite("USB under umockdev", .serialized, .enabled(if: USBRigSupport.available, Comment(rawValue: USBRigSupport.missing ?? "")))
struct USBUmockdevTests {}

/// What the USB tests need, and whether this machine has it: Debian's python3 with python3-gi and the
/// UMockdev typelib (gir1.2-umockdev-1.0), and umockdev's preload library. scripts/setup installs them.
enum USBRigSupport {
    static let python = "/usr/bin/python3"
    /// Tests/Fixtures/usb.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/usb")
    static let deviceScript = fixtures.appendingPathComponent("usb_device.py").path

    static let preloadLibrary: String? = {
        let dirs = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"]
        return dirs.map { "\($0)/libumockdev-preload.so.0" }.first { FileManager.default.fileExists(atPath: $0) }
    }()

    /// Nil when the rig can run; else what is missing.
    static let missing: String? = {
        guard FileManager.default.isExecutableFile(atPath: python) else { return "\(python) is missing" }
        guard preloadLibrary != nil else { return "libumockdev-preload.so.0 is missing (apt install umockdev)" }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", "import gi; gi.require_version('UMockdev', '1.0'); from gi.repository import UMockdev"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return "cannot run \(python): \(error)" }
        p.waitUntilExit()
        return p.terminationStatus == 0 ? nil : "python3-gi or gir1.2-umockdev-1.0 is missing (apt install python3-gi gir1.2-umockdev-1.0)"
    }()

    static var available: Bool { missing == nil }
}

/// The emulated devices: `usb_device.py` running a umockdev testbed, driven through its stdin/stdout.
final class USBDeviceRig: @unchecked Sendable {
    private let process = Process()
    private let input: FileHandle
    private let condition = NSCondition()
    private var lines: [String] = []
    private var ended = false
    private let writeLock = NSLock()
    private(set) var root = ""
    /// Called on the rig's reader thread for every bulk OUT transfer: (devnode, endpoint, bytes).
    let onOut: @Sendable (String, UInt8, [UInt8]) -> Void

    /// Loads `roothub.umockdev` and `files` (names in Tests/Fixtures/usb); `emulate` are the device nodes
    /// that answer usbfs ioctls (`/dev/bus/usb/001/002`, or `NODE=DRIVER` for a bound kernel driver).
    init(files: [String], emulate: [String] = [], onOut: @escaping @Sendable (String, UInt8, [UInt8]) -> Void = { _, _, _ in }) throws {
        self.onOut = onOut
        process.executableURL = URL(fileURLWithPath: USBRigSupport.python)
        process.arguments = [USBRigSupport.deviceScript] + emulate.flatMap { ["--emulate", $0] }
            + (["roothub.umockdev"] + files).map { USBRigSupport.fixtures.appendingPathComponent($0).path }
        let stdinPipe = Pipe(), stdoutPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        input = stdinPipe.fileHandleForWriting
        try process.run()
        let output = stdoutPipe.fileHandleForReading
        let reader = Thread { [self] in
            var buffer = Data()
            while true {
                let chunk = output.availableData
                if chunk.isEmpty { break }
                buffer += chunk
                while let nl = buffer.firstIndex(of: 0x0A) {
                    let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                    buffer = Data(buffer[(nl + 1)...])
                    self.received(line)
                }
            }
            self.condition.lock()
            self.ended = true
            self.condition.broadcast()
            self.condition.unlock()
        }
        reader.name = "usb rig reader"
        reader.start()
        guard let ready = wait(for: "ready ", timeout: 10) else {
            stop()
            throw RigError("usb_device.py did not start: \(allLines)")
        }
        root = String(ready.dropFirst("ready ".count))
    }

    private func received(_ line: String) {
        let words = line.split(separator: " ", maxSplits: 3).map(String.init)
        if words.count >= 3, words[0] == "out", let ep = UInt8(words[2]) {
            onOut(words[1], ep, words.count > 3 ? usbHexBytes(words[3]) : [])
        }
        condition.lock()
        lines.append(line)
        condition.broadcast()
        condition.unlock()
    }

    /// Every line so far.
    var allLines: [String] {
        condition.lock()
        defer { condition.unlock() }
        return lines
    }

    /// Waits for a line starting with `prefix` (searching from the first line); nil on timeout.
    func wait(for prefix: String, after index: Int = 0, timeout: Double) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if lines.count > index, let l = lines[index...].first(where: { $0.hasPrefix(prefix) }) { return l }
            if ended || !condition.wait(until: deadline) { return nil }
        }
    }

    func send(_ line: String) {
        writeLock.lock()
        defer { writeLock.unlock() }
        try? input.write(contentsOf: Data((line + "\n").utf8))
    }

    /// The device sends `bytes` on IN endpoint `endpoint` as one transfer.
    func deliver(_ node: String, _ endpoint: UInt8, _ bytes: [UInt8]) {
        send("in \(node) \(endpoint) \(usbHexString(bytes))")
    }

    func unplug(_ node: String) { send("unplug \(node)") }

    func plug(_ file: String, emulate node: String? = nil) {
        send("plug \(USBRigSupport.fixtures.appendingPathComponent(file).path)" + (node.map { " \($0)" } ?? ""))
    }

    /// The environment of a program under test in this testbed.
    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["LD_PRELOAD"] = USBRigSupport.preloadLibrary ?? "libumockdev-preload.so.0"
        env["UMOCKDEV_DIR"] = root
        return env
    }

    func stop() {
        send("quit")
        try? input.close()
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

struct RigError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A GA 467 SAM (the real ``SAMEmulator``) behind an emulated USB device: bulk OUT transfers feed the
/// emulator, its answers go back on the IN endpoints — split (7-byte header on the header pipe, the rest on
/// the body pipe) or single (the whole frame on the one IN endpoint).
final class EmulatedSAMReader: @unchecked Sendable {
    enum Wiring {
        case split(USBSplitPipeEndpoints)
        case single(out: UInt8, in: UInt8)
    }

    /// What to do with an answer instead of sending it (return true when handled).
    typealias Interceptor = @Sendable (_ request: CommandFrame, _ answer: [UInt8], _ reader: EmulatedSAMReader) -> Bool

    let node: String
    let wiring: Wiring
    private let lock = NSLock()
    private var emulator = SAMEmulator()
    private var transfers: [(endpoint: UInt8, bytes: [UInt8])] = []
    private var interceptor: Interceptor?
    private var findsSinceRead = 0
    /// After a read, place the card again once find has answered 80 this many times (nil: never).
    private var representAfter: Int?
    weak var rig: USBDeviceRig?

    init(node: String, wiring: Wiring) {
        self.node = node
        self.wiring = wiring
    }

    func place(_ card: DeckCard) {
        lock.lock()
        emulator.place(card)
        lock.unlock()
    }

    func intercept(_ f: @escaping Interceptor) {
        lock.lock()
        interceptor = f
        lock.unlock()
    }

    func representCard(afterEmptyFinds n: Int) {
        lock.lock()
        representAfter = n
        lock.unlock()
    }

    /// Every bulk OUT transfer so far.
    var outTransfers: [(endpoint: UInt8, bytes: [UInt8])] {
        lock.lock()
        defer { lock.unlock() }
        return transfers
    }

    /// Handles one OUT transfer (called from the rig's reader thread).
    func received(_ endpoint: UInt8, _ bytes: [UInt8]) {
        lock.lock()
        transfers.append((endpoint, bytes))
        let exchanges = emulator.handle(bytes)
        let intercept = interceptor
        var replace: DeckCard?
        for ex in exchanges where ex.request.flatMap(SAMCommand.init(frame:)) == .findCard {
            if ex.response?.status == .findFailed, emulator.cardHasBeenRead, let n = representAfter {
                findsSinceRead += 1
                if findsSinceRead >= n, let card = emulator.card {
                    findsSinceRead = 0
                    replace = card
                }
            }
        }
        if let replace { emulator.place(replace) }
        lock.unlock()
        for ex in exchanges {
            if let request = ex.request, let intercept, intercept(request, ex.outputs.writtenBytes, self) { continue }
            for output in ex.outputs {
                switch output {
                case let .write(b): send(b)
                case let .delay(d): Thread.sleep(forTimeInterval: Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
                }
            }
        }
    }

    /// Sends answer bytes the way this device does.
    func send(_ bytes: [UInt8]) {
        guard let rig else { return }
        switch wiring {
        case let .split(e):
            let header = min(Frame.headerSize, bytes.count)
            rig.deliver(node, e.headerIn, Array(bytes[0..<header]))
            if bytes.count > header { rig.deliver(node, e.bodyIn, Array(bytes[header...])) }
        case let .single(_, input):
            rig.deliver(node, input, bytes)
        }
    }

    /// Sends only the header and part of the body (split pipe), as a device cut off mid-answer.
    func sendPartial(_ bytes: [UInt8], bodyBytes: Int) {
        guard let rig else { return }
        switch wiring {
        case let .split(e):
            rig.deliver(node, e.headerIn, Array(bytes.prefix(Frame.headerSize)))
            rig.deliver(node, e.bodyIn, Array(bytes.dropFirst(Frame.headerSize).prefix(bodyBytes)))
        case let .single(_, input):
            rig.deliver(node, input, Array(bytes.prefix(Frame.headerSize + bodyBytes)))
        }
    }
}

/// One device rig with one emulated SAM reader on it.
struct USBReaderRig {
    let rig: USBDeviceRig
    let reader: EmulatedSAMReader

    /// The split-pipe reader 0400:c35a at 1-2.
    static func splitPipe(driver: String? = nil) throws -> USBReaderRig {
        try make(file: "reader-0400-c35a.umockdev", node: "/dev/bus/usb/001/002", wiring: .split(.standard), driver: driver)
    }

    /// The single-pipe reader 0316:5020 at 1-3 (bulk OUT 0x01, bulk IN 0x82 behind an interrupt endpoint).
    static func singlePipe(driver: String? = nil) throws -> USBReaderRig {
        try make(file: "reader-0316-5020.umockdev", node: "/dev/bus/usb/001/003", wiring: .single(out: 0x01, in: 0x82), driver: driver)
    }

    static func make(file: String, node: String, wiring: EmulatedSAMReader.Wiring, driver: String?) throws -> USBReaderRig {
        let reader = EmulatedSAMReader(node: node, wiring: wiring)
        let rig = try USBDeviceRig(files: [file], emulate: [node + (driver.map { "=\($0)" } ?? "")]) { dev, ep, bytes in
            if dev == node { reader.received(ep, bytes) }
        }
        reader.rig = rig
        return USBReaderRig(rig: rig, reader: reader)
    }
}

/// The program under test: this test binary again, under the rig's LD_PRELOAD/UMOCKDEV_DIR, running
/// ``USBChildProcess`` with a scenario.
final class USBChild: @unchecked Sendable {
    let process = Process()
    let resultURL: URL
    let logURL: URL
    let limit: Double

    static var testBinary: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    init(scenario: String, rig: USBDeviceRig, env extra: [String: String], limit: Double = 10) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-usb-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        resultURL = dir.appendingPathComponent("result.jsonl")
        logURL = dir.appendingPathComponent("child.log")
        self.limit = limit
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        var env = rig.environment
        env["RENFANG_USB_CHILD"] = scenario
        env["RENFANG_USB_RESULT"] = resultURL.path
        env["RENFANG_USB_LIMIT"] = "\(limit)"
        for (k, v) in extra { env[k] = v }
        process.executableURL = URL(fileURLWithPath: Self.testBinary)
        process.arguments = ["--testing-library", "swift-testing", "--filter", "USBChildProcess"]
        process.environment = env
        let log = try FileHandle(forWritingTo: logURL)
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    /// The result lines written so far.
    var lines: [[String: Any]] {
        guard let data = try? Data(contentsOf: resultURL) else { return [] }
        return data.split(separator: 0x0A).compactMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
    }

    func events(_ name: String) -> [[String: Any]] { lines.filter { $0["event"] as? String == name } }

    /// Waits until `count` lines with this event were written; false on timeout or exit. Sleeps with
    /// `Task.sleep`, so that waiting does not hold one of the test pool's few threads.
    @discardableResult
    func wait(for event: String, count: Int = 1, timeout: Double = 10) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if events(event).count >= count { return true }
            if !process.isRunning { return events(event).count >= count }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    /// Waits for the child to exit (killing it after its limit plus a margin); returns its exit status.
    @discardableResult
    func finish() async -> Int32 {
        let deadline = Date().addingTimeInterval(limit + 15)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The child's own output (swift-testing's report, libusb or umockdev messages), for failure messages.
    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    func cleanUp() {
        try? FileManager.default.removeItem(at: resultURL.deletingLastPathComponent())
    }

    /// Runs a scenario to its end.
    static func run(_ scenario: String, rig: USBDeviceRig, env: [String: String] = [:], limit: Double = 10) async throws -> (USBChild, Int32) {
        let child = try USBChild(scenario: scenario, rig: rig, env: env, limit: limit)
        let status = await child.finish()
        return (child, status)
    }
}

/// A string field of a result line, "" when absent.
func usbField(_ line: [String: Any]?, _ key: String) -> String {
    (line?[key] as? String) ?? ""
}

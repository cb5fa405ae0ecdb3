import Foundation
import Glibc
import IDCard
import SAMProtocol
import Testing
@testable import ReaderTransport

/// The program under test in the USB tests: this same test binary, started again by ``USBChild/run``
/// with LD_PRELOAD=libumockdev-preload.so.0 and UMOCKDEV_DIR from its first instruction (umockdev needs
/// both before the process starts), and `--filter USBChildProcess`. It runs the real USB code (libusb,
/// ``USBBulkTransport``, ``ReaderRunner``, ``USBDiscovery``) against the emulated devices and writes what
/// happened, one JSON object a line, to `RENFANG_USB_RESULT`; the parent test checks it.
///
/// Scenarios (`RENFANG_USB_CHILD`):
/// - `session`: a ReaderRunner on `makeTransport()` of `RENFANG_USB_DEVICE` until `RENFANG_USB_UNTIL`
///   (`cards:N` or `faults:N`) or `RENFANG_USB_LIMIT` seconds; one line per event.
/// - `raw`: open the transport, write `RENFANG_USB_WRITE` (hex), read until `RENFANG_USB_EXPECT` bytes came.
/// - `open`: open `RENFANG_USB_DEVICE` once and report success or the error.
/// - `list`: `USBDiscovery().list()` (with serial bridges when `RENFANG_USB_BRIDGES` is set).
/// - `watch`: a hot-plug watcher (polling when `RENFANG_USB_POLLING` is set); `watching` once started,
///   then one line per arrival or removal.
///
/// Run without those variables (the normal `swift test`) it does nothing.
@Suite("USB child process (a no-op unless started by a USB test)")
struct USBChildProcess {
    @Test("run the scenario named by RENFANG_USB_CHILD")
    func run() throws {
        let env = ProcessInfo.processInfo.environment
        guard let scenario = env["RENFANG_USB_CHILD"], let resultPath = env["RENFANG_USB_RESULT"] else { return }
        let out = try USBChildOutput(path: resultPath)
        out.write(["event": "started", "scenario": scenario])
        let limit = Double(env["RENFANG_USB_LIMIT"] ?? "") ?? 10
        switch scenario {
        case "session":
            try session(env: env, out: out, limit: limit)
        case "raw":
            try raw(env: env, out: out, limit: limit)
        case "open":
            let transport = try DeviceName(parsing: env["RENFANG_USB_DEVICE"] ?? "").makeTransport()
            do {
                try transport.open()
                out.write(["event": "opened"])
                transport.close()
            } catch {
                out.write(["event": "error", "code": error.code, "detail": "\(error)"])
            }
        case "list":
            let devices = try USBDiscovery(includeSerialBridges: env["RENFANG_USB_BRIDGES"] != nil).list()
            for d in devices { out.write(Self.describe(d, event: "device")) }
        case "watch":
            let watcher = try USBDiscovery().watch(pollInterval: .milliseconds(100), useHotplugCallbacks: env["RENFANG_USB_POLLING"] == nil) { event in
                switch event {
                case let .arrived(d): out.write(Self.describe(d, event: "arrived"))
                case let .left(d): out.write(Self.describe(d, event: "left"))
                }
            }
            out.write(["event": "watching", "hotplug": watcher.usesHotplugCallbacks ? "yes" : "no"])
            out.waitForLines(where: { $0["event"] as? String == "left" }, count: Int(env["RENFANG_USB_UNTIL"] ?? "1") ?? 1, limit: limit)
            let clock = ContinuousClock()
            let t0 = clock.now
            watcher.stop()
            out.write(["event": "stopped", "ms": "\((clock.now - t0).components.attoseconds / 1_000_000_000_000_000)"])
        default:
            out.write(["event": "error", "detail": "unknown scenario \(scenario)"])
        }
        out.write(["event": "done"])
    }

    static func describe(_ d: USBReaderDevice, event: String) -> [String: Any] {
        ["event": event, "deviceName": d.deviceName.description, "vidPid": d.vidPid.description, "location": d.location,
         "kind": d.kind.name, "model": d.model, "node": d.node, "supported": d.isSupported]
    }

    private func session(env: [String: String], out: USBChildOutput, limit: Double) throws {
        let device = try DeviceName(parsing: env["RENFANG_USB_DEVICE"] ?? "")
        let transport = try device.makeTransport()
        var c = ReaderSessionConfiguration()
        c.pollInterval = .milliseconds(Int(env["RENFANG_USB_POLL_MS"] ?? "") ?? 20)
        c.reopenBackoffInitial = .milliseconds(100)
        c.reopenBackoffMaximum = .milliseconds(400)
        c.readerName = device.description
        let runner = ReaderRunner(transport: transport, configuration: c)
        runner.start { event in
            var line: [String: Any] = ["t": usbMonotonicNanoseconds()]
            switch event {
            case let .ready(samId): line["event"] = "ready"; line["samId"] = samId
            case let .cardRead(card): line["event"] = "cardRead"; line["card"] = card.jsonLine()
            case .cardRemoved: line["event"] = "cardRemoved"
            case let .cardError(e): line["event"] = "cardError"; line["code"] = e.code; line["detail"] = "\(e)"
            case let .fault(e): line["event"] = "fault"; line["code"] = e.code; line["detail"] = "\(e)"
            case let .diagnostic(text): line["event"] = "diagnostic"; line["detail"] = text
            }
            out.write(line)
        }
        let until = (env["RENFANG_USB_UNTIL"] ?? "cards:1").split(separator: ":")
        let wanted = until.first == "faults" ? "fault" : "cardRead"
        out.waitForLines(where: { $0["event"] as? String == wanted }, count: Int(until.last ?? "1") ?? 1, limit: limit)
        // A moment more, so that anything that should NOT happen after the condition would be seen.
        Thread.sleep(forTimeInterval: Double(env["RENFANG_USB_LINGER_MS"] ?? "0").map { $0 / 1000 } ?? 0)
        runner.stop()
    }

    private func raw(env: [String: String], out: USBChildOutput, limit: Double) throws {
        let transport = try DeviceName(parsing: env["RENFANG_USB_DEVICE"] ?? "").makeTransport()
        do {
            try transport.open()
            let bytes = usbHexBytes(env["RENFANG_USB_WRITE"] ?? "")
            try transport.write(bytes)
            out.write(["event": "wrote", "count": bytes.count])
            let expected = Int(env["RENFANG_USB_EXPECT"] ?? "0") ?? 0
            var received: [UInt8] = []
            var reads: [Int] = []
            let deadline = Date().addingTimeInterval(limit)
            while received.count < expected && Date() < deadline {
                let chunk = try transport.read(timeout: .milliseconds(100))
                if !chunk.isEmpty { reads.append(chunk.count) }
                received += chunk
            }
            // Nothing more may come.
            let extra = try transport.read(timeout: .milliseconds(50))
            out.write(["event": "read", "hex": usbHexString(received + extra), "reads": reads])
            transport.close()
        } catch {
            out.write(["event": "error", "code": error.code, "detail": "\(error)"])
        }
    }
}

/// CLOCK_MONOTONIC in nanoseconds (the clock Python's time.monotonic_ns() reads in the device emulator).
func usbMonotonicNanoseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}

func usbHexBytes(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    var chars = Array(text.utf8).makeIterator()
    while let a = chars.next(), let b = chars.next() {
        if let v = UInt8(String(decoding: [a, b], as: UTF8.self), radix: 16) { out.append(v) }
    }
    return out
}

func usbHexString(_ bytes: [UInt8]) -> String {
    let d = Array("0123456789abcdef".utf8)
    var s: [UInt8] = []
    s.reserveCapacity(bytes.count * 2)
    for b in bytes {
        s.append(d[Int(b >> 4)])
        s.append(d[Int(b & 0xF)])
    }
    return String(decoding: s, as: UTF8.self)
}

/// The child's result file: JSON lines, each flushed as written; also lets the child wait for its own lines.
final class USBChildOutput: @unchecked Sendable {
    private let handle: FileHandle
    private let condition = NSCondition()
    private var lines: [[String: Any]] = []

    init(path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let h = FileHandle(forWritingAtPath: path) else { throw POSIXError(.EIO) }
        handle = h
    }

    func write(_ object: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        condition.lock()
        handle.write(data + Data("\n".utf8))
        lines.append(object)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until `count` lines match, or `limit` seconds.
    func waitForLines(where match: ([String: Any]) -> Bool, count: Int, limit: Double) {
        let deadline = Date().addingTimeInterval(limit)
        condition.lock()
        defer { condition.unlock() }
        while lines.filter(match).count < count {
            if !condition.wait(until: deadline) { return }
        }
    }
}

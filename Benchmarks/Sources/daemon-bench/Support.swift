import Foundation
import Glibc
import Synchronization

/// CLOCK_MONOTONIC in nanoseconds: the clock the reader emulator stamps its answers with (one clock for every
/// process of the machine).
func monotonicNanoseconds() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}

/// CPU time of the calling thread, seconds.
func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func seconds(since start: UInt64) -> Double { Double(monotonicNanoseconds() &- start) / 1e9 }

/// The value at fraction `p` of `values` (nearest rank); 0 for none.
func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let rank = Int((Double(sorted.count) * p).rounded(.up)) - 1
    return sorted[max(0, min(sorted.count - 1, rank))]
}

func median(_ values: [Double]) -> Double { percentile(values, 0.5) }

/// The 1-, 5- and 15-minute load averages.
func loadAverage() -> [Double] {
    var load = [Double](repeating: 0, count: 3)
    getloadavg(&load, 3)
    return load
}

/// `VmRSS` and `VmHWM` of a process, in MiB (nil when it is gone).
func residentMemory(of pid: pid_t) -> (rss: Double, hwm: Double)? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    func field(_ name: String) -> Double? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return nil }
        return line.split(separator: " ").dropFirst().first.flatMap { Double($0) }.map { $0 / 1024 }
    }
    guard let rss = field("VmRSS"), let hwm = field("VmHWM") else { return nil }
    return (rss, hwm)
}

/// A free TCP port on 127.0.0.1 (bound to port 0, read back, closed).
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Fills a `sockaddr_un` for `path` and calls `body` with it.
func withUnixAddress<R>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    precondition(bytes.count < MemoryLayout.size(ofValue: address.sun_path), "socket path too long: \(path)")
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
    }
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
}

/// A connected Unix stream socket, or nil.
func connectUnix(_ path: String) -> Int32? {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return nil }
    let rc = withUnixAddress(path) { connect(fd, $0, $1) }
    if rc != 0 {
        close(fd)
        return nil
    }
    return fd
}

func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
        if n < 0 {
            if errno == EINTR { continue }
            return false
        }
        offset += n
    }
    return true
}

/// Reads newline-terminated lines from a stream socket.
final class LineReader {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 65536)

    init(fd: Int32) { self.fd = fd }

    /// The next line (without the newline), or nil at end of file, on error or after `timeout` seconds.
    func next(timeout: Double = 10) -> String? {
        let deadline = monotonicNanoseconds() + UInt64(timeout * 1e9)
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            let now = monotonicNanoseconds()
            guard now < deadline else { return nil }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, Int32(min(1000, (deadline - now) / 1_000_000 + 1)))
            if ready < 0, errno != EINTR { return nil }
            guard ready > 0 else { continue }
            let n = read(fd, &chunk, chunk.count)
            if n < 0, errno == EINTR || errno == EAGAIN { continue }
            guard n > 0 else { return nil }
            buffer += chunk[0..<n]
        }
    }
}

/// The reader emulator's control socket (`renfang sim serve --control PATH`): one line per request.
final class SimControl {
    let fd: Int32
    let lines: LineReader

    init?(path: String) {
        guard let fd = connectUnix(path) else { return nil }
        self.fd = fd
        lines = LineReader(fd: fd)
    }

    deinit { close(fd) }

    /// Sends `request`; the reply line (`ok …` / `error …`).
    func send(_ request: String) -> String {
        guard writeAll(fd, Array((request + "\n").utf8)) else { return "error control socket closed" }
        return lines.next(timeout: 10) ?? "error no reply"
    }

    /// The `status` reply's `key=value` words.
    func status() -> [String: String] {
        var fields: [String: String] = [:]
        for word in send("status").split(separator: " ") {
            let parts = word.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        return fields
    }
}

/// Standard error, for progress lines.
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// An atomic integer that threads can share (a class, since `Atomic` cannot be captured).
final class SharedInt: Sendable {
    private let atomic: Atomic<Int>
    init(_ value: Int = 0) { atomic = Atomic(value) }
    func load() -> Int { atomic.load(ordering: .sequentiallyConsistent) }
    func store(_ value: Int) { atomic.store(value, ordering: .sequentiallyConsistent) }
    /// Adds `delta`; the value before.
    @discardableResult
    func add(_ delta: Int) -> Int { atomic.add(delta, ordering: .sequentiallyConsistent).oldValue }
}

func ms(_ seconds: Double) -> String { String(format: "%.2f ms", seconds * 1000) }
func mib(_ value: Double) -> String { String(format: "%.1f MiB", value) }

/// User + system CPU seconds a process has used (from /proc/PID/stat), or nil when it is gone.
func processCPUSeconds(_ pid: pid_t) -> Double? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    // After the command: state(0) … utime(11) stime(12), in clock ticks.
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

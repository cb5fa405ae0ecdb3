import Foundation
import Glibc
import Synchronization

/// A minimal HTTP/1.1 client on one keep-alive TCP connection to 127.0.0.1 (blocking, one request at a
/// time): enough for renfangd's JSON API, and light, so that on a 2-core machine the load generator takes
/// as little CPU from the server as possible.
final class HTTPConnection {
    struct Response {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.first { $0.0 == name.lowercased() }?.1 }
    }

    let port: Int
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 65536)

    init(port: Int) { self.port = port }
    deinit { if fd >= 0 { close(fd) } }

    private func connectIfNeeded() throws {
        guard fd < 0 else { return }
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { throw BenchError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        // A server that stops answering makes the request fail after 30 s instead of hanging the bench.
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            close(s)
            throw BenchError("connect 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
        fd = s
        buffer.removeAll(keepingCapacity: true)
    }

    func disconnect() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    /// Sends one request and reads the whole answer. A connection the server closed is reopened once.
    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8]? = nil) throws -> Response {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        head += "\r\n"
        let bytes = Array(head.utf8) + (body ?? [])
        for attempt in 0..<2 {
            try connectIfNeeded()
            let reused = attempt == 0
            if writeAll(fd, bytes), let response = try readResponse() {
                if response.header("connection")?.lowercased() == "close" { disconnect() }
                return response
            }
            disconnect()
            if !reused { break }
        }
        throw BenchError("\(method) \(path): connection closed without an answer")
    }

    private func fill() throws -> Bool {
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n < 0, errno == EINTR { continue }
            if n < 0 { throw BenchError("read: \(String(cString: strerror(errno)))") }
            if n == 0 { return false }
            buffer += chunk[0..<n]
            return true
        }
    }

    private func readLine() throws -> [UInt8]? {
        while true {
            if let i = buffer.firstIndex(of: 0x0A) {
                let line = Array(buffer[..<i]).filter { $0 != 0x0D }
                buffer.removeSubrange(...i)
                return line
            }
            guard try fill() else { return nil }
        }
    }

    private func readBytes(_ count: Int) throws -> [UInt8]? {
        while buffer.count < count { guard try fill() else { return nil } }
        let bytes = Array(buffer[..<count])
        buffer.removeSubrange(..<count)
        return bytes
    }

    /// nil when the connection ended before a status line (a keep-alive connection the server closed).
    private func readResponse() throws -> Response? {
        guard let statusLine = try readLine() else { return nil }
        let parts = String(decoding: statusLine, as: UTF8.self).split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw BenchError("bad status line") }
        var headers: [(String, String)] = []
        while let line = try readLine(), !line.isEmpty {
            let text = String(decoding: line, as: UTF8.self)
            guard let colon = text.firstIndex(of: ":") else { continue }
            headers.append((text[..<colon].lowercased(), text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var response = Response(status: status, headers: headers, body: [])
        if let length = response.header("content-length").flatMap(Int.init) {
            guard let body = try readBytes(length) else { throw BenchError("body cut short") }
            response.body = body
        } else if response.header("transfer-encoding")?.lowercased().contains("chunked") == true {
            while true {
                guard let sizeLine = try readLine(),
                      let size = Int(String(decoding: sizeLine, as: UTF8.self).split(separator: ";")[0], radix: 16)
                else { throw BenchError("bad chunk") }
                if size == 0 {
                    while let trailer = try readLine(), !trailer.isEmpty {}
                    break
                }
                guard let data = try readBytes(size), try readLine() != nil else { throw BenchError("chunk cut short") }
                response.body += data
            }
        }
        return response
    }
}

/// An operator's session: the cookie and the CSRF token from `POST /api/v1/auth/login`.
struct Session {
    var cookie: String
    var csrf: String

    var headers: [(String, String)] { [("Cookie", cookie), ("X-CSRF-Token", csrf)] }

    static func login(port: Int, user: String, password: String) throws -> Session {
        let connection = HTTPConnection(port: port)
        let body = try JSONSerialization.data(withJSONObject: ["user": user, "password": password])
        let response = try connection.request("POST", "/api/v1/auth/login", body: Array(body))
        guard response.status == 200,
              let setCookie = response.header("set-cookie"),
              let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
              let csrf = object["csrfToken"] as? String
        else { throw BenchError("login \(user): HTTP \(response.status) \(response.text.prefix(200))") }
        return Session(cookie: String(setCookie.split(separator: ";")[0]), csrf: csrf)
    }
}

/// One HTTP measurement: `clients` connections, each sending requests back to back (a closed loop), a
/// warm-up, then at least `minimumSeconds` and at least `minimumRequests` (unless `maximumSeconds` runs out).
struct LoadResult {
    var requests: Int
    var seconds: Double
    var latencies: [Double]
    var failures: Int
    var firstFailure: String?
    var perSecond: Double { Double(requests) / seconds }
}

enum LoadPhase: Int { case warmUp = 0, measure = 1, stop = 2 }

///
/// `interval` nil: a closed loop, each client sending its next request as soon as the answer is in (the
/// server's capacity; the latency is then the queue of `clients` requests). `interval` set: each client
/// sends one request every `interval` seconds on a fixed schedule (an open loop, clients spread evenly
/// over the first interval), and a latency is counted from the request's scheduled time, so a slow
/// answer that delays the next request counts against the server (no coordinated omission).
func runLoad(port: Int, clients: Int, warmUp: Double, minimumSeconds: Double, minimumRequests: Int, maximumSeconds: Double,
             interval: Double? = nil,
             expectedStatus: Int, request: @escaping @Sendable (Int) -> (method: String, path: String, headers: [(String, String)], body: [UInt8]?))
    -> LoadResult
{
    let origin = monotonicNanoseconds()
    let phase = SharedInt(LoadPhase.warmUp.rawValue)
    let counter = SharedInt()
    let measured = SharedInt()
    final class Collected: Sendable {
        let state = Mutex<(latencies: [Double], failures: Int, first: String?)>(([], 0, nil))
    }
    let results = Collected()
    let done = DispatchGroup()
    for client in 0..<clients {
        done.enter()
        let thread = Thread {
            let connection = HTTPConnection(port: port)
            var latencies: [Double] = []
            latencies.reserveCapacity(20_000)
            var failures = 0
            var first: String?
            var scheduled = origin + UInt64((interval ?? 0) * 1e9 * Double(client) / Double(clients))
            while true {
                var startAt: UInt64?
                if let interval {
                    let now = monotonicNanoseconds()
                    if scheduled > now { usleep(UInt32((scheduled - now) / 1000)) }
                    startAt = scheduled
                    scheduled += UInt64(interval * 1e9)
                }
                let before = phase.load()
                if before == LoadPhase.stop.rawValue { break }
                let index = counter.add(1)
                let r = request(index)
                let start = startAt ?? monotonicNanoseconds()
                var ok = false
                var problem: String?
                do {
                    let response = try connection.request(r.method, r.path, headers: r.headers, body: r.body)
                    ok = response.status == expectedStatus
                    if !ok { problem = "HTTP \(response.status): \(response.text.prefix(300))" }
                } catch {
                    problem = "\(error)"
                    connection.disconnect()
                }
                let elapsed = Double(monotonicNanoseconds() - start) / 1e9
                // Counted when it started and ended inside the measurement.
                if before == LoadPhase.measure.rawValue, phase.load() == LoadPhase.measure.rawValue {
                    if ok {
                        latencies.append(elapsed)
                        measured.add(1)
                    } else {
                        failures += 1
                        if first == nil { first = problem }
                    }
                } else if !ok, first == nil {
                    first = problem
                    failures += 1
                }
            }
            results.state.withLock { r in
                r.latencies += latencies
                r.failures += failures
                if r.first == nil { r.first = first }
            }
            done.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    Thread.sleep(forTimeInterval: warmUp)
    let start = monotonicNanoseconds()
    phase.store(LoadPhase.measure.rawValue)
    while true {
        Thread.sleep(forTimeInterval: 0.05)
        let elapsed = seconds(since: start)
        if elapsed >= maximumSeconds { break }
        if elapsed >= minimumSeconds, measured.load() >= minimumRequests { break }
    }
    phase.store(LoadPhase.stop.rawValue)
    let elapsed = seconds(since: start)
    done.wait()
    let r = results.state.withLock { $0 }
    return LoadResult(requests: r.latencies.count, seconds: elapsed, latencies: r.latencies, failures: r.failures, firstFailure: r.first)
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP client for responses that never end (server-sent events) and for requests the test
/// client would not send (raw paths): writes one request, then reads what arrives until a condition.
final class RawHTTPClient: @unchecked Sendable {
    private let fd: Int32
    private(set) var received = ""

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close(fd) }

    /// Sends `GET path` with these headers.
    func get(_ path: String, headers: [String: String] = [:]) {
        var text = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// Reads until `condition` holds for everything received so far, or `timeout` passes. Returns whether
    /// it held. Never blocks a thread of the cooperative pool (the server under test runs there too): the
    /// socket is polled without waiting, with short sleeps in between.
    @discardableResult
    func read(until condition: (String) -> Bool, timeout: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !condition(received) {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return false }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 0)
            if ready < 0 { return false }
            if ready == 0 {
                try? await Task.sleep(for: .milliseconds(20))
                continue
            }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return condition(received) }
            received += String(decoding: buffer[0..<n], as: UTF8.self)
        }
        return true
    }
}

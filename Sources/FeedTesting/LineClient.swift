import Foundation
import Glibc

/// A plain Unix-socket client for tests and tools (what an LED controller's script would do): connect, write
/// lines, read lines with a deadline. Reads poll without blocking a thread of the cooperative pool.
public final class LineClient: @unchecked Sendable {
    /// The connected socket.
    public let fd: Int32
    private var buffer: [UInt8] = []

    public init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ClientError("socket: \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() where i < raw.count - 1 { raw[i] = b }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw ClientError("connect \(path): errno \(code)")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit { close(fd) }

    /// Shrinks the receive buffer (a slow client fills it sooner).
    public func setReceiveBuffer(_ bytes: Int32) {
        var size = bytes
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    public func send(_ line: String) throws {
        let data = Array((line + "\n").utf8)
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == data.count else { throw ClientError("write: \(written)") }
    }

    /// The next line as a JSON object, or `nil` at end of stream; throws after `timeout`.
    public func next(timeout: Duration = .seconds(60)) async throws -> [String: Any]? {
        guard let line = try await nextLine(timeout: timeout) else { return nil }
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw ClientError("not an object: \(line)")
        }
        return object
    }

    /// The next line of `type` (skipping heartbeats unless asked for), or `nil` at end of stream.
    public func next(type: String, timeout: Duration = .seconds(60)) async throws -> [String: Any]? {
        let deadline = ContinuousClock.now + timeout
        while true {
            guard let object = try await next(timeout: deadline - ContinuousClock.now) else { return nil }
            if object["type"] as? String == type { return object }
        }
    }

    /// The next raw line, `nil` at end of stream.
    public func nextLine(timeout: Duration = .seconds(60)) async throws -> String? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer += chunk[..<count]
                continue
            }
            if count == 0 { return nil }
            if errno == ECONNRESET { return nil }
            guard errno == EAGAIN || errno == EWOULDBLOCK else { throw ClientError("read: errno \(errno)") }
            guard ContinuousClock.now < deadline else { throw ClientError("no line within the timeout") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Waits until the server closes the connection (reading and discarding what is left).
    public func waitForClose(timeout: Duration = .seconds(60)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard (try await nextLine(timeout: deadline - ContinuousClock.now)) != nil else { return true }
        }
        return false
    }
}

/// A failure of the test client, with what went wrong.
public struct ClientError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
    /// An error.
    public init(_ description: String) { self.description = description }
}

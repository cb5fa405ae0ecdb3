import Glibc

/// Sends control requests to a running ``EmulatorServer`` over its Unix socket (the `renfang sim` client).
public enum ControlClient {
    /// Sends one request and waits for its one-line reply. An `error …` reply is returned, not thrown.
    public static func send(
        _ request: ControlRequest, to path: String, timeout: Duration = .seconds(5)
    ) throws(ControlClientError) -> ControlReply {
        let fd: Int32
        switch POSIX.connectUnix(path) {
        case let .connected(connected): fd = connected
        case .failed(ENOENT), .failed(ENOTDIR): throw .notRunning(path: path, stale: false)
        case .failed(ECONNREFUSED): throw .notRunning(path: path, stale: true)
        case let .failed(code): throw .io("connect \(path): \(POSIX.errorText(code))")
        }
        defer { close(fd) }
        let line = Array((request.line + "\n").utf8)
        guard POSIX.writeAll(fd, line, isSocket: true) == line.count else {
            throw .io("write \(path): \(POSIX.errorText(errno))")
        }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !received.contains(0x0A) {
            let remaining = deadline - clock.now
            guard remaining > .zero else { throw .timeout(path: path) }
            let ms = Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
            guard POSIX.waitReadable(fd, milliseconds: ms) else { throw .timeout(path: path) }
            let n = read(fd, &chunk, chunk.count)
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw .io("the simulator closed the connection without a reply") }
            received += chunk[0..<n]
        }
        let text = String(decoding: received.prefix { $0 != 0x0A }, as: UTF8.self)
        guard let reply = ControlReply(line: text) else { throw .badReply(text) }
        return reply
    }
}

/// Why a control request got no reply.
public enum ControlClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Nothing listens at the path: no socket file, or a stale one.
    case notRunning(path: String, stale: Bool)
    /// No reply within the timeout.
    case timeout(path: String)
    /// A reply that is neither `ok …` nor `error …`.
    case badReply(String)
    /// Any other failure.
    case io(String)

    /// Chinese and English, for the CLI.
    public var description: String {
        switch self {
        case let .notRunning(path, stale):
            stale
                ? "模拟器未运行 / simulator not running: no one listens on the socket at \(path) (stale socket)"
                : "模拟器未运行 / simulator not running: no socket at \(path)"
        case let .timeout(path): "模拟器无应答 / simulator did not answer in time (\(path))"
        case let .badReply(text): "模拟器应答无效 / unexpected reply from the simulator: \(text)"
        case let .io(why): "与模拟器通信失败 / cannot talk to the simulator: \(why)"
        }
    }
}

import Foundation
import Glibc
import Logging
import ServiceLifecycle
import Synchronization

/// Talks to systemd over `$NOTIFY_SOCKET` (sd_notify(3), written with plain POSIX sockets): `READY=1`
/// when the daemon says it is ready, `WATCHDOG=1` every half of `$WATCHDOG_USEC`, `STOPPING=1` when a
/// graceful shutdown begins, and `STATUS=…` lines for `systemctl status`.
///
/// A `Service` named `systemd-notifier`: ``run()`` sends the watchdog pings until graceful shutdown (or
/// cancellation), then `STOPPING=1`. Without `$NOTIFY_SOCKET` (run by hand, in tests) every call is a
/// no-op and ``run()`` just waits for the shutdown. Place it **last** in the ServiceGroup's services so it
/// is the first told of a graceful shutdown (the group tells them in reverse order), or call
/// ``stopping(status:)`` yourself when the shutdown starts.
public final class SystemdNotifier: Service, CustomStringConvertible, Sendable {
    /// What systemd told the process through its environment.
    public struct Environment: Sendable, Hashable {
        /// `$NOTIFY_SOCKET`: a path, or `@name` for an abstract socket.
        public var notifySocket: String?
        /// `$WATCHDOG_USEC`, when set to a positive number.
        public var watchdogMicroseconds: UInt64?
        /// `$WATCHDOG_PID`, when set.
        public var watchdogPID: pid_t?

        /// Reads the variables from `variables` (default: this process's environment).
        public init(_ variables: [String: String] = ProcessInfo.processInfo.environment) {
            let socket = variables["NOTIFY_SOCKET"] ?? ""
            notifySocket = socket.isEmpty ? nil : socket
            watchdogMicroseconds = variables["WATCHDOG_USEC"].flatMap { UInt64($0) }.flatMap { $0 > 0 ? $0 : nil }
            watchdogPID = variables["WATCHDOG_PID"].flatMap { pid_t($0) }
        }
    }

    private struct State {
        var ready = false
        var stopping = false
    }

    /// The environment in use.
    public let environment: Environment
    /// The interval of `WATCHDOG=1` pings: half of `$WATCHDOG_USEC`, or nil when systemd wants none (not
    /// set, or `$WATCHDOG_PID` names another process).
    public let watchdogInterval: Duration?
    private let healthy: (@Sendable () async -> Bool)?
    private let logger: Logger
    private let state = Mutex(State())

    /// A notifier for `environment`. `healthy`, when given, is asked before each watchdog ping: a ping
    /// is skipped while it answers false, so systemd restarts a daemon that is stuck.
    public init(environment: Environment = Environment(), healthy: (@Sendable () async -> Bool)? = nil,
                logger: Logger = Logger(label: "renfang.systemd")) {
        self.environment = environment
        self.healthy = healthy
        self.logger = logger
        if environment.notifySocket != nil, let usec = environment.watchdogMicroseconds,
           environment.watchdogPID == nil || environment.watchdogPID == getpid() {
            watchdogInterval = .microseconds(Int64(clamping: usec / 2))
        } else {
            watchdogInterval = nil
        }
    }

    /// `systemd-notifier`: the service's name in the ServiceGroup's logs.
    public var description: String { "systemd-notifier" }

    /// Whether `$NOTIFY_SOCKET` is set (otherwise every message is dropped).
    public var isEnabled: Bool { environment.notifySocket != nil }

    /// Tells systemd the daemon is up (`READY=1`, once; later calls only update the status).
    public func ready(status: String? = nil) {
        let first = state.withLock { s in
            defer { s.ready = true }
            return !s.ready
        }
        var lines = first ? ["READY=1"] : []
        if let status { lines.append("STATUS=" + Self.oneLine(status)) }
        guard !lines.isEmpty else { return }
        send(lines.joined(separator: "\n"))
    }

    /// Sets the one-line status shown by `systemctl status` (`STATUS=…`).
    public func status(_ text: String) {
        send("STATUS=" + Self.oneLine(text))
    }

    /// Asks systemd for `seconds` more before the start times out (`EXTEND_TIMEOUT_USEC=`), with a status:
    /// for start-up work that grows with the data (the backfill of a new destination), sent as long as it
    /// progresses, so a start that hangs still times out.
    public func extendStartTimeout(by seconds: Int, status: String) {
        send("EXTEND_TIMEOUT_USEC=\(UInt64(seconds) * 1_000_000)\nSTATUS=" + Self.oneLine(status))
    }

    /// Tells systemd the daemon is shutting down (`STOPPING=1`, once).
    public func stopping(status: String? = "正在停止") {
        let first = state.withLock { s in
            defer { s.stopping = true }
            return !s.stopping
        }
        guard first else { return }
        send((["STOPPING=1"] + (status.map { ["STATUS=" + Self.oneLine($0)] } ?? [])).joined(separator: "\n"))
    }

    /// Sends the watchdog pings until graceful shutdown or cancellation, then `STOPPING=1`.
    public func run() async throws {
        if let interval = watchdogInterval {
            logger.info("systemd watchdog", metadata: ["interval": "\(interval)"])
        }
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    if let interval = self.watchdogInterval {
                        if await self.healthy?() ?? true {
                            self.send("WATCHDOG=1")
                        } else {
                            self.logger.warning("systemd.watchdogSkipped reason=unhealthy")
                        }
                        try await Task.sleep(for: interval)
                    } else {
                        try await Task.sleep(for: .seconds(3600))
                    }
                }
            }
        } catch is CancellationError {
            // Graceful shutdown (or the group's cancellation): say so below.
        }
        stopping()
    }

    /// Sends one datagram to `$NOTIFY_SOCKET`; returns whether it was sent. Failures are logged, never
    /// thrown: systemd being away must not take the daemon down.
    @discardableResult
    public func send(_ message: String) -> Bool {
        guard let socketPath = environment.notifySocket else { return false }
        do {
            try Self.sendDatagram(Array(message.utf8), to: socketPath)
            return true
        } catch {
            logger.warning("systemd.notifyFailed", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// A failure to reach `$NOTIFY_SOCKET`.
    public struct NotifyError: Error, CustomStringConvertible {
        /// What failed, with errno's text.
        public var description: String
    }

    /// Writes `bytes` as one datagram to the Unix socket `path` (`@name`: abstract namespace).
    static func sendDatagram(_ bytes: [UInt8], to path: String) throws(NotifyError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var name = Array(path.utf8)
        if name.first == UInt8(ascii: "@") { name[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !name.isEmpty, name.count < capacity || (name[0] == 0 && name.count <= capacity) else {
            throw NotifyError(description: "NOTIFY_SOCKET is too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: name)
        }
        // Abstract names are exactly their bytes; paths are NUL-terminated (sun_path was zeroed).
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + name.count + (name[0] == 0 ? 0 : 1))
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw NotifyError(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddrPointer in
                bytes.withUnsafeBytes { buffer in
                    sendto(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), sockaddrPointer, length)
                }
            }
        }
        guard sent == bytes.count else {
            throw NotifyError(description: "sendto \(path): \(String(cString: strerror(errno)))")
        }
    }

    private static func oneLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ")
    }
}

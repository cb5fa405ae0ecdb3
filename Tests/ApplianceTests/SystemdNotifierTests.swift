import Foundation
import Glibc
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import Appliance

/// What systemd does: a Unix datagram socket bound to a path (or an abstract name) that collects messages.
final class NotifySocket: Sendable {
    let fd: Int32
    /// `$NOTIFY_SOCKET` for this socket.
    let address: String
    private let path: String?

    init(abstract: Bool = false) throws {
        let name = abstract ? "@renfang-test-\(UUID().uuidString)" : "/tmp/renfang-notify-\(UUID().uuidString.prefix(8)).sock"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (abstract ? 0 : 1))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        self.fd = fd
        self.address = name
        path = abstract ? nil : name
    }

    /// ``drain(for:)`` on a thread of its own, so the services under test keep the cooperative pool.
    func drainOffPool(for seconds: Double) async -> [String] {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.drain(for: seconds)) }.start()
        }
    }

    deinit {
        close(fd)
        if let path { unlink(path) }
    }

    /// The next datagram, or nil after `timeout` seconds.
    func receive(timeout: Double = 5) -> String? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }

    /// Every datagram arriving within `seconds`.
    func drain(for seconds: Double) -> [String] {
        let end = Date().addingTimeInterval(seconds)
        var messages: [String] = []
        while case let remaining = end.timeIntervalSinceNow, remaining > 0 {
            if let message = receive(timeout: remaining) { messages.append(message) }
        }
        return messages
    }
}

/// A flag shared with a closure.
final class Flag: Sendable {
    let value = Atomic(false)
}

@Suite("SystemdNotifier: sd_notify over a real Unix datagram socket")
struct SystemdNotifierTests {
    @Test("READY=1 once with its status, STATUS= lines, to a socket path")
    func ready() throws {
        let socket = try NotifySocket()
        let notifier = SystemdNotifier(environment: .init(["NOTIFY_SOCKET": socket.address]))
        #expect(notifier.isEnabled && notifier.description == "systemd-notifier")
        notifier.ready(status: "读卡器 2 台，上级 2 个")
        #expect(socket.receive() == "READY=1\nSTATUS=读卡器 2 台，上级 2 个")
        notifier.ready()
        notifier.status("第二行\n合并")
        #expect(socket.receive() == "STATUS=第二行 合并")
        notifier.stopping(status: nil)
        notifier.stopping()
        #expect(socket.receive() == "STOPPING=1")
        #expect(socket.receive(timeout: 0.2) == nil)
    }

    @Test("a long start asks for more time: EXTEND_TIMEOUT_USEC with its status")
    func extendStartTimeout() throws {
        let socket = try NotifySocket()
        let notifier = SystemdNotifier(environment: .init(["NOTIFY_SOCKET": socket.address]))
        notifier.extendStartTimeout(by: 60, status: "正在补传（已排队 1000 条）")
        #expect(socket.receive() == "EXTEND_TIMEOUT_USEC=60000000\nSTATUS=正在补传（已排队 1000 条）")
    }

    @Test("an abstract socket (@name) works too")
    func abstractSocket() throws {
        let socket = try NotifySocket(abstract: true)
        let notifier = SystemdNotifier(environment: .init(["NOTIFY_SOCKET": socket.address]))
        notifier.ready()
        #expect(socket.receive() == "READY=1")
    }

    @Test("without NOTIFY_SOCKET everything is a no-op and run() waits for the shutdown")
    func disabled() async throws {
        let notifier = SystemdNotifier(environment: .init([:]))
        #expect(!notifier.isEnabled && notifier.watchdogInterval == nil)
        notifier.ready()
        #expect(!notifier.send("READY=1"))
        let group = ServiceGroup(configuration: .init(services: [notifier], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(200))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test("a socket nobody listens on is logged, not thrown")
    func deadSocket() {
        let notifier = SystemdNotifier(environment: .init(["NOTIFY_SOCKET": "/tmp/renfang-nobody-\(UUID().uuidString.prefix(8)).sock"]))
        notifier.ready()
        #expect(!notifier.send("WATCHDOG=1"))
    }

    @Test("WATCHDOG=1 every half of WATCHDOG_USEC, STOPPING=1 on graceful shutdown")
    func watchdog() async throws {
        let socket = try NotifySocket()
        let notifier = SystemdNotifier(environment: .init([
            "NOTIFY_SOCKET": socket.address, "WATCHDOG_USEC": "200000", "WATCHDOG_PID": "\(getpid())",
        ]))
        #expect(notifier.watchdogInterval == .milliseconds(100))
        let group = ServiceGroup(configuration: .init(services: [notifier], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            notifier.ready()
            let messages = await socket.drainOffPool(for: 1.0)
            let pings = messages.filter { $0 == "WATCHDOG=1" }.count
            #expect(messages.contains("READY=1"))
            // 1 s at 100 ms: about 10 pings (a loaded two-core machine may stretch several).
            #expect((3...12).contains(pings), "\(pings) pings: \(messages)")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let after = socket.drain(for: 0.3)
        #expect(after.contains { $0.hasPrefix("STOPPING=1") }, "\(after)")
        #expect(!after.contains("WATCHDOG=1") || after.last?.hasPrefix("STOPPING=1") == true)
    }

    @Test("no pings when WATCHDOG_PID is another process's, or WATCHDOG_USEC is unset; none while unhealthy")
    func watchdogConditions() async throws {
        let socket = try NotifySocket()
        let other = SystemdNotifier(environment: .init(["NOTIFY_SOCKET": socket.address, "WATCHDOG_USEC": "200000", "WATCHDOG_PID": "1"]))
        #expect(other.watchdogInterval == nil)
        #expect(SystemdNotifier(environment: .init(["NOTIFY_SOCKET": socket.address])).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: .init(["WATCHDOG_USEC": "200000"])).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: .init(["NOTIFY_SOCKET": socket.address, "WATCHDOG_USEC": "200000"])).watchdogInterval
                == .milliseconds(100))

        let healthy = Flag()
        let notifier = SystemdNotifier(
            environment: .init(["NOTIFY_SOCKET": socket.address, "WATCHDOG_USEC": "100000"]),
            healthy: { healthy.value.load(ordering: .relaxed) })
        let group = ServiceGroup(configuration: .init(services: [other, notifier], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            #expect(await socket.drainOffPool(for: 0.4).filter { $0 == "WATCHDOG=1" }.isEmpty)
            healthy.value.store(true, ordering: .relaxed)
            #expect(await socket.drainOffPool(for: 1.0).filter { $0 == "WATCHDOG=1" }.count >= 2)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}

import FeedTesting
import Foundation
import Glibc
import IDCard
import ReaderSimulator
import Registry
import Testing
import Watchlist

/// A product of this package built next to the test bundle (`renfangd`, `renfang-upstream`).
func builtBinary(_ name: String) -> URL {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: ".build/debug/\(name)")
}

/// The `renfangd` binary next to this test bundle.
let renfangdBinary = builtBinary("renfangd")

/// A box on disk: a register with a station, a 社区 and one 小区, a sealed watchlist naming one deck
/// card's holder, the reader emulator on a pty, and a configuration file pointing at all of it.
final class Box: @unchecked Sendable {
    let root: URL
    let emulator: EmulatorServer
    let link: String
    let configPath: String
    let port: Int
    let listedCard: DeckCard
    let otherCard: DeckCard
    let xiaoqu: UUID
    var feedPath: String { root.appendingPathComponent("feed.sock").path }
    var alertPath: String { root.appendingPathComponent("alert.sock").path }
    var databasePath: String { root.appendingPathComponent("data/register.sqlite").path }
    var keyPath: String { root.appendingPathComponent("keys/data.key").path }

    init(extraYAML: String = "") async throws {
        root = URL(fileURLWithPath: "/tmp/rfd-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("data/watchlists"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("keys"), withIntermediateDirectories: true)
        link = root.appendingPathComponent("ttySIM0").path
        emulator = try EmulatorServer(configuration: .init(linkPath: link, controlPath: nil))
        let deck = CardDeck.builtIn()
        let residents = deck.cards.filter { $0.text.decoded.cardType == .resident && $0.text.decoded.idNumber != nil }
        listedCard = residents[0]
        otherCard = residents[1]

        // The register: one 小区.
        let register = try RegisterStore.open(path: root.appendingPathComponent("data/register.sqlite").path,
                                              keyFile: root.appendingPathComponent("keys/data.key").path)
        let admin = Actor(userId: "setup", role: .admin)
        let station = try await register.createStation(StationDraft(code: "440106010000", name: "测试派出所"), by: admin)
        let community = try await register.createCommunity(
            CommunityDraft(station: station.uuid, regionCode: "440106", streetOffice: "测试街道", name: "测试社区"), by: admin)
        xiaoqu = try await register.createXiaoqu(
            XiaoquDraft(community: community.uuid, station: station.uuid, name: "测试小区", address: "测试路1号"), by: admin).uuid
        try register.close()

        // The watchlist: the first resident of the deck is listed.
        let key = IssuerKey(issuer: "测试分局")
        let issuers = root.appendingPathComponent("issuers.pub")
        try Data(key.publicFileText.utf8).write(to: issuers)
        let listed = listedCard.text.decoded
        let sealed = try WatchlistSealer.seal(
            [WatchlistEntry(identity: WatchlistIdentity(idNumber: listed.idNumber, name: listed.name),
                            category: "测试类别", level: .one, instructions: "测试处置要求", validUntil: nil, row: 2)],
            key: key, options: SealOptions(listId: "bureau", version: 1, cost: ScryptCost(log2N: 4, r: 2, p: 1)))
        let bundle = root.appendingPathComponent("bureau.rfwl")
        try Data(sealed.bundle).write(to: bundle)
        let store = try WatchlistStore(directory: root.appendingPathComponent("data/watchlists"))
        _ = try store.importBundle(at: bundle, trusted: TrustedKeys([key.publicKey]))

        port = try freePort()
        configPath = root.appendingPathComponent("renfang.yaml").path
        let yaml = """
            appliance_id: box-test
            data_dir: \(root.path)/data
            key_file: \(root.path)/keys/data.key
            readers:
              devices: ["serial:\(link)"]
              serial_udev: false
              usb: false
              pcsc: false
            watchlist:
              trusted_keys: \(issuers.path)
            http:
              bind: 127.0.0.1
              port: \(port)
            feed:
              public:
                path: \(root.path)/feed.sock
                mode: "0600"
                group: ""
              restricted:
                path: \(root.path)/alert.sock
                mode: "0600"
                group: ""
            logging:
              level: info
            \(extraYAML)
            """
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: configPath))
    }

    func cleanup() {
        emulator.stop()
        try? FileManager.default.removeItem(at: root)
    }
}

/// A free TCP port on loopback (bound, then released).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw TestError("bind: \(errno)") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

struct TestError: Error, CustomStringConvertible {
    var description: String
    init(_ text: String) { description = text }
}

/// renfangd as a process, with its stderr captured and a NOTIFY_SOCKET the test reads.
final class DaemonProcess: @unchecked Sendable {
    let process = Process()
    let notify: NotifyListener
    let stderr = Pipe()
    private let lock = NSLock()
    private var errorText = Data()

    init(box: Box) throws {
        notify = try NotifyListener(path: box.root.appendingPathComponent("notify.sock").path)
        process.executableURL = renfangdBinary
        process.arguments = ["--config", box.configPath]
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notify.path
        environment["WATCHDOG_USEC"] = "2000000"
        process.environment = environment
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        stderr.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock { self.errorText.append(data) }
        }
        try process.run()
    }

    var log: String { lock.withLock { String(decoding: errorText, as: UTF8.self) } }

    /// Waits for a notify message containing `text`.
    func waitFor(_ text: String, timeout: Duration = .seconds(90)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if notify.messages.contains(where: { $0.contains(text) }) { return }
            if !process.isRunning { throw TestError("renfangd exited \(process.terminationStatus):\n\(log)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestError("no \(text) from renfangd within \(timeout); got \(notify.messages)\n\(log)")
    }

    /// SIGTERM, then the exit status (SIGKILL after `timeout`).
    func terminate(timeout: Duration = .seconds(60)) async -> Int32? {
        kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }
}

/// A Unix datagram socket standing in for systemd's notify socket.
final class NotifyListener: @unchecked Sendable {
    let path: String
    let fd: Int32
    private let lock = NSLock()
    private var received: [String] = []
    private var thread: Thread?

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() where i < raw.count - 1 { raw[i] = b }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else { throw TestError("bind notify socket: \(errno)") }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let t = Thread { [weak self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while let self {
                let n = buffer.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
                if n > 0 {
                    let text = String(decoding: buffer[..<n], as: UTF8.self)
                    self.lock.withLock { self.received.append(text) }
                } else if n < 0, errno != EAGAIN, errno != EINTR {
                    return
                }
            }
        }
        thread = t
        t.start()
    }

    var messages: [String] { lock.withLock { received } }

    func close() { shutdown(fd, Int32(SHUT_RDWR)); Glibc.close(fd) }
}

/// Fetches `url` with curl (a real HTTP client): status and body.
func curl(_ url: String) throws -> (status: Int, body: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["-s", "-o", "-", "-w", "\n%{http_code}", "--max-time", "20", url]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
}

@Suite("renfangd as a process: emulator → intake → register, feed sockets, HTTP, systemd notify, SIGTERM", .serialized)
struct DaemonEndToEndTests {
    @Test("a listed card raises an alert on the alert socket only; both reads are stored; SIGTERM drains and exits 0")
    func cardToAlertThroughTheWholeDaemon() async throws {
        let box = try await Box()
        defer { box.cleanup() }
        let daemon = try DaemonProcess(box: box)
        defer { if daemon.process.isRunning { kill(daemon.process.processIdentifier, SIGKILL) } }
        try await daemon.waitFor("READY=1")

        let health = try curl("http://127.0.0.1:\(box.port)/api/v1/health")
        #expect(health.status == 200, "health: \(health)")

        let alerts = try LineClient(path: box.alertPath)
        try alerts.send(#"{"op":"subscribe","topics":["alert","card"]}"#)
        let public_ = try LineClient(path: box.feedPath)
        try public_.send(#"{"op":"subscribe","topics":["card","occupancy","banner"]}"#)
        _ = try await public_.next(type: "subscribed")
        _ = try await alerts.next(type: "subscribed")

        // Not listed: a card event, no alert.
        box.emulator.place(box.otherCard)
        let first = try #require(try await public_.next(type: "card.read"))
        let firstData = try #require(first["data"] as? [String: Any])
        let otherName = box.otherCard.text.decoded.name ?? ""
        #expect((firstData["name"] as? String) == String(otherName.prefix(1)) + String(repeating: "*", count: max(0, otherName.count - 1)))
        _ = box.emulator.remove()
        try await Task.sleep(for: .milliseconds(300))

        // Listed: an alert on the alert socket, the same kind of card event on the public one.
        box.emulator.place(box.listedCard)
        let alert = try #require(try await alerts.next(type: "alert.opened"))
        let alertData = try #require(alert["data"] as? [String: Any])
        #expect(alertData["category"] as? String == "测试类别")
        #expect(alertData["level"] as? Int == 1)
        #expect(alertData["stored"] as? Bool == true)
        let listedId = try #require(box.listedCard.text.decoded.idNumber)
        #expect(!(alertData["maskedIdNumber"] as? String ?? listedId).contains(listedId))
        let second = try #require(try await public_.next(type: "card.read"))
        #expect(!String(describing: second).contains("alert"))
        // Nothing of the alert ever reaches the public socket.
        while let line = try? await public_.nextLine(timeout: .milliseconds(500)) {
            #expect(!line.contains("\"topic\":\"alert\""), "public socket carried an alert: \(line)")
        }

        let status = await daemon.terminate()
        #expect(status == 0, "renfangd exit status; log:\n\(daemon.log)")
        #expect(daemon.notify.messages.contains { $0.contains("STOPPING=1") })
        #expect(daemon.notify.messages.contains { $0.contains("WATCHDOG=1") })
        daemon.notify.close()
        // The log holds no full ID number and no name.
        #expect(!daemon.log.contains(listedId))
        #expect(!daemon.log.contains(box.listedCard.text.decoded.name ?? "∅"))

        // What the register holds after the drain.
        let register = try RegisterStore.open(path: box.databasePath, keyFile: box.keyPath)
        defer { try? register.close() }
        #expect(try await register.cardReadCount(since: Date().addingTimeInterval(-3600)) == 2)
        let police = try await Actor(userId: "p", role: .police(station: register.xiaoqus(for: Actor(userId: "a", role: .admin))[0].stationUuid))
        let stored = try await register.alerts(state: nil, for: police)
        #expect(stored.count == 1)
        #expect(stored.first?.category == "测试类别")
    }

    @Test("an invalid configuration is refused with the key named, exit 78, and the data directory is not created")
    func invalidConfigurationNamesTheKey() async throws {
        let root = URL(fileURLWithPath: "/tmp/rfd-bad-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let config = root.appendingPathComponent("renfang.yaml")
        try Data("data_dir: \(root.path)/data\nhttp:\n  prot: 8080\n".utf8).write(to: config)
        let process = Process()
        process.executableURL = renfangdBinary
        process.arguments = ["--config", config.path]
        let err = Pipe()
        process.standardError = err
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 78)
        #expect(text.contains("http.prot"), "stderr: \(text)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("data").path))
    }
}

import Foundation
import Glibc

/// Where the release binaries are.
struct Binaries {
    var renfangd: String
    var renfang: String
    var upstream: String

    init(directory: String) {
        renfangd = directory + "/renfangd"
        renfang = directory + "/renfang"
        upstream = directory + "/renfang-upstream"
    }

    var all: [String] { [renfangd, renfang, upstream] }
    var present: Bool { all.allSatisfy { FileManager.default.isExecutableFile(atPath: $0) } }
}

/// Process ids of every child still running, for the SIGINT handler and the end of the run.
nonisolated(unsafe) var childPIDs: [pid_t] = []

func stopChildren() {
    for pid in childPIDs { kill(pid, SIGTERM) }
}

/// Runs `executable` to its end; its standard output (throws with its standard error when it fails).
@discardableResult
func run(_ executable: String, _ arguments: [String], input: String? = nil, environment: [String: String]? = nil,
         directory: String? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let stdin = Pipe()
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try? stdin.fileHandleForWriting.close()
    // Read both pipes to their end before waiting (a full pipe would block the child).
    let errData = Mutex2<Data>(Data())
    let errHandle = err.fileHandleForReading
    let reader = Thread { errData.set(errHandle.readDataToEndOfFile()) }
    reader.start()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errData.isSet { usleep(1000) }
    guard process.terminationStatus == 0 else {
        let name = (executable as NSString).lastPathComponent
        throw BenchError("\(name) \(arguments.first ?? "") failed (exit \(process.terminationStatus)): "
            + String(decoding: errData.value, as: UTF8.self).suffix(800))
    }
    return String(decoding: output, as: UTF8.self)
}

/// A value set once from another thread.
final class Mutex2<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    private var wasSet = false
    init(_ value: T) { stored = value }
    func set(_ value: T) { lock.lock(); stored = value; wasSet = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return wasSet }
    var value: T { lock.lock(); defer { lock.unlock() }; return stored }
}

/// A card of the emulator's deck that the demo watchlist names.
struct ListedCard {
    var name: String
    var idNumber: String
    var holder: String
    var birthDate: String?
}

/// One appliance as `make demo` builds it (scripts/demo), in its own directory: two renfang-upstream servers
/// (分局, 省厅) with the box's signing key registered, a register (`renfang init`, optionally the demo
/// register imported through `renfang import`), optionally the demo watchlist sealed at the default scrypt
/// cost, the accounts `desk` and `police`, the reader emulator on a pty, and renfangd's configuration.
final class Stack {
    struct Options {
        var demoRegister = true
        var watchlist = true
        var accounts = true
        /// The two upstream servers and the sync section (off: `--no-sync`, to see what the uplink costs).
        var sync = true
        /// The uplinks' `linger`, when not renfangd's default.
        var linger: Double?
    }

    let name: String
    let directory: String
    let repository: String
    let binaries: Binaries
    let options: Options
    let httpPort = freePort()
    let bureauPort = freePort()
    let provincePort = freePort()
    var database: String { directory + "/data/register.sqlite" }
    var keyFile: String { directory + "/keys/data.key" }
    var watchlistDirectory: String { directory + "/data/watchlists" }
    var issuersDirectory: String { directory + "/keys/issuers" }
    var pty: String { directory + "/ttySIM0" }
    var control: String { directory + "/sim.sock" }
    var alertSocket: String { directory + "/run/alert.sock" }
    var feedSocket: String { directory + "/run/feed.sock" }
    var configuration: String { directory + "/renfang.yaml" }
    private(set) var xiaoqu = ""
    /// Every 小区 of the demo register, by name.
    private(set) var xiaoqus: [String] = []
    private(set) var station = ""
    private(set) var passwords: [String: String] = [:]
    private(set) var listed: [ListedCard] = []
    private var services: [Process] = []
    private(set) var daemon: Process?

    init(name: String, root: String, repository: String, binaries: Binaries, options: Options) throws {
        self.name = name
        directory = root + "/" + name
        self.repository = repository
        self.binaries = binaries
        self.options = options
        let fm = FileManager.default
        try? fm.removeItem(atPath: directory)
        for sub in ["data", "keys", "keys/issuers", "import", "run"] {
            try fm.createDirectory(atPath: directory + "/" + sub, withIntermediateDirectories: true)
        }
        chmod(directory + "/keys", 0o700)
        try prepare()
    }

    @discardableResult
    private func renfang(_ arguments: [String], input: String? = nil) throws -> String {
        try run(binaries.renfang, arguments + ["--database", database, "--key", keyFile], input: input)
    }

    private func prepare() throws {
        let started = monotonicNanoseconds()
        // The box's batch-signing key, registered at both upstreams (as scripts/demo does it).
        let keys = directory + "/keys"
        let publicKey = try run("/bin/bash", ["-c", """
            set -e
            openssl genpkey -algorithm ed25519 -out '\(keys)/signing.pem' 2>/dev/null
            openssl pkey -in '\(keys)/signing.pem' -outform DER | tail -c 32 | base64 > '\(keys)/signing.key'
            chmod 600 '\(keys)/signing.pem' '\(keys)/signing.key'
            openssl pkey -in '\(keys)/signing.pem' -pubout -outform DER | tail -c 32 | base64
            """]).trimmingCharacters(in: .whitespacesAndNewlines)
        for upstream in ["bureau", "province"] {
            try run(binaries.upstream, ["appliance", "add", "bench-box", "--public-key", publicKey, "--db", "\(directory)/\(upstream).sqlite"])
        }
        try renfang(["init", "--station-code", "110105530000", "--station-name", "演示派出所", "--region", "110105"])
        if options.demoRegister {
            let deck = try run(binaries.renfang, ["sim", "list", "--deck", "builtin", "--json"])
            try Data(deck.utf8).write(to: URL(fileURLWithPath: directory + "/import/deck.jsonl"))
            let names = try run("/usr/bin/python3", [repository + "/scripts/demo-data.py", directory + "/import", directory + "/import/deck.jsonl"])
                .split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            for line in deck.split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let name = object["name"] as? String, names.contains(name),
                      let id = object["idNumber"] as? String, let holder = object["holder"] as? String ?? object["name"] as? String
                else { continue }
                listed.append(ListedCard(name: name, idNumber: id, holder: holder, birthDate: object["birthDate"] as? String))
            }
            try renfang(["import", "--kind", "houses", directory + "/import/houses.csv", "--create-places"])
            try renfang(["import", "--kind", "residents", directory + "/import/residents.csv", "--create-places", "--confirm-findings"])
            let ids = try run("/usr/bin/python3", ["-c", """
                import sqlite3, sys
                db = sqlite3.connect(sys.argv[1])
                print(db.execute('SELECT uuid FROM xiaoqu ORDER BY name LIMIT 1').fetchone()[0])
                print(db.execute('SELECT uuid FROM station LIMIT 1').fetchone()[0])
                print(' '.join(r[0] for r in db.execute('SELECT uuid FROM xiaoqu ORDER BY name')))
                """, database]).split(separator: "\n").map(String.init)
            xiaoqu = ids[0]
            station = ids[1]
            xiaoqus = ids.count > 2 ? ids[2].split(separator: " ").map(String.init) : [xiaoqu]
        }
        if options.watchlist, options.demoRegister {
            // The demo list (two cards of the emulator's deck and five invented people), sealed at the
            // default, production scrypt cost.
            try run(binaries.renfang, ["watchlist", "keygen", "--issuer", "演示分局", "--out", directory + "/keys/demo.key"])
            try FileManager.default.copyItem(atPath: directory + "/keys/demo.key.pub", toPath: issuersDirectory + "/demo.key.pub")
            try run(binaries.renfang, ["watchlist", "seal", "--in", directory + "/import/watchlist.csv", "--issuer-key",
                                       directory + "/keys/demo.key", "--list-id", "bureau", "--out", directory + "/import/bureau.rfwl"])
            try renfang(["watchlist", "import", directory + "/import/bureau.rfwl", "--trusted-keys", issuersDirectory,
                         "--watchlist-dir", watchlistDirectory])
        }
        if options.accounts, options.demoRegister {
            for (user, role, scope) in [("desk", "desk", ["--xiaoqu", xiaoqu]), ("police", "police", ["--station", station])] {
                let password = "bench-" + UUID().uuidString.prefix(13).lowercased()
                try renfang(["users", "add", user, "--display-name", "压测\(user)", "--role", role] + scope + ["--password-stdin"],
                            input: password + "\n")
                passwords[user] = password
            }
        }
        try writeConfiguration()
        note("  [\(name)] prepared in \(String(format: "%.1f", seconds(since: started))) s: \(directory)")
    }

    private func writeConfiguration() throws {
        // An existing directory without keys is refused at start-up: name one only when it holds a key.
        let issuers = ((try? FileManager.default.contentsOfDirectory(atPath: issuersDirectory)) ?? []).isEmpty
            ? directory + "/keys/no-issuers" : issuersDirectory
        var yaml = """
            appliance_id: bench-box
            data_dir: \(directory)/data
            key_file: \(keyFile)
            readers:
              devices: ["serial:\(pty)"]
              serial_udev: false
              usb: false
              pcsc: false

            """
        if !xiaoqu.isEmpty {
            yaml += """
                  default_xiaoqu: \(xiaoqu)
                  kiosks:
                    - device: lobby
                      reader: "serial:\(pty)"
                      xiaoqus: [\(xiaoqu)]

                """
        }
        if options.sync {
            yaml += """
            sync:
              signing_key: \(directory)/keys/signing.key
              destinations:
                - name: bureau
                  url: http://127.0.0.1:\(bureauPort)
                  kinds: ["*"]\(options.linger.map { "\n      linger: \($0)" } ?? "")
                - name: province
                  url: http://127.0.0.1:\(provincePort)
                  kinds: ["*"]\(options.linger.map { "\n      linger: \($0)" } ?? "")

            """
        }
        yaml += """
            watchlist:
              trusted_keys: \(issuers)
            http:
              bind: 127.0.0.1
              port: \(httpPort)
            feed:
              public: {path: \(feedSocket), mode: "0600", group: ""}
              restricted: {path: \(alertSocket), mode: "0600", group: ""}
            banner:
              welcome: 欢迎来到演示社区

            """
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: configuration))
    }

    /// A child whose standard error (and output) goes to `log` in the stack's directory.
    private func spawn(_ executable: String, _ arguments: [String], log: String, environment: [String: String]? = nil) throws -> Process {
        let path = directory + "/" + log
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        if let environment { process.environment = environment }
        try process.run()
        childPIDs.append(process.processIdentifier)
        return process
    }

    /// Starts both upstream servers and the reader emulator, and waits until they answer.
    func startServices() throws {
        for (upstream, port) in [("bureau", bureauPort), ("province", provincePort)] where options.sync {
            services.append(try spawn(binaries.upstream, ["serve", "--db", "\(directory)/\(upstream).sqlite", "--port", "\(port)", "--no-control"],
                                      log: "\(upstream).log"))
        }
        services.append(try spawn(binaries.renfang, ["sim", "serve", "--pty", pty, "--control", control], log: "sim.log"))
        let deadline = monotonicNanoseconds() + 20_000_000_000
        for port in [bureauPort, provincePort] where options.sync {
            while (try? HTTPConnection(port: port).request("GET", "/")) == nil {
                guard monotonicNanoseconds() < deadline else { throw BenchError("renfang-upstream on :\(port) did not start") }
                usleep(20_000)
            }
        }
        while connectUnix(control).map({ close($0) }) == nil || !FileManager.default.fileExists(atPath: pty) {
            guard monotonicNanoseconds() < deadline else { throw BenchError("the reader emulator did not start") }
            usleep(20_000)
        }
    }

    /// Spawns renfangd with this stack's configuration (`environment` added to this process's).
    @discardableResult
    func spawnDaemon(environment: [String: String] = [:]) throws -> Process {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NOTIFY_SOCKET")
        for (key, value) in environment { env[key] = value }
        let process = try spawn(binaries.renfangd, ["--config", configuration], log: "renfangd.log", environment: env)
        daemon = process
        return process
    }

    /// Waits until /api/v1/health answers 200; seconds waited.
    @discardableResult
    func waitHealthy(timeout: Double = 120) throws -> Double {
        let start = monotonicNanoseconds()
        while true {
            if let response = try? HTTPConnection(port: httpPort).request("GET", "/api/v1/health"), response.status == 200 {
                return seconds(since: start)
            }
            if let daemon, !daemon.isRunning {
                throw BenchError("renfangd exited (status \(daemon.terminationStatus)); see \(directory)/renfangd.log")
            }
            guard seconds(since: start) < timeout else { throw BenchError("renfangd not healthy after \(Int(timeout)) s") }
            usleep(1000)
        }
    }

    func startDaemon() throws {
        try spawnDaemon()
        try waitHealthy()
    }

    /// SIGTERM to renfangd and wait for it to exit.
    func stopDaemon() {
        guard let daemon else { return }
        if daemon.isRunning { daemon.terminate() }
        daemon.waitUntilExit()
        childPIDs.removeAll { $0 == daemon.processIdentifier }
        self.daemon = nil
    }

    func stop() {
        stopDaemon()
        for process in services {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            childPIDs.removeAll { $0 == process.processIdentifier }
        }
        services = []
    }

    func login(_ user: String) throws -> Session {
        guard let password = passwords[user] else { throw BenchError("no account \(user) in stack \(name)") }
        return try Session.login(port: httpPort, user: user, password: password)
    }
}

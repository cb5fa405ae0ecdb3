import BenchPeople
import Foundation
import Glibc
import Synchronization
import Watchlist

/// The four parts of the benchmark.
final class BenchContext {
    let root: String
    let repository: String
    let binaries: Binaries
    let options: Options

    init(root: String, repository: String, binaries: Binaries, options: Options) {
        self.root = root
        self.repository = repository
        self.binaries = binaries
        self.options = options
    }

    func stack(_ name: String, _ stackOptions: Stack.Options = .init()) throws -> Stack {
        var stackOptions = stackOptions
        stackOptions.sync = options.sync
        stackOptions.linger = options.linger
        return try Stack(name: name, root: root, repository: repository, binaries: binaries, options: stackOptions)
    }

    // MARK: - 1. card-to-alert latency

    struct CheckCost {
        var wallP50: Double
        var wallP99: Double
        var cpuP50: Double
        var cost: String
    }

    /// One whole watchlist check (`WatchlistChecker.check`, what the intake pipeline runs per card: scrypt
    /// once per list salt, then the lookup and the decryption of a hit) on the stack's own lists, in this
    /// process, before renfangd opens them.
    func checkCost(directory: String, card: ListedCard, samples: Int = 40) throws -> CheckCost {
        let checker = try WatchlistChecker(store: try WatchlistStore(directory: URL(fileURLWithPath: directory)))
        let identity = WatchlistIdentity(idNumber: card.idNumber, name: card.holder, birthDate: card.birthDate)
        guard try !checker.check(identity).isEmpty else { throw BenchError("the listed card is not on the stack's list") }
        var wall: [Double] = [], cpu: [Double] = []
        for _ in 0..<samples {
            let start = monotonicNanoseconds(), cpu0 = threadCPUSeconds()
            _ = try checker.check(identity)
            cpu.append(threadCPUSeconds() - cpu0)
            wall.append(seconds(since: start))
        }
        let cost = checker.loadedLists.map { "N=2^\($0.header.cost.log2N) r=\($0.header.cost.r) p=\($0.header.cost.p)" }
        return CheckCost(wallP50: median(wall), wallP99: percentile(wall, 0.99), cpuP50: median(cpu),
                         cost: Set(cost).sorted().joined(separator: ", "))
    }

    func latency() throws -> [Row] {
        let placements = options.runs ?? 200
        let stack = try stack("latency")
        defer { stack.stop() }
        guard let card = stack.listed.first else { throw BenchError("the demo watchlist names no card of the deck") }
        let check = try checkCost(directory: stack.watchlistDirectory, card: card)
        print("   watchlist check at the list's cost (\(check.cost)), in this process: "
            + String(format: "wall p50 %.1f ms, p99 %.1f ms; CPU p50 %.1f ms", check.wallP50 * 1000, check.wallP99 * 1000, check.cpuP50 * 1000))
        try stack.startServices()
        try stack.startDaemon()

        guard let fd = connectUnix(stack.alertSocket) else { throw BenchError("cannot connect to \(stack.alertSocket)") }
        defer { close(fd) }
        let feed = LineReader(fd: fd)
        guard feed.next()?.contains("\"hello\"") == true,
              writeAll(fd, Array("{\"op\":\"subscribe\",\"topics\":[\"alert\"]}\n".utf8))
        else { throw BenchError("the alert socket did not say hello") }
        while let line = feed.next(), !line.contains("\"subscribed\"") {}
        guard let control = SimControl(path: stack.control) else { throw BenchError("cannot connect to \(stack.control)") }

        func frames() -> Int { Int(control.status()["frames"] ?? "") ?? 0 }
        /// Waits until the host has sent `count` more frames (the reader session polling again).
        func waitFrames(_ count: Int) throws {
            let target = frames() + count
            let start = monotonicNanoseconds()
            while frames() < target {
                guard seconds(since: start) < 10 else { throw BenchError("renfangd stopped polling the emulated reader") }
                usleep(5000)
            }
        }
        try waitFrames(2)

        /// Place, wait for the alert event, remove, wait until the reader has seen the field empty.
        func present() throws -> (fromAnswer: Double, fromPlace: Double) {
            let placedAt = monotonicNanoseconds()
            let reply = control.send("place \(card.name)")
            guard reply.hasPrefix("ok") else { throw BenchError("sim place: \(reply)") }
            var eventAt: UInt64?
            while let line = feed.next(timeout: 10) {
                if line.contains("\"type\":\"alert.") {
                    eventAt = monotonicNanoseconds()
                    break
                }
            }
            guard let eventAt else { throw BenchError("no alert event within 10 s of placing the card") }
            guard let answered = control.status()["answered"].flatMap(UInt64.init), answered > placedAt, answered < eventAt else {
                throw BenchError("the emulator's answer stamp is missing or out of order (renfang sim too old?)")
            }
            _ = control.send("remove")
            // Two empty finds make the session report the removal; a third poll means it waits for a card again.
            try waitFrames(3)
            return (Double(eventAt - answered) / 1e9, Double(eventAt - placedAt) / 1e9)
        }

        for _ in 0..<5 { _ = try present() }  // warm-up: the first opens the alert, the next ones count on it
        var fromAnswer: [Double] = [], fromPlace: [Double] = []
        for i in 0..<placements {
            let (a, p) = try present()
            fromAnswer.append(a)
            fromPlace.append(p)
            if (i + 1) % 50 == 0 { note("   \(i + 1)/\(placements) placements, p50 so far \(ms(median(fromAnswer)))") }
        }
        let p50 = median(fromAnswer), p99 = percentile(fromAnswer, 0.99)
        print(String(format: "   %d placements of a listed card: read answer → alert event p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                     placements, p50 * 1000, p99 * 1000, (fromAnswer.max() ?? 0) * 1000))
        print(String(format: "   placing the card → alert event (adds the reader session's find poll, every 150 ms): p50 %.1f ms, p99 %.1f ms",
                     median(fromPlace) * 1000, percentile(fromPlace, 0.99) * 1000))
        print(String(format: "   minus the watchlist check (p50 %.1f ms): p50 %.2f ms, p99 %.2f ms",
                     check.wallP50 * 1000, (p50 - check.wallP50) * 1000, (p99 - check.wallP50) * 1000))
        // Each read's own check, as renfangd logged it ("card read … check_ms="): the rest of the latency is
        // what the daemon adds to the scrypt of that read (the reader, the register's transaction, the bus,
        // the socket), without the scrypt's own spread from one read to the next.
        let checks = Self.loggedChecks(stack.directory + "/renfangd.log").suffix(placements)
        var overhead: [Double] = []
        if checks.count == placements {
            overhead = zip(fromAnswer, checks).map { $0 - $1 }
            print(String(format: "   minus each read's own check (renfangd's log, check p50 %.1f ms, p99 %.1f ms): p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                         median(Array(checks)) * 1000, percentile(Array(checks), 0.99) * 1000,
                         median(overhead) * 1000, percentile(overhead, 0.99) * 1000, (overhead.max() ?? 0) * 1000))
        } else {
            print("   renfangd's log has \(checks.count) card reads with their check time, not \(placements): per-read figure left out")
        }
        let target = 0.005 + check.wallP50
        var rows = [
            Row(figure: "watchlist check per card (\(check.cost))", value: ms(check.wallP50) + String(format: " (CPU %.1f)", check.cpuP50 * 1000),
                target: "20–50 ms", pass: nil),
            Row(figure: "card-to-alert p50 (read answer → alert socket)", value: ms(p50), target: "-", pass: nil),
            Row(figure: "card-to-alert p99", value: ms(p99), target: "< 5 ms + check = " + ms(target), pass: p99 < target),
            Row(figure: "card-to-alert p99 minus the check (p50)", value: ms(p99 - check.wallP50), target: "< 5 ms", pass: p99 - check.wallP50 < 0.005),
            Row(figure: "card placed → alert p50 / p99 (with the 150 ms poll)", value: ms(median(fromPlace)) + " / " + ms(percentile(fromPlace, 0.99)),
                target: "-", pass: nil),
        ]
        if !overhead.isEmpty {
            rows.append(Row(figure: "card-to-alert minus that read's own check, p99", value: ms(percentile(overhead, 0.99)),
                            target: "< 5 ms", pass: percentile(overhead, 0.99) < 0.005))
        }
        return rows
    }

    /// The `check_ms` of every "card read" line of renfangd's log, in seconds, in order.
    static func loggedChecks(_ path: String) -> [Double] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line -> Double? in
            guard line.hasSuffix("card read"), let range = line.range(of: "check_ms=") else { return nil }
            return Double(line[range.upperBound...].prefix { $0.isNumber || $0 == "." }).map { $0 / 1000 }
        }
    }

    // MARK: - 2. HTTP under concurrent clients

    func http() throws -> [Row] {
        let stack = try stack("http")
        defer { stack.stop() }
        try stack.startServices()
        try stack.startDaemon()
        let desk = try stack.login("desk"), police = try stack.login("police")
        let housesResponse = try HTTPConnection(port: stack.httpPort).request("GET", "/api/v1/xiaoqus/\(stack.xiaoqu)/houses", headers: desk.headers)
        let houses = ((try? JSONSerialization.jsonObject(with: Data(housesResponse.body))) as? [[String: Any]] ?? []).compactMap { $0["uuid"] as? String }
        guard !houses.isEmpty else { throw BenchError("the desk sees no house: HTTP \(housesResponse.status) \(housesResponse.text.prefix(200))") }

        let clients = options.clients
        let pace = options.pace
        /// Closed loop (`paced` false): every client sends back to back. Paced: every client sends
        /// `pace` requests per second on a fixed schedule.
        func measure(_ label: String, expected: Int, paced: Bool = false,
                     _ request: @escaping @Sendable (Int) -> (method: String, path: String, headers: [(String, String)], body: [UInt8]?)) -> LoadResult {
            let seconds = paced ? max(options.seconds, 20) : options.seconds
            let minimum = paced ? 0 : options.requests
            note("   \(label): \(clients) clients" + (paced ? String(format: ", each %.1f requests/s", pace) : "")
                 + ", warm-up 2 s, then ≥ \(Int(seconds)) s" + (paced ? " …" : " and ≥ \(minimum) requests …"))
            let pid = stack.daemon?.processIdentifier ?? 0
            let cpuBefore = processCPUSeconds(pid) ?? 0
            let result = runLoad(port: stack.httpPort, clients: clients, warmUp: 2, minimumSeconds: seconds,
                                 minimumRequests: minimum, maximumSeconds: max(60, seconds),
                                 interval: paced ? 1 / pace : nil,
                                 expectedStatus: expected, request: request)
            print("   \(label): " + String(format: "%d requests in %.1f s = %.0f/s; p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; %d failed",
                         result.requests, result.seconds, result.perSecond, median(result.latencies) * 1000,
                         percentile(result.latencies, 0.9) * 1000, percentile(result.latencies, 0.99) * 1000,
                         (result.latencies.max() ?? 0) * 1000, result.failures))
            if let failure = result.firstFailure { print("     first failure: \(failure.prefix(300))") }
            // The daemon's CPU time over warm-up and measurement, per answered request (both counted).
            if let cpuAfter = processCPUSeconds(pid) {
                let answered = Double(result.requests) * (result.seconds + 2) / result.seconds
                print(String(format: "     renfangd CPU: %.2f ms per request (user + system, warm-up included)", (cpuAfter - cpuBefore) / answered * 1000))
            }
            return result
        }

        // (a) registrations by hand: every request a new synthetic person into a house of the desk's 小区.
        let deskHeaders = desk.headers
        let houseList = houses
        let registration: @Sendable (Int) -> (method: String, path: String, headers: [(String, String)], body: [UInt8]?) = { i in
            let body = """
                {"house":"\(houseList[i % houseList.count])","name":"\(BenchPeople.name(i))","idNumber":"\(BenchPeople.idNumber(i, region: "110105", from: 1960))",\
                "sex":"\(BenchPeople.sex(i))","nation":"01","relation":"91","arrivalDate":"2025-01-10","plannedStay":"2","residenceReason":"01",\
                "confirm":{"confirmDuplicate":true}}
                """
            return ("POST", "/api/v1/registrations", deskHeaders, Array(body.utf8))
        }
        let registrations = measure("registration (POST /api/v1/registrations, desk)", expected: 201, registration)
        // The same numbering continues: every paced registration is a new person too.
        let offset = registrations.requests * 2 + 100_000
        let pacedRegistrations = measure("registration, paced", expected: 201, paced: true) { registration($0 + offset) }
        let afterRegistrations = stack.daemon.flatMap { residentMemory(of: $0.processIdentifier) }

        // (b) occupancy statistics for the police station (three 小区): the station's 社区 by 小区, then each
        // 小区 by 楼栋, in turn, as the drill-down of /police asks them.
        let policeHeaders = police.headers
        let xiaoquList = stack.xiaoqus
        let statisticsPaths = ["/api/v1/statistics/occupancy", "/api/v1/statistics/occupancy?groupBy=community"]
            + xiaoquList.map { "/api/v1/statistics/occupancy?groupBy=building&xiaoqu=\($0)" }
        let statisticsRequest: @Sendable (Int) -> (method: String, path: String, headers: [(String, String)], body: [UInt8]?) = { i in
            ("GET", statisticsPaths[i % statisticsPaths.count], policeHeaders, nil)
        }
        let statistics = measure("statistics (GET /api/v1/statistics/occupancy, police)", expected: 200, statisticsRequest)
        let pacedStatistics = measure("statistics, paced", expected: 200, paced: true, statisticsRequest)
        let after = stack.daemon.flatMap { residentMemory(of: $0.processIdentifier) }
        if let after {
            print(String(format: "   renfangd after the load: VmRSS %.1f MiB, VmHWM %.1f MiB (after the registrations: VmHWM %.1f MiB)",
                         after.rss, after.hwm, afterRegistrations?.hwm ?? 0))
        }
        func rows(_ name: String, _ r: LoadResult, paced: Bool = false) -> [Row] {
            let load = paced ? String(format: "%d clients × %.1f/s", clients, pace) : "\(clients) clients, closed loop"
            return [
                Row(figure: "HTTP \(name) p50 (\(load))", value: ms(median(r.latencies)), target: "-", pass: nil),
                Row(figure: "HTTP \(name) p99 (\(load))", value: ms(percentile(r.latencies, 0.99)), target: "< 50 ms",
                    pass: percentile(r.latencies, 0.99) < 0.05 && r.failures == 0),
                Row(figure: "HTTP \(name) requests/s (\(load))", value: String(format: "%.0f/s (%d, %d failed)", r.perSecond, r.requests, r.failures),
                    target: "-", pass: nil),
            ]
        }
        return rows("registration", registrations) + rows("registration", pacedRegistrations, paced: true)
            + rows("statistics", statistics) + rows("statistics", pacedStatistics, paced: true)
            + (after.map { [Row(figure: "VmHWM after the HTTP load", value: mib($0.hwm), target: "-", pass: nil)] } ?? [])
    }

    // MARK: - 3. resident memory

    func settledMemory(_ stack: Stack) throws -> (rss: Double, hwm: Double, healthy: Double) {
        try stack.spawnDaemon()
        let healthy = try stack.waitHealthy()
        Thread.sleep(forTimeInterval: 3)  // let start-up work (occupancy, first uplink round) settle
        guard let pid = stack.daemon?.processIdentifier, let memory = residentMemory(of: pid) else {
            throw BenchError("renfangd is gone")
        }
        stack.stopDaemon()
        return (memory.rss, memory.hwm, healthy)
    }

    func memory() throws -> [Row] {
        var result: [Row] = []
        // Idle: a register with only its police station, no list, no accounts.
        let empty = try stack("memory-empty", Stack.Options(demoRegister: false, watchlist: false, accounts: false))
        try empty.startServices()
        let idle = try settledMemory(empty)
        empty.stop()
        print(String(format: "   idle, empty register: VmRSS %.1f MiB, VmHWM %.1f MiB", idle.rss, idle.hwm))
        result.append(Row(figure: "RSS idle, empty register (VmRSS / VmHWM)", value: mib(idle.rss) + " / " + mib(idle.hwm),
                          target: "< 60 MB (VmRSS)", pass: idle.rss * 1.048576 < 60))

        let demo = try stack("memory-demo")
        defer { demo.stop() }
        try demo.startServices()
        let withDemo = try settledMemory(demo)
        print(String(format: "   demo register and list: VmRSS %.1f MiB, VmHWM %.1f MiB", withDemo.rss, withDemo.hwm))
        result.append(Row(figure: "RSS with the demo register (VmRSS / VmHWM)", value: mib(withDemo.rss) + " / " + mib(withDemo.hwm),
                          target: "-", pass: nil))

        // The big list: --list-people people × (ID tag + name tag), sealed here at the test cost (import and
        // matching do not depend on the cost), imported with `renfang watchlist import` like any bundle.
        let people = options.listPeople
        note("   sealing a \(people * 2)-record watchlist at the test cost …")
        let start = monotonicNanoseconds()
        let key = IssuerKey(issuer: "压测分局")
        try key.write(to: URL(fileURLWithPath: demo.directory + "/keys/big.key"))
        try FileManager.default.copyItem(atPath: demo.directory + "/keys/big.key.pub", toPath: demo.issuersDirectory + "/big.key.pub")
        let bundle = demo.directory + "/import/big.rfwl"
        do {
            let sealed = try WatchlistSealer.seal((0..<people).map(BenchPeople.watchlistEntry), key: key,
                                                  options: SealOptions(listId: "big", cost: .testing))
            try Data(sealed.bundle).write(to: URL(fileURLWithPath: bundle))
        }
        let sealSeconds = seconds(since: start)
        let importStart = monotonicNanoseconds()
        try run(binaries.renfang, ["watchlist", "import", bundle, "--trusted-keys", demo.issuersDirectory,
                                   "--watchlist-dir", demo.watchlistDirectory, "--database", demo.database, "--key", demo.keyFile])
        print(String(format: "   %d-record list sealed in %.1f s, imported in %.1f s", people * 2, sealSeconds, seconds(since: importStart)))
        let big = try settledMemory(demo)
        print(String(format: "   with the %d-record list: VmRSS %.1f MiB, VmHWM %.1f MiB (healthy %.2f s after spawn)",
                     people * 2, big.rss, big.hwm, big.healthy))
        result.append(Row(figure: "RSS with a \(people * 2)-record list (VmRSS / VmHWM)", value: mib(big.rss) + " / " + mib(big.hwm),
                          target: "< 200 MB (VmRSS)", pass: big.rss * 1.048576 < 200))
        result.append(Row(figure: "start-up to health with that list", value: String(format: "%.2f s", big.healthy), target: "-", pass: nil))
        return result
    }

    // MARK: - 4. start-up

    func startup() throws -> [Row] {
        let starts = options.runs ?? 10
        let stack = try stack("startup")
        defer { stack.stop() }
        try stack.startServices()
        try stack.startDaemon()  // the first start (migrations, keys) is not counted
        stack.stopDaemon()
        var ready: [Double] = [], healthy: [Double] = []
        for i in 0..<starts {
            let socketPath = stack.directory + "/run/notify-\(i).sock"
            unlink(socketPath)
            let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0, withUnixAddress(socketPath, { bind(fd, $0, $1) }) == 0 else {
                throw BenchError("cannot bind \(socketPath): \(String(cString: strerror(errno)))")
            }
            let readyAt = SharedInt()
            let listener = Thread {
                var buffer = [UInt8](repeating: 0, count: 4096)
                var timeout = timeval(tv_sec: 30, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                while true {
                    let n = recv(fd, &buffer, buffer.count, 0)
                    if n < 0, errno == EINTR { continue }
                    guard n > 0 else { return }
                    let now = monotonicNanoseconds()
                    if String(decoding: buffer[..<n], as: UTF8.self).split(separator: "\n").contains("READY=1") {
                        readyAt.store(Int(now))
                        return
                    }
                }
            }
            listener.start()
            let spawned = monotonicNanoseconds()
            try stack.spawnDaemon(environment: ["NOTIFY_SOCKET": socketPath])
            let toHealth = try stack.waitHealthy(timeout: 60)
            let healthAt = spawned + UInt64(toHealth * 1e9)
            var waited = 0
            while readyAt.load() == 0, waited < 10_000 {
                usleep(1000)
                waited += 1
            }
            let readyStamp = UInt64(readyAt.load())
            stack.stopDaemon()
            close(fd)
            unlink(socketPath)
            guard readyStamp != 0 else { throw BenchError("no READY=1 on NOTIFY_SOCKET") }
            ready.append(Double(readyStamp - spawned) / 1e9)
            healthy.append(Double(healthAt - spawned) / 1e9)
        }
        print(String(format: "   %d starts with the demo register: spawn → READY=1 median %.0f ms (min %.0f, max %.0f); → first 200 from /api/v1/health median %.0f ms (min %.0f, max %.0f)",
                     starts, median(ready) * 1000, (ready.min() ?? 0) * 1000, (ready.max() ?? 0) * 1000,
                     median(healthy) * 1000, (healthy.min() ?? 0) * 1000, (healthy.max() ?? 0) * 1000))
        return [
            Row(figure: "start-up: spawn → READY=1 (median of \(starts))", value: ms(median(ready)), target: "< 1 s", pass: median(ready) < 1),
            Row(figure: "start-up: spawn → first 200 from /api/v1/health", value: ms(median(healthy)), target: "< 1 s", pass: median(healthy) < 1),
        ]
    }
}

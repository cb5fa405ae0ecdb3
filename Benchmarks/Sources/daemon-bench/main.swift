// daemon-bench: the figures of issue 7 for the whole daemon, measured on release binaries run as real
// processes (renfangd, the reader emulator `renfang sim serve`, two renfang-upstream servers), set up the
// way `make demo` sets them up (scripts/demo).
//
//   swift run -c release --package-path Benchmarks daemon-bench [--only latency|http|memory|startup]…
//       [--runs N] [--keep DIR] [--bin DIR] [--clients N] [--seconds S] [--requests N] [--list-people N]
//
// 1. card-to-alert latency: a listed person's card placed on the emulated reader (control socket) → the
//    alert.* event on the alert socket; p50/p99 over --runs placements (default 200), measured from the
//    emulator's last read answer (CLOCK_MONOTONIC stamp in `sim status`), beside the watchlist's scrypt cost
//    per check at the list's (default) cost, measured in this process on the same list.
// 2. HTTP under --clients (50) concurrent keep-alive connections: registrations by hand (a desk session, a
//    new synthetic person each time) and occupancy statistics (a police session, the drill-down queries in
//    turn): p50/p99, requests/s; each twice: a closed loop (every client back to back: the capacity, where
//    the latency is the queue of 50 requests) and paced (every client --pace requests/s on a schedule,
//    latency counted from the scheduled time).
// 3. resident memory (VmRSS, VmHWM) of renfangd: idle with an empty register, with the demo register and
//    list, with a 1,000,000-record watchlist in force (sealed here at the test cost).
// 4. start-up: spawn → READY=1 on a NOTIFY_SOCKET of ours, and → first 200 from /api/v1/health; median of
//    --runs starts (default 10) with the demo register.
import Foundation
import Glibc

#if DEBUG
note("daemon-bench: WARNING — a debug build of the benchmark; build it with -c release.")
#endif

struct Options {
    var parts: [String] = ["latency", "http", "memory", "startup"]
    var runs: Int?
    var keep: String?
    var bin: String?
    var clients = 50
    /// Requests per second of each client in the paced HTTP measurements.
    var pace = 2.0
    var seconds = 10.0
    var requests = 5000
    var listPeople = 500_000
    var sync = true
    /// The uplinks' `linger` (seconds); nil: renfangd's default.
    var linger: Double?
    var settle = 60.0
}

let usage = """
    usage: daemon-bench [--only latency|http|memory|startup]… [--runs N] [--keep DIR] [--bin DIR]
                        [--clients N] [--pace R] [--seconds S] [--requests N] [--list-people N] [--settle S] [--no-sync] [--linger S]
      --only PART    run only this part (repeat, or a comma list)
      --runs N       placements (latency, default 200) and starts (startup, default 10)
      --keep DIR     set the stacks up in DIR and keep them (logs, configurations, databases)
      --bin DIR      where renfangd, renfang and renfang-upstream are (release builds); default <repo>/.build/release,
                     built there with `swift build -c release --static-swift-stdlib` when missing
      --clients N    concurrent HTTP connections (default 50)
      --pace R       requests per second of each client in the paced HTTP measurements (default 2)
      --seconds S    shortest HTTP measurement (default 10; it also runs to at least --requests requests, at most 60 s)
      --requests N   fewest requests per HTTP measurement (default 5000)
      --list-people N  people of the big watchlist, two records each (default 500000 → 1,000,000 records)
      --settle S     before each part, wait up to S seconds (default 60) for the 1-minute load to fall below 1.5
      --no-sync      no upstream servers and no sync section (to see what the uplink costs; not the production setup)
      --linger S     the uplinks' sync.destinations[].linger (default: renfangd's, 0.02 s), to compare
    """

var options = Options()
var argumentList = CommandLine.arguments.dropFirst().makeIterator()
var onlyParts: [String] = []
while let argument = argumentList.next() {
    func value() -> String {
        guard let v = argumentList.next() else {
            print(usage)
            exit(2)
        }
        return v
    }
    switch argument {
    case "--only": onlyParts += value().split(separator: ",").map(String.init)
    case "--runs": options.runs = Int(value())
    case "--keep": options.keep = value()
    case "--bin": options.bin = value()
    case "--clients": options.clients = Int(value()) ?? options.clients
    case "--pace": options.pace = Double(value()) ?? options.pace
    case "--seconds": options.seconds = Double(value()) ?? options.seconds
    case "--requests": options.requests = Int(value()) ?? options.requests
    case "--list-people": options.listPeople = Int(value()) ?? options.listPeople
    case "--no-sync": options.sync = false
    case "--linger": options.linger = Double(value())
    case "--settle": options.settle = Double(value()) ?? options.settle
    case "-h", "--help":
        print(usage)
        exit(0)
    default:
        print("daemon-bench: unknown option \(argument)\n" + usage)
        exit(2)
    }
}
if !onlyParts.isEmpty {
    for part in onlyParts where !options.parts.contains(part) {
        print("daemon-bench: unknown part \(part) (latency, http, memory, startup)")
        exit(2)
    }
    options.parts = options.parts.filter(onlyParts.contains)
}

// The repository: three levels above this file's directory (Benchmarks/Sources/daemon-bench).
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

@MainActor
func findBinaries() throws -> Binaries {
    if let bin = options.bin {
        let binaries = Binaries(directory: bin)
        guard binaries.present else { throw BenchError("--bin \(bin): renfangd, renfang and renfang-upstream are not all there") }
        return binaries
    }
    let fallback = Binaries(directory: repository + "/.build/release")
    if fallback.present { return fallback }
    note("building the release binaries (swift build -c release --static-swift-stdlib --package-path \(repository)) …")
    let swift = ProcessInfo.processInfo.environment["SWIFT"] ?? "/usr/bin/env"
    let prefix = swift == "/usr/bin/env" ? ["swift"] : []
    for product in ["renfangd", "renfang", "renfang-upstream"] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: swift)
        process.arguments = prefix + ["build", "-c", "release", "--static-swift-stdlib", "--package-path", repository, "--product", product]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("swift build failed") }
    }
    guard fallback.present else { throw BenchError("the release build left no binaries in \(repository)/.build/release") }
    return fallback
}

for sig in [SIGINT, SIGTERM] {
    signal(sig) { _ in
        stopChildren()
        exit(130)
    }
}
signal(SIGPIPE, SIG_IGN)

struct Row {
    var figure: String
    var value: String
    var target: String
    var pass: Bool?
}

var rows: [Row] = []
var loadNotes: [String] = []

func loadText(_ l: [Double]) -> String { String(format: "%.2f %.2f %.2f", l[0], l[1], l[2]) }

/// Runs a part between two load-average readings; notes a busy machine.
@MainActor
func part(_ name: String, _ body: () throws -> Void) {
    // The bench's own processes load the machine too: wait (at most --settle seconds) for the 1-minute
    // load of what ran before to fall below 1.5, and judge the part by the load at its start.
    let settleStart = monotonicNanoseconds()
    while loadAverage()[0] > 1.5, seconds(since: settleStart) < options.settle {
        Thread.sleep(forTimeInterval: 5)
    }
    let before = loadAverage()
    print("\n== \(name) (load average \(loadText(before)))")
    do {
        try body()
    } catch {
        print("   FAILED: \(error)")
        rows.append(Row(figure: "\(name): failed", value: "\(error)".prefix(60).description, target: "-", pass: false))
    }
    let after = loadAverage()
    let busy = before[0] > 1.5
    let line = name.padding(toLength: 8, withPad: " ", startingAt: 0) + " load average at start \(loadText(before)), at end \(loadText(after))"
        + (busy ? "  ← BUSY MACHINE (1-minute load > 1.5 at the start): these figures are not valid" : "")
    print("   " + line)
    loadNotes.append(line)
}


do {
    let binaries = try findBinaries()
    let root: String
    if let keep = options.keep {
        root = URL(fileURLWithPath: keep).standardizedFileURL.path
    } else {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-daemon-bench-\(getpid())").path
    }
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    defer {
        stopChildren()
        if options.keep == nil { try? FileManager.default.removeItem(atPath: root) }
    }
    let linkage = (try? run("/usr/bin/ldd", [binaries.renfangd]))?.contains("libswiftCore.so") == true
        ? "Swift runtime linked dynamically" : "Swift runtime linked statically (as make install / the .deb)"
    print("daemon-bench: \(ProcessInfo.processInfo.activeProcessorCount) cores, load average \(loadText(loadAverage()))")
    print("  binaries: \(binaries.renfangd) (\(linkage))")
    print("  stacks in \(root)\(options.keep == nil ? " (removed at the end; --keep DIR keeps them)" : "")")

    let context = BenchContext(root: root, repository: repository, binaries: binaries, options: options)
    for name in options.parts {
        switch name {
        case "latency": part("latency") { rows += try context.latency() }
        case "http": part("http") { rows += try context.http() }
        case "memory": part("memory") { rows += try context.memory() }
        case "startup": part("startup") { rows += try context.startup() }
        default: break
        }
    }
} catch {
    print("daemon-bench: \(error)")
    stopChildren()
    exit(1)
}

// The table.
print("\n== figures")
let widths = [rows.map(\.figure.count).max() ?? 6, rows.map(\.value.count).max() ?? 5, rows.map(\.target.count).max() ?? 6]
func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
print("  " + pad("figure", widths[0]) + "  " + pad("value", widths[1]) + "  " + pad("target", widths[2]) + "  result")
for row in rows {
    let result = row.pass.map { $0 ? "PASS" : "FAIL" } ?? "-"
    print("  " + pad(row.figure, widths[0]) + "  " + pad(row.value, widths[1]) + "  " + pad(row.target, widths[2]) + "  " + result)
}
print("\n  load averages (1, 5, 15 min):")
for line in loadNotes { print("   " + line) }

import BenchPeople
import Foundation
import IDCard
import Watchlist

#if canImport(Glibc)
import Glibc
#endif

// watchlist-bench: the figures of issue 5 (README.md, Watchlist).
//
//   swift run -c release --package-path Benchmarks watchlist-bench [--seal-sample N] [--import-people N]
//
// 1. scrypt cost calibration (ms per derivation at r=8, p=1 for N = 2^13 … 2^16);
// 2. sealing at the default cost: entries per second on one core and on every core (a sample, projected to
//    100,000 entries unless --seal-sample 100000);
// 3. import of a bundle of 1,000,000 records (500,000 people × ID tag + name tag), sealed at a low test
//    cost: seconds and peak RSS, measured in a child process that does nothing else;
// 4. one check at the default cost: p50/p99 of the scrypt step and of the lookup step (on the
//    1,000,000-record list, hits and misses), and the CPU-years to enumerate 2.6×10^11 ID numbers.

func argument(_ name: String, _ fallback: Int) -> Int {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) { return v }
    return fallback
}

/// Peak resident memory of this process (VmHWM; unlike ru_maxrss it is not inherited across exec).
func peakRSSMiB() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))]
}

func time(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// CPU time of the calling thread (unaffected by other processes competing for the cores).
func threadCPU() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Wall and thread-CPU seconds of `body`.
func measure(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    let cpu0 = threadCPU()
    let wall = try time(body)
    return (wall, threadCPU() - cpu0)
}

func processCPU() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// Synthetic person `i` (made up: region 440106, a birth date from i, the check character computed).
func person(_ i: Int) -> WatchlistEntry { BenchPeople.watchlistEntry(i) }

// Child mode: import one bundle and report seconds and peak RSS.
if CommandLine.arguments.count == 5, CommandLine.arguments[1] == "--import-child" {
    let args = CommandLine.arguments
    let baseline = peakRSSMiB()
    let store = try WatchlistStore(directory: URL(fileURLWithPath: args[3]))
    let trusted = TrustedKeys([Array(Data(base64Encoded: args[4])!)])
    var result: WatchlistStore.ImportResult?
    let seconds = try time { result = try store.importBundle(at: URL(fileURLWithPath: args[2]), trusted: trusted) }
    let importRSS = peakRSSMiB()
    var checker: WatchlistChecker?
    let loadSeconds = try time { checker = try WatchlistChecker(store: store) }
    print("\(seconds) \(importRSS) \(result!.entryCount) \(loadSeconds) \(peakRSSMiB()) \(checker!.loadedLists.count) \(baseline)")
    exit(0)
}

let cores = ProcessInfo.processInfo.activeProcessorCount
let root = FileManager.default.temporaryDirectory.appendingPathComponent("watchlist-bench-\(getpid())")
try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: root) }
var load = [Double](repeating: 0, count: 3)
getloadavg(&load, 3)
print(String(format: "watchlist-bench on %d cores (load average %.1f when started)", cores, load[0]))

let quick = CommandLine.arguments.contains("--lookup-only")  // sections 3 and 4 only (profiling)

// 1. scrypt calibration.
print("\n1. scrypt cost (p=1), ms per derivation (median of 7; wall clock and thread CPU time):")
for cost in quick ? [ScryptCost.standard] : [ScryptCost(log2N: 13), ScryptCost(log2N: 14), ScryptCost(log2N: 14, r: 12), ScryptCost(log2N: 15), ScryptCost(log2N: 16)] {
    let log2N = cost.log2N
    let store = try WatchlistStore(directory: root.appendingPathComponent("cal\(log2N)-\(cost.r)"))
    let key = IssuerKey(issuer: "bench")
    let sealed = try WatchlistSealer.seal([person(1)], key: key, options: SealOptions(listId: "cal", cost: cost))
    let file = root.appendingPathComponent("cal\(log2N)-\(cost.r).rfwl")
    try Data(sealed.bundle).write(to: file)
    _ = try store.importBundle(at: file, trusted: TrustedKeys([key.publicKey]))
    let checker = try WatchlistChecker(store: store)
    var samples: [(wall: Double, cpu: Double)] = []
    for i in 0..<7 { samples.append(try measure { _ = try checker.prepare(person(100 + i).identity) }) }
    print(String(format: "   N=2^%d r=%d: wall %6.1f ms, CPU %6.1f ms  (%d MiB)%@", log2N, cost.r,
                 percentile(samples.map(\.wall), 0.5) * 1000, percentile(samples.map(\.cpu), 0.5) * 1000,
                 (128 * Int(cost.r) * (1 << Int(log2N))) >> 20, cost == ScryptCost.standard ? "  ← default" : ""))
}

// 2. Sealing at the default cost.
let sample = quick ? 1 : argument("--seal-sample", 200)
print("\n2. sealing at the default cost (\(ScryptCost.standard)), \(sample) people with ID + name tags:")
let sealKey = IssuerKey(issuer: "bench")
let sampleEntries = (0..<sample).map(person)
var cpu0 = processCPU()
let oneCoreWall = try time {
    _ = try WatchlistSealer.seal(sampleEntries, key: sealKey, options: SealOptions(listId: "seal", threads: 1))
}
let oneCore = processCPU() - cpu0  // CPU seconds: what one core spends, whatever else runs
cpu0 = processCPU()
let allCores = try time {
    _ = try WatchlistSealer.seal(sampleEntries, key: sealKey, options: SealOptions(listId: "seal", threads: cores))
}
print(String(format: "   (wall clock: %.1f s on one thread, %.1f s on %d threads, %.1f CPU-s)", oneCoreWall, allCores, cores, processCPU() - cpu0))
let perCoreTags = Double(sample * 2) / oneCore
print(String(format: "   per core:  %.1f CPU-s → %.2f people/s (%.2f tags/s) per core", oneCore, Double(sample) / oneCore, perCoreTags))
print(String(format: "   %d cores:   %.1f s → %.1f people/s", cores, allCores, Double(sample) / allCores))
print(String(format: "   100,000 people (200,000 tags): %.0f min on one core, %.0f min on %d idle cores (projected)",
             100_000 / (Double(sample) / oneCore) / 60, 100_000 / (Double(sample) / oneCore) / 60 / Double(cores), cores))
print(String(format: "   100,000 ID-only entries: %.2f entries/s per core → %.0f min on one core",
             perCoreTags, 100_000 / perCoreTags / 60))

// 3. Import of 1,000,000 records.
let people = argument("--import-people", 500_000)
// --reuse-list DIR: take the imported list from DIR when it holds one (and keep it there otherwise), so
// that profiling the lookup step does not seal the big list again each time.
let reuseDir: URL? = CommandLine.arguments.firstIndex(of: "--reuse-list").flatMap { i in
    i + 1 < CommandLine.arguments.count ? URL(fileURLWithPath: CommandLine.arguments[i + 1]) : nil
}
let listDir = root.appendingPathComponent("lists")
if let reuseDir, FileManager.default.fileExists(atPath: reuseDir.appendingPathComponent("bureau.rfws").path) {
    print("\n3. import: skipped, reusing the \(people * 2)-record list in \(reuseDir.path)")
    try FileManager.default.copyItem(at: reuseDir, to: listDir)
    // On disk before it is loaded, as an import leaves it (a copy still being written back disturbs the lookups).
    let copied = open(listDir.appendingPathComponent("bureau.rfws").path, O_RDONLY)
    fsync(copied)
    close(copied)
} else {
    print("\n3. import: \(people) people → \(people * 2) records, sealed at the test cost \(ScryptCost.testing):")
    let bigKey = IssuerKey(issuer: "bench")
    var bigSealed: SealedList?
    let sealSeconds = try time {
        bigSealed = try WatchlistSealer.seal((0..<people).map(person), key: bigKey,
                                             options: SealOptions(listId: "bureau", cost: .testing))
    }
    let bigFile = root.appendingPathComponent("big.rfwl")
    try Data(bigSealed!.bundle).write(to: bigFile)
    print(String(format: "   sealed in %.1f s, bundle %.1f MiB", sealSeconds, Double(bigSealed!.bundle.count) / 1_048_576))
    bigSealed = nil
    let child = Process()
    child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    child.arguments = ["--import-child", bigFile.path, listDir.path, Data(bigKey.publicKey).base64EncodedString()]
    let pipe = Pipe()
    child.standardOutput = pipe
    try child.run()
    child.waitUntilExit()
    let fields = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        .split(separator: " ").map { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 }
    print(String(format: "   import: %.2f s, peak RSS %.1f MiB (process baseline %.1f MiB), %d records in force   (targets: < 30 s, < 150 MB)",
                 fields[0], fields[1], fields[6], Int(fields[2])))
    print(String(format: "   loading the list for matching: %.2f s, peak RSS then %.1f MiB", fields[3], fields[4]))
    if let reuseDir { try? FileManager.default.copyItem(at: listDir, to: reuseDir) }
}

// 4. One check.
print("\n4. one check at the default cost:")
// The bundle and the list written above to disk first: their writeback would otherwise run beside the lookups.
sync()
let bigStore = try WatchlistStore(directory: listDir)
let bigChecker = try WatchlistChecker(store: bigStore)
// The scrypt step at the default cost (a default-cost list beside the big one has the same salt handling).
let defaultStore = try WatchlistStore(directory: root.appendingPathComponent("cal\(ScryptCost.standard.log2N)-\(ScryptCost.standard.r)"))
let defaultChecker = try WatchlistChecker(store: defaultStore)
var scryptSamples: [(wall: Double, cpu: Double)] = []
for i in 0..<60 { scryptSamples.append(try measure { _ = try defaultChecker.prepare(person(1000 + i).identity) }) }
// The lookup step on the 1,000,000-record list: half hits, half misses.
var hitSamples: [Double] = [], missSamples: [Double] = [], cpuSamples: [Double] = []
var hits = 0
/// Page faults (minor + major) and context switches of this thread during the slow lookups (> 10 µs):
/// what the tail is made of.
var slow = (count: 0, faults: 0, switches: 0)
func threadUsage() -> (faults: Int, switches: Int) {
    var usage = rusage()
    getrusage(1 /* RUSAGE_THREAD */, &usage)
    return (usage.ru_minflt + usage.ru_majflt, usage.ru_nvcsw + usage.ru_nivcsw)
}
for i in 0..<argument("--lookups", 4000) {
    let hit = i % 2 == 0
    let who = hit ? person((i * 7919) % people) : person(people + i)
    let prepared = try bigChecker.prepare(who.identity)
    var found: [WatchlistHit] = []
    let usage0 = threadUsage()
    let (t, c) = try measure { found = try bigChecker.lookup(prepared) }
    let usage1 = threadUsage()
    if t > 10e-6 {
        slow.count += 1
        slow.faults += usage1.faults - usage0.faults
        slow.switches += usage1.switches - usage0.switches
    }
    cpuSamples.append(c)
    if hit { hitSamples.append(t); hits += found.count } else { missSamples.append(t) }
}
let lookups = hitSamples + missSamples
print(String(format: "   scrypt step: CPU p50 %.1f ms, p99 %.1f ms; wall p50 %.1f ms, p99 %.1f ms   (target: 20–50 ms)",
             percentile(scryptSamples.map(\.cpu), 0.5) * 1000, percentile(scryptSamples.map(\.cpu), 0.99) * 1000,
             percentile(scryptSamples.map(\.wall), 0.5) * 1000, percentile(scryptSamples.map(\.wall), 0.99) * 1000))
print(String(format: "   lookup step (%d records): wall p50 %.2f µs, p99 %.2f µs; CPU p50 %.2f µs, p99 %.2f µs   (target: p99 < 10 µs)",
             people * 2, percentile(lookups, 0.5) * 1e6, percentile(lookups, 0.99) * 1e6,
             percentile(cpuSamples, 0.5) * 1e6, percentile(cpuSamples, 0.99) * 1e6))
print(String(format: "     hits p50 %.2f µs p99 %.2f µs; misses p50 %.2f µs p99 %.2f µs; %d/%d hits found",
             percentile(hitSamples, 0.5) * 1e6, percentile(hitSamples, 0.99) * 1e6,
             percentile(missSamples, 0.5) * 1e6, percentile(missSamples, 0.99) * 1e6, hits, hitSamples.count))
print("     lookups over 10 µs: \(slow.count), with \(slow.faults) page faults and \(slow.switches) context switches among them")
let checkSeconds = percentile(scryptSamples.map(\.cpu), 0.5)
let years = 2.6e11 * checkSeconds / (365.25 * 86_400)
print(String(format: "   enumerating 2.6×10^11 plausible ID numbers at %.1f ms each: %.0f CPU-years (per list salt)",
             checkSeconds * 1000, years))

// The same lookups with warm caches (200 identities prepared once, looked up again and again): what the
// lookup itself costs, without the cache and TLB misses left by the scrypt before it. For information;
// the figure of the issue is the one above (a lookup right after its scrypt step, as in a check).
let warmPeople = try (0..<200).map { i in
    try bigChecker.prepare((i % 2 == 0 ? person((i * 7919) % people) : person(people + i)).identity)
}
var warmHits: [Double] = [], warmMisses: [Double] = []
for round in 0..<argument("--warm-rounds", 50) {
    for (i, prepared) in warmPeople.enumerated() {
        let t = try time { _ = try bigChecker.lookup(prepared) }
        if round > 0 { if i % 2 == 0 { warmHits.append(t) } else { warmMisses.append(t) } }
    }
}
print(String(format: "   warm caches (same identities looked up again): hits p50 %.2f µs p99 %.2f µs; misses p50 %.2f µs p99 %.2f µs",
             percentile(warmHits, 0.5) * 1e6, percentile(warmHits, 0.99) * 1e6,
             percentile(warmMisses, 0.5) * 1e6, percentile(warmMisses, 0.99) * 1e6))
// --profile-loop N: N more warm lookups, untimed, for perf or callgrind.
for i in 0..<argument("--profile-loop", 0) { _ = try bigChecker.lookup(warmPeople[i % warmPeople.count]) }

// sync-bench: the sync queue's costs and rates.
//
//   swift run -c release --package-path Benchmarks sync-bench [--registrations N] [--drain N] [--backlog N]
//                                                             [--upstream PATH] [--skip-register] [--skip-drain]
//
// 1. Durable registrations per second: each one a register transaction with synchronous=FULL (person, stay,
//    audit entries, outbox rows for two destinations), against bare SQLite inserts of the same rows in the
//    same run: every row the registrations wrote (person, stay, 2 audit entries, 2 changes, 4 outbox rows,
//    the 2 sequence counters), replayed with plain INSERTs into the same schema, one transaction per
//    registration, synchronous=FULL, WAL. Target: ratio ≥ 0.5. For information, also against plain
//    inserts of the person and stay rows alone into tables without constraints or indexes.
// 2. Records per second drained to a renfang-upstream on loopback (plain HTTP). Target: ≥ 5,000/s.
// 3. A backlog of --backlog records (default 1,000,000) drained to renfang-upstream, with the peak resident
//    memory of this process. Target: < 200 MB.
//
// Figures (2-core VM, quiet, 2026-11-22): registrations 960/s, without the queue 1,189/s, bare inserts of the
// same rows 1,453/s (ratio 0.66; against the person and stay rows alone 4,603/s, 0.21); drained 5,914/s
// (50,000); 1,000,000 drained in 219.4 s = 4,558/s with a peak RSS of 84 MB. See protocol-docs/sync-client.md.
import Foundation
import GRDB
import Registry
import Sync

#if DEBUG
print("sync-bench: WARNING — a debug build; run with -c release for figures that mean something.")
#endif

var registrations = 1000
var drainCount = 50_000
var backlog = 1_000_000
var upstreamPath: String?
var doRegister = true, doDrain = true
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--registrations": registrations = Int(arguments.next() ?? "") ?? registrations
    case "--drain": drainCount = Int(arguments.next() ?? "") ?? drainCount
    case "--backlog": backlog = Int(arguments.next() ?? "") ?? backlog
    case "--upstream": upstreamPath = arguments.next()
    case "--skip-register": doRegister = false
    case "--skip-drain": doDrain = false
    default:
        print("usage: sync-bench [--registrations N] [--drain N] [--backlog N] [--upstream PATH] [--skip-register] [--skip-drain]")
        exit(argument == "-h" || argument == "--help" ? 0 : 2)
    }
}

var load = [Double](repeating: 0, count: 3)
getloadavg(&load, 3)
print(String(format: "sync-bench (load average %.2f %.2f %.2f when started)", load[0], load[1], load[2]))

let work = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-sync-bench-\(getpid())")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }

if doRegister {
    let result = try await Bench.registrations(registrations, in: work.appendingPathComponent("register"))
    print(String(format: "durable registrations: %.0f/s (%d in %.2f s, synchronous=FULL, outbox rows for 2 destinations)",
                 result.registerRate, registrations, result.registerSeconds))
    print(String(format: "the same registrations without the sync queue: %.0f/s", result.withoutOutboxRate))
    print(String(format: "bare SQLite inserts of the same rows (every row of each registration, plain INSERTs into the same schema, one transaction each): %.0f/s, CPU %.0f µs per registration",
                 result.schemaFloorRate, result.schemaFloorCPUPerRecord * 1e6))
    print(String(format: "CPU time per durable registration: %.0f µs", result.registerCPUPerRecord * 1e6))
    let ratio = result.registerRate / result.schemaFloorRate
    print(String(format: "ratio durable / bare (same rows): %.2f (target ≥ 0.50) %@", ratio, ratio >= 0.5 ? "OK" : "MISSED"))
    print(String(format: "for information — plain inserts of only the person and stay rows into tables without constraints or indexes: %.0f/s, CPU %.0f µs per pair; durable / these: %.2f",
                 result.bareRate, result.bareCPUPerRecord * 1e6, result.registerRate / result.bareRate))
}

if doDrain {
    guard let upstream = upstreamPath ?? Bench.findUpstream() else {
        print("drain: renfang-upstream not found (build it: swift build -c release --product renfang-upstream, or --upstream PATH)")
        exit(1)
    }
    for (label, count) in [("drain", drainCount), ("backlog", backlog)] where count > 0 {
        let result = try await Bench.drain(count, upstream: upstream, in: work.appendingPathComponent(label))
        print(String(format: "%@: %d records drained in %.1f s = %.0f records/s (target ≥ 5000) %@; peak RSS %.0f MB (target < 200 MB) %@",
                     label, count, result.seconds, Double(count) / result.seconds, Double(count) / result.seconds >= 5000 ? "OK" : "MISSED",
                     result.peakRSSMB, result.peakRSSMB < 200 ? "OK" : "MISSED"))
    }
}

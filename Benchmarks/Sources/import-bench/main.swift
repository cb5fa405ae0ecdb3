// import-bench: import throughput of the register. Generates a residents sheet of synthetic people
// (default 100,000 rows, .xlsx and .csv) under /tmp/renfang-import-bench, imports it into a fresh register
// (WAL, synchronous=FULL asserted at open) and prints the time and rows per second. Target: ≥ 5,000 rows/s.
//
// Run: swift run -c release --package-path Benchmarks import-bench [--rows N] [--batch N] [--format xlsx|csv] [--keep]
import Foundation
import Glibc
import Registry
import Spreadsheet

struct Arguments {
    var rows = 100_000
    var batch = ImportOptions().batchSize
    var keep = false
    var formats = ["xlsx", "csv"]

    init() {
        var it = CommandLine.arguments.dropFirst().makeIterator()
        while let arg = it.next() {
            switch arg {
            case "--rows": rows = min(100_000, Int(it.next() ?? "") ?? rows)
            case "--batch": batch = Int(it.next() ?? "") ?? batch
            case "--keep": keep = true
            case "--format": formats = [it.next() ?? "xlsx"]
            default: print("usage: import-bench [--rows N ≤ 100000] [--batch N] [--format xlsx|csv] [--keep]"); exit(2)
            }
        }
    }
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// CPU seconds used by the process so far (all threads, user + system).
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func line(_ label: String, rows: Int, _ d: Duration, cpu: Double? = nil) -> String {
    let s = seconds(d)
    return label.padding(toLength: 34, withPad: " ", startingAt: 0)
        + String(format: "%8d rows %9.2f s %10.0f rows/s", rows, s, Double(rows) / s)
        + (cpu.map { String(format: "  cpu %5.1f s", $0) } ?? "")
}

/// A fresh register with one station and one 社区 (the police creates the 小区 and houses by import).
func freshRegister(_ folder: URL) async throws -> (RegisterStore, Actor) {
    try? FileManager.default.removeItem(at: folder)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let store = try RegisterStore.open(path: folder.appendingPathComponent("register.sqlite").path,
                                       keyFile: folder.appendingPathComponent("data.key").path)
    let admin = Actor(userId: "bench-admin", role: .admin)
    let station = try await store.createStation(StationDraft(code: "110105510000", name: "安慧里派出所", regionCode: "110105"), by: admin)
    _ = try await store.createCommunity(CommunityDraft(station: station.uuid, regionCode: "110105", name: DataSet.community), by: admin)
    return (store, Actor(userId: "bench-police", role: .police(station: station.uuid)))
}

let args = Arguments()
#if DEBUG
print("warning: a debug build; run with -c release for meaningful figures")
#endif
let root = URL(fileURLWithPath: "/tmp/renfang-import-bench")
let clock = ContinuousClock()
print("import-bench: \(args.rows) residents, batches of \(args.batch) rows")
var files: (houses: URL, xlsx: URL, csv: URL)!
let generate = try clock.measure { files = try DataSet.write(to: root.appendingPathComponent("files"), people: args.rows) }
let size = { (url: URL) in ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0) / 1024 }
print("generated \(files.xlsx.path) (\(size(files.xlsx)) KiB) and .csv (\(size(files.csv)) KiB) in "
      + String(format: "%.1f s", seconds(generate)))

var readTable: SpreadsheetTable!
let read = try clock.measure { readTable = try Spreadsheet.read(url: files.xlsx) }
print(line("read .xlsx only (Spreadsheet.read)", rows: readTable.rows.count, read))

let options = ImportOptions(createPlaces: true, confirmFindings: true, batchSize: args.batch)
for (label, file) in [("xlsx", files.xlsx), ("csv", files.csv)] where args.formats.contains(label) {
    let (store, police) = try await freshRegister(root.appendingPathComponent("register-\(label)"))
    let settings = try store.storageSettings()
    precondition(settings.synchronous == 2 && settings.journalMode == "wal", "synchronous=FULL and WAL are required")
    let importer = RegisterImporter(store: store, actor: police)
    var report: ImportReport!
    let houses = try await clock.measure { report = try await importer.importFile(files.houses, kind: .houses, options: options) }
    precondition(report.isComplete, "houses: \(report.problems.prefix(5))")
    print(line("[\(label)] houses (places created)", rows: report.rows, houses))
    let cpuBefore = cpuSeconds()
    let residents = try await clock.measure { report = try await importer.importFile(file, kind: .residents, options: options) }
    let cpu = cpuSeconds() - cpuBefore
    precondition(report.isComplete && report.created == args.rows, "residents: \(report.summary) \(report.problems.prefix(5))")
    print(line("[\(label)] residents, new", rows: report.rows, residents, cpu: cpu)
          + (Double(report.rows) / seconds(residents) >= 5_000 ? "  PASS (≥ 5,000)" : "  FAIL (< 5,000)"))
    let again = try await clock.measure { report = try await importer.importFile(file, kind: .residents, options: options) }
    precondition(report.unchanged == args.rows, "re-import: \(report.summary)")
    print(line("[\(label)] residents, re-import unchanged", rows: report.rows, again))
    var verification: AuditVerification!
    let verify = try clock.measure { verification = try store.auditLog.verify() }
    precondition(verification.isIntact, "audit chain broken")
    let entries = verification.count
    print("[\(label)] synchronous=\(settings.synchronous) (FULL) journal=\(settings.journalMode); \(report.batches) batches; "
          + "audit log \(entries) entries verified in " + String(format: "%.2f s", seconds(verify)))
    try store.close()
}
if !args.keep { try? FileManager.default.removeItem(at: root) }

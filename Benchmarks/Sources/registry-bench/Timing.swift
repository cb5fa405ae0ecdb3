import Foundation

/// Median of a list of durations (seconds).
func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    guard !s.isEmpty else { return 0 }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// Seconds `body` takes, `runs` times after `warmup` untimed calls.
func measure(runs: Int, warmup: Int, _ body: () async throws -> Void) async rethrows -> [Double] {
    for _ in 0..<warmup { try await body() }
    let clock = ContinuousClock()
    var times: [Double] = []
    for _ in 0..<runs {
        let start = clock.now
        try await body()
        let elapsed = clock.now - start
        times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    return times
}

/// The `sqlite3` command-line tool on the same database file, for the "same SQL" comparison.
///
/// Method: one process runs the statements `repeats` times back to back (`.output /dev/null`, so the
/// tool formats its rows but prints nothing); a second process runs only `SELECT count(*) FROM
/// sqlite_master` (start-up, open, schema parse). A sample is the difference of the two wall times
/// divided by `repeats`. The samples are taken in rounds alternating with the module's calls (main.swift),
/// so that a change of load on the machine affects both sides alike. The tool's own `.timer` prints
/// milliseconds only, too coarse for the searches.
struct SQLiteTool {
    let executable = "/usr/bin/sqlite3"
    let database: String

    var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    /// Scripts running `statements` `repeats` times, and the baseline script; remove them with ``remove(_:)``.
    func scripts(_ statements: [String], repeats: Int) throws -> (full: String, empty: String) {
        let body = String(repeating: statements.map { $0 + ";\n" }.joined(), count: repeats)
        return (try write(".output /dev/null\nSELECT count(*) FROM sqlite_master;\n" + body),
                try write(".output /dev/null\nSELECT count(*) FROM sqlite_master;\n"))
    }

    /// One sample: seconds per repetition of the full script (its wall time minus the baseline's).
    func sample(_ scripts: (full: String, empty: String), repeats: Int) throws -> Double {
        let full = try run(scripts.full)
        let empty = try run(scripts.empty)
        return max(0, full - empty) / Double(repeats)
    }

    func remove(_ scripts: (full: String, empty: String)) {
        try? FileManager.default.removeItem(atPath: scripts.full)
        try? FileManager.default.removeItem(atPath: scripts.empty)
    }

    private func write(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "registry-bench-\(UUID().uuidString).sql"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Wall seconds of `sqlite3 -batch DB < script`.
    private func run(_ script: String) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-batch", database]
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: script))
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let clock = ContinuousClock()
        let start = clock.now
        try process.run()
        process.waitUntilExit()
        let elapsed = clock.now - start
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw BenchError("sqlite3 failed (\(process.terminationStatus)): \(message)")
        }
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// `EXPLAIN QUERY PLAN` of a statement, as the tool prints it.
    func plan(_ statement: String) throws -> String {
        let script = try write("EXPLAIN QUERY PLAN " + statement + ";\n")
        defer { try? FileManager.default.removeItem(atPath: script) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-batch", database]
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: script))
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

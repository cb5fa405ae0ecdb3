import Crypto
import Foundation
import GRDB
import Testing
@testable import Sync
import UpstreamServer

/// The `renfang` binary built next to the test bundle.
let renfangBinary: URL = {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("renfang")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: ".build/debug/renfang")
}()

/// Crash safety: a child process registers made-up people and uploads them to two real upstream servers
/// while it is killed with SIGKILL at random points; afterwards each server holds every committed
/// record exactly once and the appliance's queue is consistent. `RENFANG_CRASH_CYCLES` sets the number
/// of cycles (default 50; scripts/crash-cycles runs 1000).
@Suite("Crash safety", .serialized)
struct CrashTests {
    @Test("SIGKILL at random points while registering and uploading: nothing lost, nothing doubled")
    func killAtRandom() async throws {
        let cycles = Int(ProcessInfo.processInfo.environment["RENFANG_CRASH_CYCLES"] ?? "") ?? 50
        let seed = UInt64(ProcessInfo.processInfo.environment["RENFANG_CRASH_SEED"] ?? "") ?? UInt64(Date().timeIntervalSince1970)
        var random = SeededRandom(state: seed)
        let appliance = "app-crash-01"
        let key = Curve25519.Signing.PrivateKey()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-crash-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyFile = directory.appendingPathComponent("signing.key").path
        try key.rawRepresentation.base64EncodedString().write(toFile: keyFile, atomically: true, encoding: .utf8)
        let bureau = try await RunningUpstream.start(appliance: appliance, key: key)
        let province = try await RunningUpstream.start(appliance: appliance, key: key)
        let database = directory.appendingPathComponent("register.sqlite").path
        let common = ["queue", "drive", "--database", database, "--key", directory.appendingPathComponent("data.key").path,
                      "--destination", "bureau=\(bureau.url)", "--destination", "province=\(province.url)",
                      "--appliance", appliance, "--signing-key", keyFile, "--batch-size", "7"]
        var killed = 0
        for cycle in 0..<cycles {
            // Now and then a server misbehaves too, so kills also land in retries.
            try province.fault(cycle % 7 == 3 ? "drop" : "none")
            let child = Process()
            child.executableURL = renfangBinary
            child.arguments = common + ["--count", "200"]
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            let delay = Double.random(in: 0.05...0.6, using: &random)
            try await Task.sleep(for: .seconds(delay))
            if child.isRunning {
                kill(child.processIdentifier, SIGKILL)
                killed += 1
            }
            child.waitUntilExit()
        }
        try province.fault("none")
        // A last run that registers nothing and drains both queues.
        let last = Process()
        last.executableURL = renfangBinary
        last.arguments = common + ["--count", "0", "--drain", "--timeout", "120"]
        last.standardOutput = FileHandle.nullDevice
        last.standardError = FileHandle.nullDevice
        try last.run()
        last.waitUntilExit()
        #expect(last.terminationStatus == 0)
        #expect(killed > cycles / 2, "only \(killed) of \(cycles) children were killed mid-run")

        let pool = try DatabasePool(path: database)
        defer { try? pool.close() }
        let outbox = Outbox(database: pool)
        #expect(try await outbox.consistencyProblems() == [])
        let people = try await pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM person") ?? 0 }
        #expect(people > 0)
        print("crash-cycles: \(cycles) cycles, \(killed) killed mid-run, \(people) people registered, seed \(seed)")
        for (name, upstream) in [("bureau", bureau), ("province", province)] {
            let local = try await pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT o.seq, o.state, c.uuid FROM sync_outbox o JOIN sync_change c ON c.id = o.change_id WHERE o.destination = ?
                    """, arguments: [name])
            }
            // Every committed change (every outbox row) is delivered …
            #expect(local.allSatisfy { ($0["state"] as Int) == 1 }, "\(name): undelivered rows")
            // … and the server holds each exactly once, under the same sequence number.
            let held = try upstream.server.store.records(applianceId: appliance)
            #expect(held.count == local.count, "\(name): server holds \(held.count), appliance committed \(local.count)")
            let localPairs = Set(local.map { "\($0["seq"] as Int64) \($0["uuid"] as String)" })
            let heldPairs = Set(held.map { "\($0.seq) \($0.id)" })
            #expect(localPairs == heldPairs, "\(name): held records differ from the committed ones")
            #expect(Set(held.map(\.id)).count == held.count)
        }
        // Every person and stay in the register has reached both servers.
        let changes = try await pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sync_change WHERE kind IN ('person', 'stay')") ?? 0 }
        #expect(changes == 2 * people)
        await bureau.stop()
        await province.stop()
    }
}

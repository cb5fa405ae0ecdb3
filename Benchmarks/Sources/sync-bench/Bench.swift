import Foundation
import GRDB
import Registry
import Sync

#if canImport(Glibc)
import Glibc
#endif

enum Bench {
    static func configuration(url: String = "http://127.0.0.1:1/", destinations: [String] = ["bureau", "province"]) -> SyncConfiguration {
        SyncConfiguration(applianceId: "RF-BENCH-0001", destinations: destinations.map {
            DestinationConfiguration(name: $0, url: url, batchSize: 500, connectTimeout: 5, requestTimeout: 60,
                                     idlePollInterval: 1, inboxInterval: 0, reconcileInterval: 0)
        })
    }

    static func open(_ directory: URL, _ configuration: SyncConfiguration) throws -> SyncSystem {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try SyncSystem.open(registerPath: directory.appendingPathComponent("register.sqlite").path,
                                   keyFile: directory.appendingPathComponent("data.key").path, configuration: configuration)
    }

    struct RegistrationResult {
        var registerSeconds: Double
        var registerRate: Double
        var withoutOutboxRate: Double
        var bareRate: Double
        /// CPU seconds (user + system, every thread of the process) per durable registration: unlike the
        /// rates, barely affected by other processes or by how long an fsync takes.
        var registerCPUPerRecord: Double
        var bareCPUPerRecord: Double
        /// Every row a registration writes (person, stay, 2 audit entries, 2 changes, 4 outbox rows, the 2
        /// destinations' next_seq), copied into a fresh register with the real schema (indexes, foreign
        /// keys, triggers), one transaction per registration, synchronous=FULL: bare SQLite inserts of the
        /// same rows, the baseline of the ratio (the database's own floor for a registration,
        /// without the application's work).
        var schemaFloorRate: Double
        var schemaFloorCPUPerRecord: Double
    }

    /// User + system CPU seconds of this process so far.
    static func processCPU() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// `count` registrations through the register, then the same person and stay rows into a bare database.
    static func registrations(_ count: Int, in directory: URL) async throws -> RegistrationResult {
        let system = try open(directory, configuration())
        let demo = try await SyntheticRegistrations.prepare(system.store)
        try await demo.register(system.store, index: 999_999)  // warm up
        let start = Date()
        let cpu0 = processCPU()
        for index in 0..<count { try await demo.register(system.store, index: index) }
        let seconds = Date().timeIntervalSince(start)
        let registerCPU = processCPU() - cpu0

        // The same rows, bare: a table per kind without constraints or indexes, one transaction per pair.
        let rows = try await system.store.database.read { db in
            (try Table(db, "person"), try Table(db, "stay"))
        }
        let source = system.store.database
        let floor = try await schemaFloor(from: source, in: directory.appendingPathComponent("floor"))
        try system.store.close()
        let bareCPU0 = processCPU()
        let bareSeconds = try bareInserts(rows.0, rows.1, path: directory.appendingPathComponent("bare.sqlite").path)
        let bareCPU = processCPU() - bareCPU0
        let pairs = min(rows.0.values.count, rows.1.values.count)

        // The same registrations into a register without the sync queue: what the outbox rows cost.
        let plainDirectory = directory.appendingPathComponent("plain")
        try FileManager.default.createDirectory(at: plainDirectory, withIntermediateDirectories: true)
        let plain = try RegisterStore.open(path: plainDirectory.appendingPathComponent("register.sqlite").path,
                                           keyFile: plainDirectory.appendingPathComponent("data.key").path)
        let plainDemo = try await SyntheticRegistrations.prepare(plain)
        try await plainDemo.register(plain, index: 999_999)
        let plainStart = Date()
        for index in 0..<count { try await plainDemo.register(plain, index: index) }
        let plainSeconds = Date().timeIntervalSince(plainStart)
        try plain.close()
        return RegistrationResult(registerSeconds: seconds, registerRate: Double(count) / seconds,
                                  withoutOutboxRate: Double(count) / plainSeconds, bareRate: Double(pairs) / bareSeconds,
                                  registerCPUPerRecord: registerCPU / Double(count), bareCPUPerRecord: bareCPU / Double(pairs),
                                  schemaFloorRate: floor.rate, schemaFloorCPUPerRecord: floor.cpu)
    }

    /// Replays, into a fresh register, every row the registrations of `source` wrote (one transaction
    /// per registration); returns registrations per second and CPU seconds per registration.
    static func schemaFloor(from source: DatabasePool, in directory: URL) async throws -> (rate: Double, cpu: Double) {
        let places = ["station", "community", "xiaoqu", "house"]
        let copied = try await source.read { db in
            (places: try places.map { try table(db, "SELECT * FROM \($0) ORDER BY id") },
             person: try table(db, "SELECT * FROM person ORDER BY id"),
             stay: try table(db, "SELECT * FROM stay ORDER BY id"),
             audit: try table(db, "SELECT * FROM audit_log WHERE target_kind IN ('person', 'stay') ORDER BY seq"),
             change: try table(db, "SELECT * FROM sync_change WHERE kind IN ('person', 'stay') ORDER BY id"),
             outbox: try table(db, """
                SELECT o.* FROM sync_outbox o JOIN sync_change c ON c.id = o.change_id
                WHERE c.kind IN ('person', 'stay') ORDER BY o.change_id, o.destination
                """))
        }
        let system = try open(directory, configuration())
        defer { try? system.store.close() }
        let database = system.store.database
        try await database.write { db in
            for (name, rows) in zip(places, copied.places) {
                try db.execute(sql: "DELETE FROM \(name)")
                for values in rows.values { try insert(db, name, rows.columns, values) }
            }
        }
        let count = min(copied.person.values.count, copied.stay.values.count, copied.audit.values.count / 2,
                        copied.change.values.count / 2, copied.outbox.values.count / 4)
        let cpu0 = processCPU()
        let start = Date()
        for index in 0..<count {
            try await database.write { db in
                try insert(db, "person", copied.person.columns, copied.person.values[index])
                try insert(db, "stay", copied.stay.columns, copied.stay.values[index])
                for k in 0..<2 {
                    try insert(db, "audit_log", copied.audit.columns, copied.audit.values[2 * index + k])
                    try insert(db, "sync_change", copied.change.columns, copied.change.values[2 * index + k])
                }
                for k in 0..<4 { try insert(db, "sync_outbox", copied.outbox.columns, copied.outbox.values[4 * index + k]) }
                for destination in ["bureau", "province"] {
                    try db.cachedStatement(sql: """
                        INSERT INTO sync_destination (name, next_seq) VALUES (?, ?)
                        ON CONFLICT (name) DO UPDATE SET next_seq = excluded.next_seq
                        """).execute(arguments: [destination, 2 * index + 3])
                }
            }
        }
        let seconds = Date().timeIntervalSince(start)
        return (Double(count) / seconds, (processCPU() - cpu0) / Double(count))
    }

    static func table(_ db: Database, _ sql: String) throws -> (columns: [String], values: [[DatabaseValue]]) {
        let rows = try Row.fetchAll(db, sql: sql)
        return (rows.first.map { Array($0.columnNames) } ?? [], rows.map { Array($0.databaseValues) })
    }

    static func insert(_ db: Database, _ name: String, _ columns: [String], _ values: [DatabaseValue]) throws {
        try db.cachedStatement(sql: "INSERT INTO \(name) (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES ("
                               + columns.map { _ in "?" }.joined(separator: ", ") + ")").execute(arguments: StatementArguments(values))
    }

    /// The rows of a table as Sendable values.
    struct Table: Sendable {
        var name: String
        var columns: [String]
        var values: [[DatabaseValue]]

        init(_ db: Database, _ name: String) throws {
            self.name = name
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(name) ORDER BY id")
            columns = rows.first.map { Array($0.columnNames) } ?? []
            values = rows.map { Array($0.databaseValues) }
        }
    }

    /// Inserts the rows pairwise, one transaction per pair, synchronous=FULL, WAL; returns the seconds.
    static func bareInserts(_ first: Table, _ second: Table, path: String) throws -> Double {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        let bare = try DatabaseQueue(path: path, configuration: configuration)
        try bare.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            for table in [first, second] {
                try db.execute(sql: "CREATE TABLE \(table.name) (" + table.columns.map { "\"\($0)\"" }.joined(separator: ", ") + ")")
            }
        }
        func sql(_ table: Table) -> String {
            "INSERT INTO \(table.name) (" + table.columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES ("
                + table.columns.map { _ in "?" }.joined(separator: ", ") + ")"
        }
        let pairs = min(first.values.count, second.values.count)
        let start = Date()
        for index in 0..<pairs {
            try bare.inTransaction { db in
                try db.cachedStatement(sql: sql(first)).execute(arguments: StatementArguments(first.values[index]))
                try db.cachedStatement(sql: sql(second)).execute(arguments: StatementArguments(second.values[index]))
                return .commit
            }
        }
        let seconds = Date().timeIntervalSince(start)
        try bare.close()
        return seconds
    }

    struct DrainResult {
        var seconds: Double
        var peakRSSMB: Double
    }

    /// Builds a backlog of `count` records for one destination, then drains it to a fresh renfang-upstream.
    static func drain(_ count: Int, upstream: String, in directory: URL) async throws -> DrainResult {
        let signer = BatchSigner.generate()
        let server = try UpstreamProcess.start(binary: upstream, directory: directory.appendingPathComponent("upstream"),
                                               appliance: "RF-BENCH-0001", signer: signer)
        defer { server.stop() }
        let system = try open(directory, configuration(url: server.url, destinations: ["bench"]))
        defer { try? system.store.close() }
        let demo = try await SyntheticRegistrations.prepare(system.store)
        for index in 0..<50 { try await demo.register(system.store, index: index) }
        try await Backlog.clone(system.store.database, destination: "bench", upTo: count)
        let uplink = try system.uplinks(signer: signer)[0]
        let start = Date()
        while true {
            switch try await uplink.sendBatches() {
            case .empty:
                let seconds = Date().timeIntervalSince(start)
                let pending = try await system.outbox.pendingCount("bench")
                precondition(pending == 0)
                return DrainResult(seconds: seconds, peakRSSMB: peakRSSMB())
            case .answered: continue
            case let .failed(reason, _): throw SyncError(.badResponse, "drain failed: \(reason)")
            }
        }
    }

    static func peakRSSMB() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    static func findUpstream() -> String? {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidates = [here.appendingPathComponent("renfang-upstream").path]
        for configuration in ["release", "debug"] {
            candidates.append(here.appendingPathComponent("../../../../.build/\(configuration)/renfang-upstream").standardized.path)
            candidates.append(FileManager.default.currentDirectoryPath + "/.build/\(configuration)/renfang-upstream")
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// Makes a large backlog fast: copies the queued changes already in the database (real snapshots of
/// made-up people) under new envelope ids and sequence numbers, in one transaction per 100,000.
enum Backlog {
    static func clone(_ database: DatabasePool, destination: String, upTo count: Int) async throws {
        var next = try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM sync_outbox WHERE destination = ?", arguments: [destination]) ?? 0
        }
        let templates = try await database.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM sync_change WHERE kind IN ('person', 'stay') ORDER BY id")
        }
        while next < count {
            let chunk = min(100_000, count - next)
            let first = next
            try await database.write { db in
                let change = try db.makeStatement(sql: """
                    INSERT INTO sync_change (uuid, kind, record_uuid, operation, action, occurred_at, snapshot)
                    SELECT ?, kind, record_uuid, operation, action, occurred_at, snapshot FROM sync_change WHERE id = ?
                    """)
                let outbox = try db.makeStatement(sql: """
                    INSERT INTO sync_outbox (destination, seq, change_id, priority, enqueued_at) VALUES (?, ?, ?, 0, 0)
                    """)
                for offset in 0..<chunk {
                    try change.execute(arguments: [UUID().uuidString.lowercased(), templates[(first + offset) % templates.count]])
                    try outbox.execute(arguments: [destination, first + offset + 1, db.lastInsertedRowID])
                }
                try db.execute(sql: """
                    INSERT INTO sync_destination (name, next_seq) VALUES (?, ?)
                    ON CONFLICT (name) DO UPDATE SET next_seq = excluded.next_seq
                    """, arguments: [destination, first + chunk + 1])
            }
            next += chunk
        }
    }
}

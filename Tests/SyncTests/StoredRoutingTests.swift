import Foundation
import GRDB
import Registry
import Synchronization
import Testing
@testable import Sync

@Suite("Stored routing (the register's other writers)")
struct StoredRoutingTests {
    @Test("a tool writing to a synced register queues its records with the daemon's routing, continuing the sequences")
    func toolWritesAreQueued() async throws {
        let world = try await SyncWorld.make()
        defer { try? FileManager.default.removeItem(at: world.directory) }
        try await world.register(0..<2)
        let path = world.system.store.path
        try world.system.store.close()

        // What `renfang import` does: open the register on its own, with the stored routing as the sink.
        let tool = try RegisterStore.open(path: path, keyFile: world.directory.appendingPathComponent("data.key").path,
                                          options: RegisterStore.Options(changeSink: StoredRoutingSink()))
        defer { try? tool.close() }
        for index in 2..<4 { _ = try await world.demo.register(tool, index: index) }
        let counts = try await tool.database.read { db in
            try ["bureau", "province"].map { try Int.fetchOne(db, sql: "SELECT count(*) FROM sync_outbox WHERE destination = ?", arguments: [$0])! }
        }
        // Four registrations (a person and a stay each) at both; the bureau also has the four place rows.
        #expect(counts == [4 + 8, 8])
        for destination in ["bureau", "province"] {
            let seqs = try await tool.database.read {
                try Int64.fetchAll($0, sql: "SELECT seq FROM sync_outbox WHERE destination = ? ORDER BY seq", arguments: [destination])
            }
            #expect(seqs == Array(1...Int64(seqs.count)))
        }
        #expect(try await Outbox(database: tool.database).consistencyProblems().isEmpty)

        // The daemon restarted without destinations: nothing more is queued by anyone.
        try SyncRouting.store(nil, in: tool.database)
        _ = try await world.demo.register(tool, index: 4)
        let after = try await tool.database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sync_outbox")! }
        #expect(after == 4 + 8 + 8)
    }

    @Test("a register that never synced queues nothing and gains no sync tables")
    func unsyncedRegister() async throws {
        let store = try RegisterStore.openTemporary(options: RegisterStore.Options(changeSink: StoredRoutingSink()))
        defer { try? store.close() }
        let demo = try await SyntheticRegistrations.prepare(store)
        _ = try await demo.register(store, index: 0)
        let tables = try await store.database.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'sync_%'")
        }
        #expect(tables.isEmpty)
        #expect(try await store.database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM person")! } == 1)
    }

    @Test("the stored routing is the configuration's: kinds per destination and the priority kinds")
    func storedRoutingMatchesConfiguration() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        let routing = try await world.system.store.database.read { try SyncRouting.stored(in: $0) }
        let stored = try #require(routing)
        #expect(stored.destinations(for: "person") == ["bureau", "province"])
        #expect(stored.destinations(for: "house") == ["bureau"])
        #expect(stored.priority(of: "alert") == 1 && stored.priority(of: "person") == 0)
    }

    @Test("a register filled before sync was configured is queued whole at the first start, once; a destination added later gets everything too")
    func backfillNewDestinations() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("renfang-backfill-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("register.sqlite").path
        let key = directory.appendingPathComponent("data.key").path
        // Filled without sync: the four places of the demo set-up and three registrations (person + stay each).
        let plain = try RegisterStore.open(path: path, keyFile: key)
        let demo = try await SyntheticRegistrations.prepare(plain)
        for index in 0..<3 { _ = try await demo.register(plain, index: index) }
        try plain.close()

        func outbox(_ store: RegisterStore) async throws -> [String: [String]] {
            try await store.database.read { db in
                var result: [String: [String]] = [:]
                for row in try Row.fetchAll(db, sql: """
                    SELECT o.destination, c.kind FROM sync_outbox o JOIN sync_change c ON c.id = o.change_id ORDER BY o.destination, o.seq
                    """) {
                    result[row["destination"], default: []].append(row["kind"])
                }
                return result
            }
        }

        let progress = Mutex<[Int]>([])
        let first = try SyncSystem.open(registerPath: path, keyFile: key, configuration: SyncWorld.configuration()) { queued in
            progress.withLock { $0.append(queued) }
        }
        #expect(first.backfilled == ["bureau": 10, "province": 6])
        // Progress after each kind (and every 1,000 records): the records queued so far, 10 in all.
        #expect(progress.withLock { $0 } == [1, 2, 3, 4, 7, 10])
        var queued = try await outbox(first.store)
        #expect(queued["bureau"] == ["station", "community", "xiaoqu", "house", "person", "person", "person", "stay", "stay", "stay"])
        #expect(queued["province"] == ["person", "person", "person", "stay", "stay", "stay"])
        #expect(try await first.outbox.consistencyProblems().isEmpty)
        // New writes continue the sequences after the backfill.
        _ = try await demo.register(first.store, index: 3)
        let seqs = try await first.store.database.read {
            try Int64.fetchAll($0, sql: "SELECT seq FROM sync_outbox WHERE destination = 'province' ORDER BY seq")
        }
        #expect(seqs == Array(1...8))
        try first.store.close()

        // A restart queues nothing again; a destination added to the configuration gets the whole register.
        var configuration = SyncWorld.configuration()
        configuration.destinations.append(DestinationConfiguration(name: "archive", url: "http://127.0.0.1:1/", kinds: ["house", "person"]))
        let second = try SyncSystem.open(registerPath: path, keyFile: key, configuration: configuration)
        defer { try? second.store.close() }
        #expect(second.backfilled == ["archive": 5])
        queued = try await outbox(second.store)
        #expect(queued["bureau"]?.count == 12 && queued["province"]?.count == 8)
        #expect(queued["archive"] == ["house", "person", "person", "person", "person"])
        #expect(try await second.outbox.consistencyProblems().isEmpty)
    }
}

import Foundation
import GRDB
import Registry
import Synchronization
import Testing
@testable import Sync

@Suite("Outbox")
struct OutboxTests {
    @Test("each change gets one row per routed destination, with gap-free sequence numbers")
    func routingAndSequence() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        // The place set-up (station, community, 小区, house) went to the bureau only.
        let placeRows = try world.count("SELECT count(*) FROM sync_outbox WHERE destination = 'bureau'")
        #expect(placeRows == 4)
        #expect(try world.count("SELECT count(*) FROM sync_outbox WHERE destination = 'province'") == 0)
        try await world.register(0..<5)
        // A registration changes a person and a stay: both destinations get both.
        #expect(try world.count("SELECT count(*) FROM sync_outbox WHERE destination = 'bureau'") == placeRows + 10)
        #expect(try world.count("SELECT count(*) FROM sync_outbox WHERE destination = 'province'") == 10)
        #expect(try world.count("SELECT count(*) FROM sync_change") == placeRows + 10)
        for destination in ["bureau", "province"] {
            let seqs = try await world.system.store.database.read {
                try Int64.fetchAll($0, sql: "SELECT seq FROM sync_outbox WHERE destination = ? ORDER BY seq", arguments: [destination])
            }
            #expect(seqs == Array(1...Int64(seqs.count)))
        }
        #expect(try await world.system.outbox.consistencyProblems().isEmpty)
        let status = try await world.system.status()
        #expect(status.map(\.destination) == ["bureau", "province"])
        #expect(status[1].pending == 10 && status[1].nextSeq == 11)
    }

    @Test("outbox rows roll back with the register operation that wrote them")
    func rollBackTogether() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        let before = try world.count("SELECT count(*) FROM sync_outbox")
        // A refused operation (the same person twice into the same house) writes nothing, outbox included.
        try await world.register(0..<1)
        let after = try world.count("SELECT count(*) FROM sync_outbox")
        #expect(after == before + 4)
        await #expect(throws: RegistryError.self) { try await world.register(0..<1) }
        #expect(try world.count("SELECT count(*) FROM sync_outbox") == after)
        #expect(try world.count("SELECT next_seq FROM sync_destination WHERE name = 'province'") == 3)
    }

    @Test("a failing sink after the outbox rows rolls back the business rows and the outbox rows together")
    func sinkFailureRollsBack() async throws {
        let configuration = SyncWorld.configuration()
        let failing = FailingAfterOutbox(inner: OutboxSink(configuration: configuration))
        let store = try RegisterStore.openTemporary(options: RegisterStore.Options(changeSink: failing))
        defer { try? store.close() }
        try SyncSchema.migrate(store.database)
        let demo = try await SyntheticRegistrations.prepare(store)
        failing.failing.withLock { $0 = true }
        await #expect(throws: RegistryError.self) { try await demo.register(store, index: 1) }
        let counts = try await store.database.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM person")!, try Int.fetchOne(db, sql: "SELECT count(*) FROM sync_change WHERE kind = 'person'")!)
        }
        #expect(counts.0 == 0 && counts.1 == 0)
        failing.failing.withLock { $0 = false }
        try await demo.register(store, index: 1)
        #expect(try await Outbox(database: store.database).consistencyProblems().isEmpty)
    }

    @Test("the payload is the record as committed: decrypted, without keyed hashes, references as UUIDs")
    func payloadSnapshot() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        try await world.register(0..<1)
        let fake = FakeUpstream()
        try await drain(world.uplink("province", fake))
        let person = SyntheticRegistrations.person(0)
        let records = fake.records.values.filter { $0.kind == "person" }
        #expect(records.count == 1)
        let payload = try await payloadOf(world, kind: "person")
        #expect(payload["id_number"] == .text(person.idNumber!))
        #expect(payload["phone"] == .text(person.phone!))
        #expect(payload["id_number_hash"] == nil && payload["id_number_enc"] == nil && payload["id"] == nil)
        let stay = try await payloadOf(world, kind: "stay")
        #expect(stay["person_uuid"] != nil && stay["house_uuid"] == .text(world.demo.house.uuidString.lowercased()))
    }

    @Test("priority kinds jump the queue")
    func priority() async throws {
        var configuration = SyncWorld.configuration()
        configuration.priorityKinds = ["stay"]
        let world = try await SyncWorld.make(configuration)
        defer { world.close() }
        try await world.register(0..<3)
        let items = try await world.system.outbox.pending("province", limit: 3)
        #expect(items.map(\.kind) == ["stay", "stay", "stay"])
        #expect(items.map(\.seq) == [2, 4, 6])
    }

    @Test("the sync migrator is forward-only, recorded apart from the register's, and refuses a newer schema")
    func migrator() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        #expect(try SyncSchema.appliedIdentifiers(world.system.store.database) == ["sync.v1.outbox", "sync.v1.inbox", "sync.v2.prune", "sync.v3.routing"])
        try SyncSchema.migrate(world.system.store.database)  // again: nothing to do
        try await world.system.store.database.write { try $0.execute(sql: "INSERT INTO sync_migrations VALUES ('sync.v9.future', '')") }
        #expect(throws: SyncError.self) { try SyncSchema.migrate(world.system.store.database) }
    }
}

/// Decrypted payload of the first outbox item of `kind` for the province.
func payloadOf(_ world: SyncWorld, kind: String) async throws -> [String: RecordPayloadValue] {
    let store = world.system.store
    return try await store.database.read { db in
        let row = try Row.fetchOne(db, sql: "SELECT kind, snapshot FROM sync_change WHERE kind = ? ORDER BY id LIMIT 1", arguments: [kind])!
        return try store.recordPayload(kind: RecordKind(rawValue: row["kind"])!, snapshot: row["snapshot"], in: db)
    }
}

/// Calls the outbox sink, then fails when told to.
final class FailingAfterOutbox: RecordChangeSink {
    let inner: OutboxSink
    let failing = Mutex(false)
    init(inner: OutboxSink) { self.inner = inner }
    func recordsChanged(_ changes: [RecordChange], in db: Database) throws {
        try inner.recordsChanged(changes, in: db)
        if failing.withLock({ $0 }) { throw RegistryError(.storageFailed, "injected") }
    }
}

@Suite("Alerts in the queue")
struct AlertQueueTests {
    @Test("a watchlist alert jumps the queue of both destinations")
    func alertFirst() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        try await world.register(0..<5)
        let draft = AlertDraft(listId: "demo-list", listVersion: 1, entryRef: UUID(), level: 1, category: "demo",
                               instructions: "演示", idNumber: nil, name: nil, device: "sim:demo", xiaoqu: world.demo.xiaoqu)
        _ = try await world.system.store.raiseAlert(draft, by: Actor(userId: "admin", role: .admin))
        for destination in ["bureau", "province"] {
            let first = try await world.system.outbox.pending(destination, limit: 1)
            #expect(first.map(\.kind) == ["alert"] && first[0].priority == 1)
            #expect(first[0].seq == (destination == "province" ? 11 : 15))
        }
        let fake = FakeUpstream()
        let uplink = world.uplink("province", fake)
        _ = try await uplink.sendBatch()
        #expect(fake.records.values.contains { $0.kind == "alert" })
        #expect(try await world.system.status()[1].pendingPriority == 0)
    }
}

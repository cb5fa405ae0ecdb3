import Foundation
import GRDB
import Registry
import Synchronization
import Testing
@testable import Sync
import SyncProtocol

@Suite("Outbox pruning")
struct PruneTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let longAgo = now.addingTimeInterval(-40 * 86_400)

    /// Marks `seqs` of `destination` delivered (or quarantined) at `at`, through the receipts path.
    func deliver(_ world: SyncWorld, _ destination: String, _ seqs: ClosedRange<Int64>, at: Date,
                 outcome: ItemOutcome = .accepted) async throws {
        let outbox = Outbox(database: world.system.store.database, clock: { at })
        try await outbox.apply(destination, receipts: seqs.map { (seq: $0, digest: String(repeating: "0", count: 64), outcome: outcome) })
    }

    func seqs(_ world: SyncWorld, _ destination: String) async throws -> [Int64] {
        try await world.system.store.database.read {
            try Int64.fetchAll($0, sql: "SELECT seq FROM sync_outbox WHERE destination = ? ORDER BY seq", arguments: [destination])
        }
    }

    @Test("prunes the acknowledged prefix older than the cutoff; never pending, quarantined or what follows them")
    func prunesAcknowledgedPrefix() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        // bureau: 4 place rows (seq 1…4), then person + stay of each registration (5…14); province: 1…10.
        try await world.register(0..<5)
        #expect(try await seqs(world, "bureau") == Array(1...14))
        try await deliver(world, "bureau", 1...8, at: Self.longAgo)
        try await deliver(world, "bureau", 9...9, at: Self.longAgo,
                          outcome: .rejected(code: "record.kindRefused", message: "refused", permanent: true))
        try await deliver(world, "bureau", 10...14, at: Self.longAgo)
        try await deliver(world, "province", 1...6, at: Self.longAgo)
        try await deliver(world, "province", 7...8, at: Self.now.addingTimeInterval(-86_400))  // within retention
        let changesBefore = try world.count("SELECT count(*) FROM sync_change")

        let result = try await world.system.outbox.prune(acknowledgedBefore: Self.now.addingTimeInterval(-30 * 86_400),
                                                         batchSize: 3)
        // bureau stops at the quarantined row 9: 10…14 stay although delivered long ago.
        #expect(try await seqs(world, "bureau") == Array(9...14))
        // province stops at row 7, delivered within the retention period; 9 and 10 are still pending.
        #expect(try await seqs(world, "province") == Array(7...10))
        #expect(result.outboxRows == 8 + 6)
        // Snapshots go only when no destination still holds a row of the change: the 4 place changes and
        // the person + stay of registrations 0 and 1. Registration 2 (province 5, 6 pruned) keeps both:
        // bureau still holds 9 (quarantined) and 10.
        #expect(result.changes == 4 + 4)
        #expect(try world.count("SELECT count(*) FROM sync_change") == changesBefore - 8)
        #expect(try world.count("SELECT count(*) FROM sync_outbox WHERE destination = 'bureau' AND seq = 9 AND state = 2") == 1)
        #expect(try world.count("SELECT count(*) FROM sync_outbox WHERE state = 0") == 2)
        #expect(try world.count("""
            SELECT count(*) FROM sync_outbox o WHERE NOT EXISTS (SELECT 1 FROM sync_change c WHERE c.id = o.change_id)
            """) == 0)
        #expect(try await world.system.outbox.consistencyProblems().isEmpty)
        let status = try await world.system.status()
        #expect(status.map(\.prunedThrough) == [8, 6])
        #expect(status[0].quarantined == 1 && status[1].pending == 2)

        // Nothing more to do with the same cutoff (bureau waits for its quarantined row).
        #expect(try await world.system.outbox.prune(acknowledgedBefore: Self.now.addingTimeInterval(-30 * 86_400)) == PruneResult())

        // New registrations keep their numbering after the pruned prefix.
        try await world.register(5..<6)
        #expect(try await seqs(world, "province") == Array(7...12))
        #expect(try await world.system.outbox.consistencyProblems().isEmpty)
    }

    @Test("a fully acknowledged queue is pruned whole, sequence numbers continue, reconciliation starts after it")
    func prunesEverythingAndReconcilesTheRest() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        try await world.register(0..<3)
        try await deliver(world, "province", 1...6, at: Self.longAgo)
        let result = try await world.system.outbox.prune(acknowledgedBefore: Self.now, batchSize: 4)
        #expect(result.outboxRows == 6)
        // The changes stay: the bureau has not acknowledged them.
        #expect(result.changes == 0)
        #expect(try await seqs(world, "province").isEmpty)
        #expect(try await world.system.outbox.consistencyProblems().isEmpty)

        try await world.register(3..<5)
        #expect(try await seqs(world, "province") == Array(7...10))
        try await deliver(world, "province", 7...10, at: Self.now)
        let transport = ReconcileRecorder()
        let uplink = world.uplink("province", transport)
        let reconciled = try #require(try await uplink.reconcile())
        #expect(reconciled.fromSeq == 7 && reconciled.toSeq == 10 && reconciled.matched)
        #expect(transport.requests.map { [$0.from, $0.to, $0.count] } == [[7, 10, 4]])
    }

    @Test("the service's cutoff is the retention period before now; the configuration key has a default")
    func serviceAndConfiguration() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        let service = OutboxPruneService(outbox: world.system.outbox, retentionDays: 30)
        #expect(service.cutoff(now: Self.now) == Self.now.addingTimeInterval(-30 * 86_400))
        #expect(service.name == "sync.prune")
        let decoded = try JSONDecoder().decode(SyncConfiguration.self, from: Data("""
            {"appliance_id": "app-1", "outbox_retention_days": 7}
            """.utf8))
        #expect(decoded.outboxRetentionDays == 7)
        let defaulted = try JSONDecoder().decode(SyncConfiguration.self, from: Data(#"{"appliance_id": "app-1"}"#.utf8))
        #expect(defaulted.outboxRetentionDays == 30)
        var bad = defaulted
        bad.outboxRetentionDays = 0
        #expect(throws: SyncError.self) { try bad.validate() }
    }
}

/// Answers reconciliation requests with "match" and records them.
final class ReconcileRecorder: UpstreamTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var _requests: [ReconcileRequest] = []
    var requests: [ReconcileRequest] { lock.withLock { _requests } }

    func perform(_ request: UpstreamRequest) async throws -> UpstreamResponse {
        let asked = try JSONDecoder().decode(ReconcileRequest.self, from: request.body!)
        lock.withLock { _requests.append(asked) }
        let answer = ReconcileResponse(from: asked.from, to: asked.to, count: asked.count, digest: asked.digest, match: true, missing: [])
        return UpstreamResponse(status: 200, body: try JSONEncoder().encode(answer))
    }
}

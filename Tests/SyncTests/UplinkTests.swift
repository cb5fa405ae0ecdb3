import Foundation
import GRDB
import Registry
import Logging
import ServiceLifecycle
import Testing
@testable import Sync
import SyncProtocol

@Suite("Uplink (scripted upstream)")
struct UplinkTests {
    @Test("one destination down for the whole test while the other stays current")
    func independentDestinations() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        let bureau = FakeUpstream(), province = FakeUpstream()
        bureau.mode = .down
        let up = (world.uplink("bureau", bureau), world.uplink("province", province))
        try await world.register(0..<30)
        try await drain(up.1)
        for _ in 0..<5 { _ = try await up.0.sendBatch() }
        #expect(province.records.count == 60)
        let status = try await world.system.status()
        #expect(status[0].pending == 64 && status[0].consecutiveFailures == 5 && status[0].lastError?.contains("curl 7") == true)
        #expect(status[1].pending == 0 && status[1].delivered == 60 && status[1].lastError == nil)
        #expect(up.0.retrySchedule.consecutiveFailures == 5)
        bureau.mode = .normal
        try await drain(up.0)
        #expect(bureau.records.count == 64)
        #expect(try await world.system.outbox.consistencyProblems().isEmpty)
    }

    @Test("a dropped response means the same records again: the server says duplicate, nothing doubles")
    func droppedResponse() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        try await world.register(0..<10)
        let fake = FakeUpstream()
        fake.mode = .dropResponse
        let uplink = world.uplink("province", fake)
        guard case .failed = try await uplink.sendBatch() else { Issue.record("expected failure"); return }
        #expect(fake.records.count == 20)
        fake.mode = .normal
        guard case let .answered(counts) = try await uplink.sendBatch() else { Issue.record("expected receipts"); return }
        #expect(counts.duplicate == 20 && counts.accepted == 0)
        #expect(fake.records.count == 20 && fake.received == 40)
        #expect(try world.count("SELECT count(*) FROM sync_outbox WHERE destination = 'province' AND receipt = 'duplicate'") == 20)
    }

    @Test("a poison record goes to quarantine with an alarm, the records behind it flow, redrive re-queues it")
    func quarantineAndRedrive() async throws {
        var configuration = SyncWorld.configuration()
        configuration.destinations[0].batchSize = 3
        let world = try await SyncWorld.make(configuration)
        defer { world.close() }
        try await world.register(0..<5)
        let fake = FakeUpstream()
        fake.rejectKinds = ["stay"]
        let uplink = world.uplink("bureau", fake)
        try await drain(uplink)
        let status = try await world.system.status()
        #expect(status[0].quarantined == 5 && status[0].pending == 0 && status[0].delivered == 9)
        #expect(try Alarms.open(world.system.store.database).map(\.code) == ["sync.quarantine"])
        let quarantined = try await world.system.outbox.quarantined("bureau")
        #expect(quarantined.map(\.kind) == Array(repeating: "stay", count: 5) && quarantined[0].errorCode == "record.kindRefused")
        // The server is fixed; the operator re-drives one, then the rest.
        fake.rejectKinds = []
        #expect(try await world.system.outbox.redrive("bureau", seqs: [quarantined[0].seq]) == 1)
        try await drain(uplink)
        #expect(try await world.system.status()[0].quarantined == 4)
        // The operator's re-drive is audited in the same transaction (what the CLI and the API do).
        let store = world.system.store
        #expect(try await world.system.outbox.redrive("bureau") { db, count in
            try store.appendQueueAudit(db, at: Date(), actor: Registry.Actor(userId: "admin1", role: .admin), action: "queue.redrive",
                                       detail: QueueAudit.detail(destination: "bureau", seqs: nil, count: count))
        } == 4)
        let audited = try await store.database.read { db in
            try Row.fetchAll(db, sql: "SELECT actor, target_kind, detail FROM audit_log WHERE action = 'queue.redrive'")
        }
        #expect(audited.map { [$0["actor"] as String, $0["target_kind"] as String, $0["detail"] as String] }
                == [["admin1", "queue", "destination=bureau seqs=all requeued=4"]])
        #expect(try store.auditLog.verify().isIntact)
        try await drain(uplink)
        #expect(try await world.system.status()[0].delivered == 14)
        #expect(try Alarms.open(world.system.store.database).isEmpty)
        #expect(fake.records.count == 14)
    }

    @Test("429 and 503 keep the batch queued and honour Retry-After")
    func overloaded() async throws {
        let world = try await SyncWorld.make(SyncWorld.configuration(retry: RetryPolicy(initialDelay: 1, maximumDelay: 10)))
        defer { world.close() }
        try await world.register(0..<2)
        let fake = FakeUpstream()
        fake.mode = .status(429, retryAfter: "120")
        let uplink = world.uplink("province", fake)
        guard case let .failed(_, retryAfter) = try await uplink.sendBatch() else { Issue.record("expected failure"); return }
        #expect(retryAfter == 120)
        #expect(uplink.retrySchedule.delay(at: Date()) > 100)
        fake.mode = .status(503, retryAfter: nil)
        _ = try await uplink.sendBatch()
        #expect(try await world.system.status()[1].pending == 4)
        fake.mode = .normal
        try await drain(uplink)
        #expect(try await world.system.status()[1].pending == 0 && uplink.retrySchedule.consecutiveFailures == 0)
    }

    @Test("the service runs, sends what commits queue, and stops on cancellation")
    func serviceLoop() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        let fake = FakeUpstream()
        let uplink = world.uplink("province", fake)
        let task = Task { try await uplink.run() }
        try await world.register(0..<20)
        let deadline = Date().addingTimeInterval(10)
        while fake.records.count < 40, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        task.cancel()
        _ = try? await task.value
        #expect(fake.records.count == 40)
    }

    @Test("the commits made while the uplink lingers go in one batch; without the linger, the first goes alone")
    func linger() async throws {
        for linger in [0.5, 0] {
            var configuration = SyncWorld.configuration()
            configuration.destinations = configuration.destinations.map { var d = $0; d.linger = linger; return d }
            let world = try await SyncWorld.make(configuration)
            defer { world.close() }
            let fake = FakeUpstream()
            let uplink = world.uplink("province", fake)
            let task = Task { try await uplink.run() }
            try await Task.sleep(for: .milliseconds(100))  // idle: the queue was empty
            let started = Date()
            try await world.register(0..<5)  // 5 commits, 10 records for province
            let registering = Date().timeIntervalSince(started)
            let deadline = Date().addingTimeInterval(10)
            while fake.records.count < 10, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
            task.cancel()
            _ = try? await task.value
            #expect(fake.records.count == 10)
            if linger > 0 {
                try #require(registering < linger, "the registrations took \(registering) s, longer than the linger")
                #expect(fake.batchSizes == [10])
            } else {
                #expect(fake.batchSizes.count > 1 && fake.batchSizes.first! < 10, "\(fake.batchSizes)")
            }
        }
    }

    @Test("inbox messages are stored before they are acknowledged, once each")
    func inbox() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        let fake = FakeUpstream()
        fake.inbox = [
            InboxMessage(cursor: 1, id: UUID().uuidString.lowercased(), kind: .notice, createdAt: "2026-11-21T08:00:00.000Z",
                         body: .object(["title": "通知", "text": "演示", "level": "info"])),
            InboxMessage(cursor: 2, id: UUID().uuidString.lowercased(), kind: .verificationCase, createdAt: "2026-11-21T08:00:01.000Z",
                         body: .object(["case": "demo"])),
        ]
        let uplink = world.uplink("bureau", fake)
        #expect(try await uplink.pullInbox() == 2)
        #expect(fake.acknowledged == 2)
        #expect(try await uplink.pullInbox() == 0)
        // The notice went to the register; the case body it cannot use stays in the inbox, unhandled.
        let stored = try await InboxStore(database: world.system.store.database).unhandled()
        #expect(stored.map(\.kind) == ["verification.case"])
        #expect(try world.count("SELECT count(*) FROM notice") == 1)
        #expect(try world.count("SELECT count(*) FROM verification_case") == 0)
    }
}

@Suite("Uplink as a Service")
struct UplinkServiceTests {
    @Test("two uplinks in a ServiceGroup deliver, then stop on graceful shutdown")
    func serviceGroup() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        let bureau = FakeUpstream(), province = FakeUpstream()
        let uplinks = [world.uplink("bureau", bureau), world.uplink("province", province)]
        #expect(uplinks.map(\.name) == ["uplink.bureau", "uplink.province"])
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: uplinks.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }, logger: Logger(label: "test")))
        let running = Task { try await group.run() }
        try await world.register(0..<10)
        let deadline = Date().addingTimeInterval(10)
        while (bureau.records.count < 24 || province.records.count < 20), Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(bureau.records.count == 24 && province.records.count == 20)
    }
}

@Suite("Pipelined sending")
struct PipelineTests {
    @Test("sendBatches builds the next batch while one is in flight: every item once, in order, nothing skipped")
    func pipelined() async throws {
        var configuration = SyncWorld.configuration()
        configuration.destinations[1].batchSize = 7
        let world = try await SyncWorld.make(configuration)
        defer { world.close() }
        try await world.register(0..<30)
        let fake = FakeUpstream()
        let uplink = world.uplink("province", fake)
        guard case .answered = try await uplink.sendBatches() else { Issue.record("expected receipts"); return }
        #expect(fake.records.count == 60 && fake.received == 60)
        #expect(try await world.system.status()[1].pending == 0)
        #expect(try await uplink.sendBatches() == .empty)
        // A failure stops the pipeline with everything after it still queued.
        try await world.register(30..<40)
        fake.mode = .down
        guard case .failed = try await uplink.sendBatches() else { Issue.record("expected failure"); return }
        #expect(try await world.system.status()[1].pending == 20)
    }
}

@Suite("SyncSystem composition")
struct CompositionTests {
    @Test("services() gives one uplink per destination, the disk monitor and the outbox pruning")
    func services() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        let services = try world.system.services(signer: BatchSigner.generate())
        #expect(services.count == 4)
        #expect((services[0] as? Uplink)?.name == "uplink.bureau" && (services[1] as? Uplink)?.name == "uplink.province")
        #expect((services[2] as? DiskPressureService)?.name == "sync.disk")
        #expect((services[3] as? OutboxPruneService)?.name == "sync.prune")
        #expect((services[3] as? OutboxPruneService)?.retentionDays == 30)
    }
}

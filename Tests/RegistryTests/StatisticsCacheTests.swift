import Foundation
import GRDB
import Testing
@testable import Registry

@Suite("Occupancy statistics are reused until a counted table changes (StatisticsCache)")
struct StatisticsCacheTests {
    typealias W = StatisticsWorld

    private func query(_ level: OccupancyLevel = .xiaoqu, xiaoqu: UUID? = nil) -> OccupancyQuery {
        OccupancyQuery(from: W.from, to: W.to, groupBy: level, xiaoqu: xiaoqu)
    }

    /// The report a register opened afresh on the same file computes (an empty cache).
    private func recomputed(_ w: StatisticsWorld, _ query: OccupancyQuery, for actor: Actor) async throws -> OccupancyReport {
        let fresh = try RegisterStore.open(path: w.r.store.path, keyFile: w.r.directory.appendingPathComponent("data.key").path,
                                           options: w.r.store.options)
        defer { try? fresh.close() }
        return try await fresh.occupancy(query, for: actor)
    }

    @Test("the same query again is served from the cache, per role: the same report, not recomputed")
    func repeatedQuery() async throws {
        let w = try await W.make()
        defer { w.close() }
        let s = w.r.store, q = query(.house, xiaoqu: w.r.xiaoquA.uuid)
        let first = try await s.occupancy(q, for: w.r.deskA)
        let before = s.statisticsCache.counts
        let second = try await s.occupancy(q, for: w.r.deskA)
        #expect(second == first)
        #expect(s.statisticsCache.counts.hits == before.hits + 1)
        #expect(s.statisticsCache.counts.misses == before.misses)
        // Another role is another entry: police see the same 小区 through their station, computed for them.
        let police = try await s.occupancy(q, for: w.r.policeS1)
        #expect(s.statisticsCache.counts.misses == before.misses + 1)
        #expect(police.total == first.total)
        // A role without the 小区 in scope never gets the desk's report.
        let otherDesk = try await s.occupancy(q, for: w.r.deskB)
        #expect(otherDesk.rows.isEmpty)
    }

    @Test("a registration or a check-out through the register changes the next report")
    func registerWritesInvalidate() async throws {
        let w = try await W.make()
        defer { w.close() }
        let s = w.r.store, q = query(xiaoqu: w.r.xiaoquA.uuid)
        #expect(try await s.occupancy(q, for: w.r.deskA).total == W.c(3, 3, 4))
        _ = try await s.checkOut(stay: w["p1"].stay.uuid, DepartureDraft(departureDate: RegisterDate("2025-05-20"), reason: "退租"),
                                 by: w.r.deskA)
        let after = try await s.occupancy(q, for: w.r.deskA)
        #expect(after.total == W.c(3, 4, 3))  // p1 leaves in May: one departure more, one fewer living at the end
        #expect(after == (try await recomputed(w, q, for: w.r.deskA)))
    }

    @Test("a write by another connection on the same file (another process) changes the next report")
    func otherProcessWritesInvalidate() async throws {
        let w = try await W.make()
        defer { w.close() }
        let s = w.r.store, q = query(xiaoqu: w.r.xiaoquA.uuid)
        let before = try await s.occupancy(q, for: w.r.deskA)
        #expect(before.total == W.c(3, 3, 4))
        // As `renfang` would, from its own process: a separate connection, bypassing this store.
        let other = try DatabaseQueue(path: s.path)
        try await other.write { db in
            try db.execute(sql: "UPDATE stay SET departure_date = '2025-05-20', cancel_flag = 1 WHERE uuid = ?",
                           arguments: [w["p2"].stay.uuid.uuidString.lowercased()])
        }
        try other.close()
        let after = try await s.occupancy(q, for: w.r.deskA)
        #expect(after.total == W.c(3, 4, 3))
        #expect(after == (try await recomputed(w, q, for: w.r.deskA)))
    }

    @Test("card reads and their audit entries do not touch the counted tables: the report is reused")
    func cardReadsKeepTheCache() async throws {
        let w = try await W.make()
        defer { w.close() }
        let s = w.r.store, q = query(xiaoqu: w.r.xiaoquA.uuid)
        let first = try await s.occupancy(q, for: w.r.deskA)
        _ = try await s.recordCardRead(CardReadIntake(card: Fixtures.card(Fixtures.zhangWei), device: "kiosk-a",
                                                      xiaoqu: w.r.xiaoquA.uuid, readAt: Date()), by: w.r.kioskA)
        let hits = s.statisticsCache.counts.hits
        #expect(try await s.occupancy(q, for: w.r.deskA) == first)
        #expect(s.statisticsCache.counts.hits == hits + 1)
    }

    @Test("every counted table has its three triggers, and the counter moves once per changed row")
    func triggers() async throws {
        let w = try await W.make()
        defer { w.close() }
        let names = try await w.r.store.database.read { db in
            try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_generation'")
        }
        #expect(names.count == Schema.statisticsTables.count * 3)
        let generation = { try await w.r.store.database.read { StatisticsCache.generation($0) } }
        let start = try #require(try await generation())
        _ = try await w.r.store.createBuilding(BuildingDraft(xiaoqu: w.r.xiaoquA.uuid, name: "9号楼"), by: TestRegister.admin)
        #expect(try #require(try await generation()) > start)
    }
}

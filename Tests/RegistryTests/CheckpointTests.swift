import Foundation
import GRDB
import Testing
@testable import Registry

@Suite("WAL checkpoints out of the commits (deferCheckpoints, checkpoint)")
struct CheckpointTests {
    @Test("deferred: the writer checkpoints only past 10,000 pages; a background checkpoint copies the whole log")
    func deferredAndBackground() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let s = r.store
        #expect(try s.automaticCheckpointPages() == 1_000)  // SQLite's default
        try s.deferCheckpoints()
        #expect(try s.automaticCheckpointPages() == RegisterStore.deferredCheckpointPages)
        for index in 0..<5 {
            _ = try await s.createBuilding(BuildingDraft(xiaoqu: r.xiaoquA.uuid, name: "检查点\(index)号楼"), by: TestRegister.admin)
        }
        let result = try s.checkpoint()
        #expect(result.walFrames > 0)
        #expect(result.checkpointed == result.walFrames)
        // Nothing new: nothing to copy, and the register still reads and writes.
        let again = try s.checkpoint()
        #expect(again.checkpointed == again.walFrames)
        _ = try await s.createBuilding(BuildingDraft(xiaoqu: r.xiaoquA.uuid, name: "检查点之后"), by: TestRegister.admin)
        let names = try await s.database.read { try String.fetchAll($0, sql: "SELECT name FROM building WHERE name LIKE '检查点%'") }
        #expect(names.count == 6)
    }

    @Test("a checkpoint while a write transaction is open neither waits for it nor breaks it")
    func duringAWrite() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let s = r.store
        _ = try await s.createBuilding(BuildingDraft(xiaoqu: r.xiaoquA.uuid, name: "先写的楼"), by: TestRegister.admin)
        // Inside the writer's transaction, on the writer's own thread: a checkpoint that needed the write
        // lock would wait for this very transaction (a deadlock, then a busy error after its timeout).
        let during = try await s.database.write { db -> CheckpointResult in
            try db.execute(sql: "UPDATE building SET name = '改名的楼' WHERE name = '先写的楼'")
            return try s.checkpoint()
        }
        #expect(during.checkpointed <= during.walFrames)
        let after = try s.checkpoint()
        #expect(after.checkpointed == after.walFrames)
        let name = try await s.database.read { try String.fetchOne($0, sql: "SELECT name FROM building WHERE name = '改名的楼'") }
        #expect(name == "改名的楼")
    }
}

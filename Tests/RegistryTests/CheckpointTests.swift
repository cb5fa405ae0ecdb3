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

    @Test("the writer reports the log's size after each commit; the background checkpoint waits for its threshold")
    func threshold() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let s = r.store
        try s.deferCheckpoints()
        #expect(try s.checkpoint().checkpointed >= 0)  // start from a copied log
        #expect(s.walPagesPending == 0)
        _ = try await s.createBuilding(BuildingDraft(xiaoqu: r.xiaoquA.uuid, name: "门槛1号楼"), by: TestRegister.admin)
        let afterOne = s.walPagesPending
        #expect(afterOne > 0)
        // Below the threshold: nothing copied, the frames stay pending.
        #expect(try s.checkpointIfNeeded(minimumPages: afterOne + 1) == nil)
        #expect(s.walPagesPending == afterOne)
        _ = try await s.createBuilding(BuildingDraft(xiaoqu: r.xiaoquA.uuid, name: "门槛2号楼"), by: TestRegister.admin)
        #expect(s.walPagesPending > afterOne)
        // At the threshold: the whole log is copied, and nothing is pending any more.
        let done = try #require(try s.checkpointIfNeeded(minimumPages: afterOne + 1))
        #expect(done.checkpointed == done.walFrames)
        #expect(s.walPagesPending == 0)
        // The next commit starts the log again: what it wrote is pending, not less than nothing.
        _ = try await s.createBuilding(BuildingDraft(xiaoqu: r.xiaoquA.uuid, name: "门槛3号楼"), by: TestRegister.admin)
        #expect(s.walPagesPending > 0)
        #expect(s.walPagesPending < done.walFrames + afterOne)
    }

    @Test("the safety net: past its threshold the writer checkpoints within the commit")
    func safetyNet() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let s = r.store
        try s.deferCheckpoints(toPages: 30)
        #expect(try s.automaticCheckpointPages() == 30)
        _ = try s.checkpoint()  // the set-up's frames copied: the first commit below starts the log again
        var largest = 0
        for index in 0..<20 {
            _ = try await s.createBuilding(BuildingDraft(xiaoqu: r.xiaoquA.uuid, name: "安全网\(index)号楼"), by: TestRegister.admin)
            largest = max(largest, s.walPagesPending)
        }
        // Without a checkpoint by the writer the log would hold every frame of the 20 commits (about 160).
        let log = try s.checkpoint()
        #expect(largest >= 30)
        #expect(largest < 30 + 40)
        #expect(log.walFrames < 30 + 40)
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

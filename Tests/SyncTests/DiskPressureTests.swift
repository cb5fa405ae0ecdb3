import Foundation
import Synchronization
import Testing
@testable import Sync

@Suite("DiskPressure")
struct DiskPressureTests {
    @Test("below the reserve photos are refused and an alarm raised; below the floor records too; queued rows stay")
    func levels() async throws {
        let world = try await SyncWorld.make()
        defer { world.close() }
        try await world.register(0..<3)
        let queued = try world.count("SELECT count(*) FROM sync_outbox")
        let free = Mutex<Int64>(10 << 30)
        let pressure = DiskPressure(path: world.directory.path, reserveBytes: 512 << 20, floorBytes: 64 << 20,
                                    freeBytes: { _ in free.withLock { $0 } })
        #expect(try pressure.update(alarmsIn: world.system.store.database) == .normal)
        try pressure.check(optional: true)

        free.withLock { $0 = 100 << 20 }
        #expect(try pressure.update(alarmsIn: world.system.store.database) == .reserve)
        #expect(throws: SyncError(.diskReserve, "磁盘剩余空间低于保留值（512 MiB）：不再保存照片等可选数据")) { try pressure.check(optional: true) }
        try pressure.check(optional: false)
        #expect(!pressure.acceptsOptionalData)
        #expect(try Alarms.open(world.system.store.database).map(\.code) == ["sync.diskReserve"])

        free.withLock { $0 = 10 << 20 }
        #expect(try pressure.update(alarmsIn: world.system.store.database) == .floor)
        #expect { try pressure.check(optional: false) } throws: { ($0 as? SyncError)?.code == .diskFull }
        #expect(Set(try Alarms.open(world.system.store.database).map(\.code)) == ["sync.diskReserve", "sync.diskFull"])
        #expect(try world.count("SELECT count(*) FROM sync_outbox") == queued)

        free.withLock { $0 = 10 << 30 }
        #expect(try pressure.update(alarmsIn: world.system.store.database) == .normal)
        #expect(try Alarms.open(world.system.store.database).isEmpty)
    }

    @Test("statvfs reads the real free space")
    func statvfs() {
        let free = DiskPressure.statvfsFreeBytes(FileManager.default.temporaryDirectory.path)
        #expect((free ?? 0) > 0)
        #expect(DiskPressure.statvfsFreeBytes("/nonexistent/renfang") == nil)
    }
}

import Foundation
import GRDB
import Testing
@testable import Registry

/// The standard test register and a scan time tests move forward.
final class AlertWorld: @unchecked Sendable {
    let r: TestRegister
    private(set) var seenAt = Date(timeIntervalSince1970: 1_749_952_800)

    init(r: TestRegister) { self.r = r }

    static func make() async throws -> AlertWorld { AlertWorld(r: try await TestRegister.make()) }

    func advance(_ seconds: TimeInterval) { seenAt += seconds }

    func draft(person: Fixtures.SyntheticPerson = Fixtures.zhangWei, entry: UUID, device: String = "kiosk-a",
               list: String = "bureau", house: UUID? = nil) -> AlertDraft {
        AlertDraft(listId: list, listVersion: 3, entryRef: entry, level: 1, category: "稳控人员",
                   instructions: "立即报告（测试）", idNumber: person.idNumber, name: person.name,
                   device: device, xiaoqu: r.xiaoquA.uuid, house: house)
    }
}

@Suite("Alerts (预警)")
struct AlertTests {
    @Test("A hit opens an alert with masked identity, audited and handed to the sync sink")
    func opens() async throws {
        let w = try await AlertWorld.make()
        defer { w.r.close() }
        let entry = UUID()
        let audits = try w.r.auditCount()
        let receipt = try await w.r.store.raiseAlert(w.draft(entry: entry, house: w.r.houseA1.uuid), by: w.r.kioskA)
        #expect(receipt.isNew && receipt.scanCount == 1)
        #expect(try w.r.auditCount() == audits + 1)
        #expect(w.r.sink.changes.last.map { ($0.kind, $0.uuid, $0.operation) } ?? (.station, UUID(), .update) == (.alert, receipt.uuid, .create))
        let alert = try await w.r.store.alert(receipt.uuid, for: w.r.policeS1)
        let id = Fixtures.zhangWei.idNumber
        #expect(alert.maskedIdNumber == String(id.prefix(4)) + "**********" + String(id.suffix(4)))
        #expect(alert.maskedName == "张*" && alert.state == .new && alert.level == 1 && alert.listVersion == 3)
        #expect(alert.device == "kiosk-a" && alert.xiaoquUuid == w.r.xiaoquA.uuid && alert.houseUuid == w.r.houseA1.uuid)
        #expect(alert.entryRef == entry && alert.category == "稳控人员")
    }

    @Test("A repeated scan at the same device within the window updates the open alert")
    func dedupe() async throws {
        let w = try await AlertWorld.make()
        defer { w.r.close() }
        let entry = UUID()
        let first = try await w.r.store.raiseAlert(w.draft(entry: entry), seenAt: w.seenAt, window: 600, by: w.r.kioskA)
        w.advance(300)
        let second = try await w.r.store.raiseAlert(w.draft(entry: entry), seenAt: w.seenAt, window: 600, by: w.r.kioskA)
        #expect(!second.isNew && second.uuid == first.uuid && second.scanCount == 2)
        #expect(w.r.sink.changes.last?.operation == .update)
        // Another device, or another list entry: a new alert.
        let other = try await w.r.store.raiseAlert(w.draft(entry: entry, device: "desk-a"), seenAt: w.seenAt, window: 600, by: w.r.deskA)
        #expect(other.isNew && other.uuid != first.uuid)
        #expect(try await w.r.store.raiseAlert(w.draft(entry: UUID()), seenAt: w.seenAt, window: 600, by: w.r.kioskA).isNew)
        // Past the window (measured from the last scan): a new alert.
        w.advance(599)
        #expect(try await w.r.store.raiseAlert(w.draft(entry: entry), seenAt: w.seenAt, window: 600, by: w.r.kioskA).uuid == first.uuid)
        w.advance(601)
        let later = try await w.r.store.raiseAlert(w.draft(entry: entry), seenAt: w.seenAt, window: 600, by: w.r.kioskA)
        #expect(later.isNew && later.uuid != first.uuid)
        let seen = try await w.r.store.alert(first.uuid, for: TestRegister.admin)
        #expect(seen.scanCount == 3 && seen.lastSeenAt > seen.firstSeenAt)
        // A closed alert is never reopened.
        _ = try await w.r.store.progressAlert(later.uuid, to: .acknowledged, by: w.r.policeS1)
        _ = try await w.r.store.progressAlert(later.uuid, to: .closed, note: "误报", by: w.r.policeS1)
        #expect(try await w.r.store.raiseAlert(w.draft(entry: entry), seenAt: w.seenAt, window: 600, by: w.r.kioskA).isNew)
    }

    @Test("新预警 → 已签收 → 已派警 → 已结束 with who, when and a note; bad transitions refused")
    func lifecycle() async throws {
        let w = try await AlertWorld.make()
        defer { w.r.close() }
        let receipt = try await w.r.store.raiseAlert(w.draft(entry: UUID()), by: w.r.kioskA)
        let bad = await registryError { _ = try await w.r.store.progressAlert(receipt.uuid, to: .dispatched, by: w.r.policeS1) }
        #expect(bad?.code == .alertBadTransition)
        let ack = try await w.r.store.progressAlert(receipt.uuid, to: .acknowledged, note: "已查看", by: w.r.policeS1)
        #expect(ack.state == .acknowledged && ack.acknowledged?.by == "police1" && ack.acknowledged?.note == "已查看")
        w.advance(60)
        let sent = try await w.r.store.progressAlert(receipt.uuid, to: .dispatched, note: "孙警官前往", by: w.r.policeS1)
        #expect(sent.state == .dispatched && sent.dispatched!.at >= sent.acknowledged!.at)
        let noNote = await registryError { _ = try await w.r.store.progressAlert(receipt.uuid, to: .closed, by: w.r.policeS1) }
        #expect(noNote?.code == .validationFailed)
        let closed = try await w.r.store.progressAlert(receipt.uuid, to: .closed, note: "已核实，人员已离开", by: w.r.policeS1)
        #expect(closed.state == .closed && closed.closed?.note == "已核实，人员已离开")
        #expect(w.r.sink.changes.last?.operation == .cancel)
        let again = await registryError { _ = try await w.r.store.progressAlert(receipt.uuid, to: .acknowledged, by: w.r.policeS1) }
        #expect(again?.code == .alertBadTransition)
        // The trigger refuses a skipped state even when written directly.
        let direct = try await w.r.store.raiseAlert(w.draft(entry: UUID()), by: w.r.kioskA)
        #expect(throws: DatabaseError.self) {
            try w.r.store.database.write { try $0.execute(sql: "UPDATE alert SET state = 3, acknowledged_at = 'x', dispatched_at = 'x' WHERE uuid = ?", arguments: [direct.uuid.uuidString.lowercased()]) }
        }
    }

    @Test("Scope: police see their station's 小区; admin and security officer see all; desk, kiosk, auditor refused")
    func scope() async throws {
        let w = try await AlertWorld.make()
        defer { w.r.close() }
        let inA = try await w.r.store.raiseAlert(w.draft(entry: UUID()), by: w.r.kioskA)
        var inC = w.draft(entry: UUID())
        inC.xiaoqu = w.r.xiaoquC.uuid
        let c = try await w.r.store.raiseAlert(inC, by: TestRegister.admin)
        #expect(try await w.r.store.alerts(for: w.r.policeS1).map(\.uuid) == [inA.uuid])
        #expect(try await w.r.store.alerts(for: w.r.policeS2).map(\.uuid) == [c.uuid])
        #expect(Set(try await w.r.store.alerts(for: TestRegister.admin).map(\.uuid)) == [inA.uuid, c.uuid])
        #expect(try await w.r.store.alerts(for: TestRegister.security).count == 2)
        #expect(try await w.r.store.alerts(state: .acknowledged, for: TestRegister.admin).isEmpty)
        for actor in [w.r.deskA, w.r.kioskA, TestRegister.auditor] {
            let denied = await registryError { _ = try await w.r.store.alerts(for: actor) }
            #expect(denied?.code == .permissionDenied)
            let one = await registryError { _ = try await w.r.store.alert(inA.uuid, for: actor) }
            #expect(one?.code == .permissionDenied)
        }
        let hidden = await registryError { _ = try await w.r.store.alert(c.uuid, for: w.r.policeS1) }
        #expect(hidden?.code == .notFound)
        let handle = await registryError { _ = try await w.r.store.progressAlert(c.uuid, to: .acknowledged, by: w.r.policeS1) }
        #expect(handle?.code == .notFound)
        // A kiosk cannot raise alerts outside its 小区; the security officer and auditor cannot raise at all.
        let outside = await registryError { _ = try await w.r.store.raiseAlert(inC, by: w.r.kioskA) }
        #expect(outside?.code == .notFound)
        let officer = await registryError { _ = try await w.r.store.raiseAlert(inC, by: TestRegister.security) }
        #expect(officer?.code == .permissionDenied)
    }

    @Test("The database holds masked identity only; watchlist checks are audited without the number")
    func nothingInClear() async throws {
        let w = try await AlertWorld.make()
        defer { w.r.close() }
        for person in [Fixtures.liNa, Fixtures.wangFang] {
            _ = try await w.r.store.raiseAlert(w.draft(person: person, entry: UUID()), by: w.r.kioskA)
        }
        try await w.r.store.auditWatchlist(action: "watchlist.check", detail: Alert.maskIdNumber(Fixtures.liNa.idNumber) + " hits=1",
                                           by: w.r.policeS1)
        let denied = await registryError { try await w.r.store.auditWatchlist(action: "watchlist.check", detail: "x", by: w.r.deskA) }
        #expect(denied?.code == .permissionDenied)
        #expect(try w.r.count("audit_log", "action = 'watchlist.check'") == 1)
        _ = try await w.r.store.database.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        let directory = w.r.directory
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let bytes = try Data(contentsOf: directory.appendingPathComponent(file))
            for person in [Fixtures.liNa, Fixtures.wangFang] {
                #expect(bytes.range(of: Data(person.idNumber.utf8)) == nil, "\(file) holds an ID number")
                #expect(bytes.range(of: Data(person.name.utf8)) == nil, "\(file) holds a name")
            }
        }
    }

    @Test("Masking")
    func masking() {
        #expect(Alert.maskName("欧阳娜娜") == "欧***" && Alert.maskName(" 张三 ") == "张*" && Alert.maskName("") == "")
        #expect(Alert.maskIdNumber("11010519491231002x") == "1101**********002X")
        #expect(Alert.maskIdNumber("110105491231002") == "1101**********002X")
    }
}

import Foundation
import GRDB
import Testing
@testable import Registry

/// Records the changes handed to the sink; can be told to fail on an action.
final class RecordingSink: RecordChangeSink, @unchecked Sendable {
    private let lock = NSLock()
    private var _changes: [RecordChange] = []
    private var _failOn: String?

    var changes: [RecordChange] { lock.withLock { _changes } }

    func fail(on action: String?) { lock.withLock { _failOn = action } }

    func recordsChanged(_ changes: [RecordChange], in db: Database) throws {
        try lock.withLock {
            if let failOn = _failOn, changes.contains(where: { $0.action == failOn }) {
                throw RegistryError(.storageFailed, "sink failure injected")
            }
            _changes += changes
        }
    }
}

/// A clock a test moves forward (starts at 2025-06-15T02:00:00Z, 10:00 in Shanghai).
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var date = Date(timeIntervalSince1970: 1_749_952_800)

    var now: Date { lock.withLock { date } }

    func advance(seconds: Double) { lock.withLock { date = date.addingTimeInterval(seconds) } }
}

/// A register in a temporary directory with a small world in it:
///
/// - station S1 → 社区 C1 → 小区 A (building A1, unit 1, houses a1 a2 a3) and 小区 B (house b1)
/// - station S2 → 社区 C2 → 小区 C (house c1)
///
/// and actors for each role. Today is 2025-06-15 (Asia/Shanghai).
struct TestRegister {
    let store: RegisterStore
    let sink: RecordingSink
    let directory: URL

    let stationS1: Station, stationS2: Station
    let communityC1: Community, communityC2: Community
    let xiaoquA: Xiaoqu, xiaoquB: Xiaoqu, xiaoquC: Xiaoqu
    let buildingA1: Building, unitA1: BuildingUnit
    let houseA1: House, houseA2: House, houseA3: House, houseB1: House, houseC1: House

    static let admin = Actor(userId: "admin", role: .admin)
    static let auditor = Actor(userId: "auditor", role: .auditor)
    static let security = Actor(userId: "secofficer", role: .securityOfficer)
    var policeS1: Actor { Actor(userId: "police1", role: .police(station: stationS1.uuid)) }
    var policeS2: Actor { Actor(userId: "police2", role: .police(station: stationS2.uuid)) }
    var deskA: Actor { Actor(userId: "deskA", role: .desk(xiaoqus: [xiaoquA.uuid])) }
    var deskB: Actor { Actor(userId: "deskB", role: .desk(xiaoqus: [xiaoquB.uuid])) }
    var kioskA: Actor { Actor(userId: "kiosk-a", role: .kiosk(device: "kiosk-a", xiaoqus: [xiaoquA.uuid])) }

    static let today = RegisterDate("2025-06-15")!

    static func options(sink: RecordingSink, clock: TestClock? = nil) -> RegisterStore.Options {
        RegisterStore.Options(
            clock: { clock?.now ?? Date(timeIntervalSince1970: 1_749_952_800) },  // 2025-06-15T02:00:00Z = 10:00 Shanghai
            pinyinInitials: { name in ["张伟": "zw", "阳光花园": "yghy", "丹心酒楼": "dxjl"][name] },
            changeSink: sink)
    }

    static func make(clock: TestClock? = nil) async throws -> TestRegister {
        let sink = RecordingSink()
        let store = try RegisterStore.openTemporary(options: options(sink: sink, clock: clock))
        return try await TestRegister(store: store, sink: sink)
    }

    private init(store: RegisterStore, sink: RecordingSink) async throws {
        self.store = store
        self.sink = sink
        directory = URL(fileURLWithPath: store.path).deletingLastPathComponent()
        let admin = Self.admin
        stationS1 = try await store.createStation(StationDraft(code: "110105510000", name: "安慧里派出所"), by: admin)
        stationS2 = try await store.createStation(StationDraft(code: "110105520000", name: "亚运村派出所"), by: admin)
        communityC1 = try await store.createCommunity(
            CommunityDraft(station: stationS1.uuid, regionCode: "110105", streetOffice: "亚运村街道", name: "安慧里社区"), by: admin)
        communityC2 = try await store.createCommunity(
            CommunityDraft(station: stationS2.uuid, regionCode: "110105", streetOffice: "亚运村街道", name: "安苑北里社区"), by: admin)
        xiaoquA = try await store.createXiaoqu(XiaoquDraft(
            community: communityC1.uuid, name: "阳光花园", address: "北京市朝阳区安慧里一区", developer: "阳光地产",
            builder: "城建集团", propertyCompany: "安居物业", propertyContact: "周经理", propertyPhone: "010-64000001",
            officerName: "孙警官", officerBadge: "012345", officerPhone: "13000130000"), by: admin)
        xiaoquB = try await store.createXiaoqu(XiaoquDraft(
            community: communityC1.uuid, name: "翠微小区", address: "北京市朝阳区安慧里二区"), by: admin)
        xiaoquC = try await store.createXiaoqu(XiaoquDraft(
            community: communityC2.uuid, name: "丹心苑", address: "北京市朝阳区安苑北里"), by: admin)
        buildingA1 = try await store.createBuilding(BuildingDraft(xiaoqu: xiaoquA.uuid, name: "1号楼", floorsAbove: 6), by: admin)
        unitA1 = try await store.createUnit(UnitDraft(building: buildingA1.uuid, name: "1单元"), by: admin)
        houseA1 = try await store.createHouse(HouseDraft(
            xiaoqu: xiaoquA.uuid, building: buildingA1.uuid, unit: unitA1.uuid, floor: 3, roomNumber: "301",
            area: 89.5, usage: "01"), by: admin)
        houseA2 = try await store.createHouse(HouseDraft(
            xiaoqu: xiaoquA.uuid, building: buildingA1.uuid, unit: unitA1.uuid, floor: 3, roomNumber: "302",
            area: 60, usage: "01"), by: admin)
        houseA3 = try await store.createHouse(HouseDraft(
            xiaoqu: xiaoquA.uuid, building: buildingA1.uuid, unit: unitA1.uuid, floor: 4, roomNumber: "401",
            usage: "03"), by: admin)
        houseB1 = try await store.createHouse(HouseDraft(xiaoqu: xiaoquB.uuid, roomNumber: "8号", usage: "01"), by: admin)
        houseC1 = try await store.createHouse(HouseDraft(xiaoqu: xiaoquC.uuid, roomNumber: "12号", usage: "01"), by: admin)
    }

    /// Removes the temporary directory.
    func close() {
        try? store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The number of audit entries.
    func auditCount() throws -> Int {
        try store.database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM audit_log") ?? 0 }
    }

    /// Row count of a table.
    func count(_ table: String, _ condition: String = "1") throws -> Int {
        try store.database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table) WHERE \(condition)") ?? 0 }
    }

    /// Registers `person` from a card into `house` (must succeed without findings).
    @discardableResult
    func registerCard(_ person: Fixtures.SyntheticPerson, into house: House, by actor: Actor? = nil,
                      confirm: Confirmations = .none) async throws -> Registration {
        let outcome = try await store.register(card: Fixtures.card(person), into: house.uuid, stay: Fixtures.stay,
                                               phone: person.phone, confirm: confirm, by: actor ?? deskA)
        guard let registration = outcome.value else {
            throw RegistryError(.validationFailed, "unexpected findings: \(outcome.findings)")
        }
        return registration
    }
}

/// The ``RegistryError`` thrown by `body`, or `nil` (a non-registry error is recorded as an issue).
func registryError(_ body: () async throws -> Void) async -> RegistryError? {
    do {
        try await body()
        return nil
    } catch let error as RegistryError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

/// Runs `body` and expects a validation failure with a field error `code` on `field`; returns the error.
@discardableResult
func expectFieldError(_ code: String, on field: Field, sourceLocation: SourceLocation = #_sourceLocation,
                      _ body: () async throws -> Void) async -> FieldError? {
    let error = await registryError(body)
    #expect(error?.code == .validationFailed, "expected validation.failed, got \(String(describing: error))",
            sourceLocation: sourceLocation)
    let match = error?.fieldErrors.first { $0.code == code && $0.field.hasSuffix(field.rawValue) }
    #expect(match != nil, "expected \(code) on \(field.rawValue), got \(error?.fieldErrors ?? [])",
            sourceLocation: sourceLocation)
    if let match {
        #expect(match.message.contains(field.label), "message must name the field: \(match.message)",
                sourceLocation: sourceLocation)
    }
    return match
}

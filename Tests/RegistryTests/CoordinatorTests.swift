import Foundation
import Testing
@testable import Registry

@Suite("Coordinators and inspections")
struct CoordinatorTests {
    @Test("assign houses; reassigning ends the previous assignment; other 社区 refused")
    func assign() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let ma = try await r.store.createCoordinator(CoordinatorDraft(community: r.communityC1.uuid, name: "马协管",
                                                                      staffNumber: "X001", phone: "13111112222"), by: r.policeS1)
        let niu = try await r.store.createCoordinator(CoordinatorDraft(community: r.communityC1.uuid, name: "牛协管"), by: TestRegister.admin)
        let first = try await r.store.assignCoordinator(ma.uuid, houses: [r.houseA1.uuid, r.houseB1.uuid],
                                                        on: RegisterDate("2025-01-01"), by: r.policeS1)
        #expect(first.count == 2 && first.allSatisfy { $0.coordinatorUuid == ma.uuid && $0.endedOn == nil })
        #expect(try await r.store.house(r.houseA1.uuid, for: r.deskA)?.coordinatorUuid == ma.uuid)
        let second = try await r.store.assignCoordinator(niu.uuid, houses: [r.houseA1.uuid], on: RegisterDate("2025-03-01"),
                                                         by: r.policeS1)
        #expect(second.first?.coordinatorUuid == niu.uuid)
        #expect(try await r.store.house(r.houseA1.uuid, for: r.deskA)?.coordinatorUuid == niu.uuid)
        #expect(try r.count("coordinator_house", "ended_on = '2025-03-01'") == 1)
        await expectFieldError("coordinator.otherCommunity", on: .house) {
            _ = try await r.store.assignCoordinator(ma.uuid, houses: [r.houseC1.uuid], by: TestRegister.admin)
        }
        await expectFieldError("coordinator.duplicateNumber", on: .staffNumber) {
            _ = try await r.store.createCoordinator(CoordinatorDraft(community: r.communityC1.uuid, name: "重号", staffNumber: "X001"),
                                                    by: r.policeS1)
        }
        // Desk users do not manage coordinators.
        let denied = await registryError {
            _ = try await r.store.createCoordinator(CoordinatorDraft(community: r.communityC1.uuid, name: "x"), by: r.deskA)
        }
        #expect(denied?.code == .permissionDenied)
    }

    @Test("inspections: recorded, and their rules name the field")
    func inspections() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let ma = try await r.store.createCoordinator(CoordinatorDraft(community: r.communityC1.uuid, name: "马协管"), by: r.policeS1)
        let inspection = try await r.store.recordInspection(InspectionDraft(
            house: r.houseA1.uuid, coordinator: ma.uuid, inspectedOn: RegisterDate("2025-06-01"), result: "2",
            findings: "消防通道堆物", rectification: "三日内清理"), by: r.deskA)
        #expect(inspection.inspectorName == "马协管" && inspection.coordinatorUuid == ma.uuid && inspection.result == "2")
        #expect(try await r.store.inspections(ofHouse: r.houseA1.uuid, for: r.policeS1).map(\.uuid) == [inspection.uuid])
        await expectFieldError("field.required", on: .findings) {
            _ = try await r.store.recordInspection(InspectionDraft(house: r.houseA1.uuid, inspectedOn: RegisterDate("2025-06-01"),
                                                                   inspectorName: "甲", result: "2"), by: r.deskA)
        }
        await expectFieldError("date.future", on: .inspectedOn) {
            _ = try await r.store.recordInspection(InspectionDraft(house: r.houseA1.uuid, inspectedOn: RegisterDate("2025-07-01"),
                                                                   inspectorName: "甲", result: "1"), by: r.deskA)
        }
        await expectFieldError("field.badCode", on: .inspectionResult) {
            _ = try await r.store.recordInspection(InspectionDraft(house: r.houseA1.uuid, inspectedOn: RegisterDate("2025-06-01"),
                                                                   inspectorName: "甲", result: "7"), by: r.deskA)
        }
        await expectFieldError("field.required", on: .inspectorName) {
            _ = try await r.store.recordInspection(InspectionDraft(house: r.houseA1.uuid, inspectedOn: RegisterDate("2025-06-01"),
                                                                   result: "1"), by: r.deskA)
        }
    }
}

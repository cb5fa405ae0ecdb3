import Foundation
import Testing
@testable import Registry

@Suite("Places and houses")
struct PlacesTests {
    @Test("create and edit 社区, 小区 (with its 五位一体 parties), 楼栋, 单元, houses")
    func createAndEdit() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let store = r.store
        #expect(r.xiaoquA.namePinyin == "yghy")
        #expect(r.xiaoquA.propertyPhone == "01064000001")
        #expect(r.xiaoquA.officerName == "孙警官")
        #expect(r.xiaoquA.stationUuid == r.stationS1.uuid)
        #expect(r.houseA1.address == "北京市朝阳区安慧里一区阳光花园1号楼1单元301")
        #expect(r.houseA1.buildingUuid == r.buildingA1.uuid && r.houseA1.unitUuid == r.unitA1.uuid)

        let community = try await store.updateCommunity(r.communityC1.uuid, CommunityDraft(
            regionCode: "110105", streetOffice: "安贞街道", name: "安慧里社区"), by: r.policeS1)
        #expect(community.streetOffice == "安贞街道" && community.stationUuid == r.stationS1.uuid)
        let xiaoqu = try await store.updateXiaoqu(r.xiaoquA.uuid, XiaoquDraft(
            name: "阳光花园", address: "北京市朝阳区安慧里一区", developer: "新阳光地产", propertyCompany: "安居物业",
            officerName: "钱警官"), by: r.deskA)
        #expect(xiaoqu.developer == "新阳光地产" && xiaoqu.officerName == "钱警官" && xiaoqu.propertyPhone == nil)
        let building = try await store.updateBuilding(r.buildingA1.uuid, BuildingDraft(name: "1号楼", floorsAbove: 11), by: r.deskA)
        #expect(building.floorsAbove == 11)
        let unit = try await store.updateUnit(r.unitA1.uuid, UnitDraft(name: "一单元"), by: r.deskA)
        #expect(unit.name == "一单元")
        let house = try await store.updateHouse(r.houseA2.uuid, HouseDraft(
            building: r.buildingA1.uuid, unit: r.unitA1.uuid, floor: 3, roomNumber: "302", area: 61.2, usage: "02",
            rentalStatus: .partlyRented, rentalUse: "02", rentedRooms: 2, rentedArea: 30,
            landlord: .identified(Fixtures.draft(Fixtures.zhaoLei)), securityPerson: .identified(Fixtures.draft(Fixtures.chenJing)),
            rentalFilingNumber: "朝租备2025-002"), by: r.deskA)
        #expect(house.rentalStatus == .partlyRented && house.rentalUse == "02" && house.landlordUuid != nil)
        #expect(house.securityPersonUuid != nil && house.rentalFilingNumber == "朝租备2025-002")
        // The landlord is now a person linked to 小区 A.
        let landlord = try await store.person(idNumber: Fixtures.zhaoLei.idNumber, for: r.deskA)
        #expect(landlord?.uuid == house.landlordUuid)
        // Editing again keeps the landlord when the draft names none.
        let again = try await store.updateHouse(r.houseA2.uuid, HouseDraft(
            building: r.buildingA1.uuid, unit: r.unitA1.uuid, floor: 3, roomNumber: "302", usage: "02",
            rentalStatus: .rented, rentalUse: "02"), by: r.deskA)
        #expect(again.landlordUuid == house.landlordUuid)
        let houses = try await store.houses(inXiaoqu: r.xiaoquA.uuid, for: r.deskA)
        #expect(houses.count == 3)
    }

    @Test("place validation names the field")
    func placeValidation() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let store = r.store
        await expectFieldError("field.required", on: .stationName) {
            _ = try await store.createStation(StationDraft(code: "1"), by: TestRegister.admin)
        }
        await expectFieldError("place.duplicate", on: .stationCode) {
            _ = try await store.createStation(StationDraft(code: "110105510000", name: "x"), by: TestRegister.admin)
        }
        await expectFieldError("field.badCode", on: .regionCode) {
            _ = try await store.createCommunity(CommunityDraft(regionCode: "999999", name: "新社区"), by: r.policeS1)
        }
        await expectFieldError("place.duplicate", on: .communityName) {
            _ = try await store.createCommunity(CommunityDraft(regionCode: "110105", name: "安慧里社区"), by: r.policeS1)
        }
        await expectFieldError("field.required", on: .xiaoquAddress) {
            _ = try await store.createXiaoqu(XiaoquDraft(community: r.communityC1.uuid, name: "新小区"), by: r.policeS1)
        }
        await expectFieldError("phone.invalid", on: .propertyPhone) {
            _ = try await store.createXiaoqu(XiaoquDraft(community: r.communityC1.uuid, name: "新小区", address: "某路1号",
                                                         propertyPhone: "abc"), by: r.policeS1)
        }
        await expectFieldError("place.duplicate", on: .buildingName) {
            _ = try await store.createBuilding(BuildingDraft(xiaoqu: r.xiaoquA.uuid, name: "1号楼"), by: r.deskA)
        }
        await expectFieldError("field.invalid", on: .floorsAbove) {
            _ = try await store.createBuilding(BuildingDraft(xiaoqu: r.xiaoquA.uuid, name: "2号楼", floorsAbove: 0), by: r.deskA)
        }
        await expectFieldError("field.required", on: .unitName) {
            _ = try await store.createUnit(UnitDraft(building: r.buildingA1.uuid, name: "  "), by: r.deskA)
        }
        await expectFieldError("house.duplicate", on: .roomNumber) {
            _ = try await store.createHouse(HouseDraft(xiaoqu: r.xiaoquA.uuid, building: r.buildingA1.uuid,
                                                       unit: r.unitA1.uuid, roomNumber: "301", usage: "01"), by: r.deskA)
        }
        await expectFieldError("house.floorOutOfRange", on: .floor) {
            _ = try await store.createHouse(HouseDraft(xiaoqu: r.xiaoquA.uuid, building: r.buildingA1.uuid,
                                                       floor: 9, roomNumber: "901", usage: "01"), by: r.deskA)
        }
        await expectFieldError("field.badCode", on: .usage) {
            _ = try await store.createHouse(HouseDraft(xiaoqu: r.xiaoquA.uuid, roomNumber: "x1", usage: "77"), by: r.deskA)
        }
        await expectFieldError("field.required", on: .landlord) {
            _ = try await store.createHouse(HouseDraft(xiaoqu: r.xiaoquA.uuid, roomNumber: "x2", usage: "02",
                                                       rentalStatus: .rented, rentalUse: "02"), by: r.deskA)
        }
        await expectFieldError("field.badCode", on: .rentalUse) {
            _ = try await store.createHouse(HouseDraft(xiaoqu: r.xiaoquA.uuid, roomNumber: "x3", usage: "02",
                                                       rentalStatus: .rented, rentalUse: "04",
                                                       landlord: .identified(Fixtures.draft(Fixtures.zhaoLei))), by: r.deskA)
        }
        await expectFieldError("field.invalid", on: .area) {
            _ = try await store.createHouse(HouseDraft(xiaoqu: r.xiaoquA.uuid, roomNumber: "x4", area: -3, usage: "01"), by: r.deskA)
        }
        // A unit of another building.
        let other = try await store.createBuilding(BuildingDraft(xiaoqu: r.xiaoquA.uuid, name: "2号楼"), by: r.deskA)
        await expectFieldError("field.invalid", on: .unit) {
            _ = try await store.createHouse(HouseDraft(xiaoqu: r.xiaoquA.uuid, building: other.uuid, unit: r.unitA1.uuid,
                                                       roomNumber: "x5", usage: "01"), by: r.deskA)
        }
        // A landlord must be identified by an ID number.
        await expectFieldError("field.required", on: .idNumber) {
            _ = try await store.createHouse(HouseDraft(xiaoqu: r.xiaoquA.uuid, roomNumber: "x6", usage: "02",
                                                       rentalStatus: .rented, rentalUse: "02",
                                                       landlord: .identified(PersonDraft(name: "某人", sex: "1"))), by: r.deskA)
        }
        #expect(try r.count("house") == 5)
    }

    @Test("注销 and 恢复 of a house: reasons and dates, refused while people live there, history kept")
    func cancelAndRestore() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let store = r.store
        let zhang = try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        await expectFieldError("house.hasActiveStays", on: .house) {
            _ = try await store.cancelHouse(r.houseA1.uuid, on: RegisterDate("2025-06-01"), reason: "拆迁", by: r.deskA)
        }
        await expectFieldError("field.required", on: .statusReason) {
            _ = try await store.cancelHouse(r.houseA3.uuid, on: RegisterDate("2025-06-01"), reason: nil, by: r.deskA)
        }
        await expectFieldError("date.future", on: .statusDate) {
            _ = try await store.cancelHouse(r.houseA3.uuid, on: RegisterDate("2025-07-01"), reason: "拆迁", by: r.deskA)
        }
        await expectFieldError("house.notCancelled", on: .house) {
            _ = try await store.restoreHouse(r.houseA3.uuid, on: RegisterDate("2025-06-01"), reason: "恢复出租", by: r.deskA)
        }
        let cancelled = try await store.cancelHouse(r.houseA3.uuid, on: RegisterDate("2025-05-01"), reason: "拆迁", by: r.deskA)
        #expect(cancelled.status == .cancelled && cancelled.cancelledOn == RegisterDate("2025-05-01") && cancelled.cancelReason == "拆迁")
        // No check-in into a cancelled house.
        await expectFieldError("house.cancelled", on: .house) {
            _ = try await store.checkIn(person: zhang.person.uuid, into: r.houseA3.uuid, stay: Fixtures.stay,
                                        confirm: Confirmations(allowMultipleStays: true), by: r.deskA)
        }
        await expectFieldError("date.order", on: .statusDate) {
            _ = try await store.restoreHouse(r.houseA3.uuid, on: RegisterDate("2025-04-01"), reason: "恢复出租", by: r.deskA)
        }
        let restored = try await store.restoreHouse(r.houseA3.uuid, on: RegisterDate("2025-06-10"), reason: "恢复出租", by: r.deskA)
        #expect(restored.status == .normal && restored.restoredOn == RegisterDate("2025-06-10") && restored.restoreReason == "恢复出租")
        let history = try await store.statusChanges(ofHouse: r.houseA3.uuid, for: r.deskA)
        #expect(history.map(\.action) == [.cancel, .restore])
        #expect(history.map(\.reason) == ["拆迁", "恢复出租"])
        // The sink saw 注销 (3) for the house.
        #expect(r.sink.changes.contains { $0.kind == .house && $0.operation == .cancel && $0.uuid == r.houseA3.uuid })
    }
}

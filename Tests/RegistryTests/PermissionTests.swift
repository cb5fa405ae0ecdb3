import Foundation
import Testing
@testable import Registry

@Suite("Roles")
struct PermissionTests {
    @Test("三员分立: admin, security officer and auditor never read or write people")
    func noPersonalDataForSystemRoles() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let zhang = try await r.registerCard(Fixtures.zhangWei, into: r.houseA1)
        for actor in [TestRegister.admin, TestRegister.security, TestRegister.auditor] {
            let probes: [@Sendable () async throws -> Void] = [
                { _ = try await r.store.person(zhang.person.uuid, for: actor) },
                { _ = try await r.store.person(idNumber: Fixtures.zhangWei.idNumber, for: actor) },
                { _ = try await r.store.residents(ofHouse: r.houseA1.uuid, for: actor) },
                { _ = try await r.store.register(card: Fixtures.card(Fixtures.liNa), into: r.houseA2.uuid, stay: Fixtures.stay, by: actor) },
                { _ = try await r.store.checkOut(stay: zhang.stay.uuid, DepartureDraft(departureDate: TestRegister.today, reason: "x"), by: actor) },
                { _ = try await r.store.updateHouse(r.houseA3.uuid, HouseDraft(roomNumber: "401", usage: "02", rentalStatus: .rented,
                                                                                rentalUse: "02", landlord: .existing(zhang.person.uuid)), by: actor) },
            ]
            for probe in probes {
                let error = await registryError(probe)
                #expect(error?.code == .permissionDenied, "\(actor)")
            }
        }
        // Security officers and auditors do not even see places.
        for actor in [TestRegister.security, TestRegister.auditor] {
            let error = await registryError { _ = try await r.store.xiaoqus(for: actor) }
            #expect(error?.code == .permissionDenied)
        }
    }

    @Test("kiosks: only the self-service flow")
    func kiosk() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let k = r.kioskA
        let registered = try await r.store.register(card: Fixtures.card(Fixtures.zhangWei), into: r.houseA1.uuid,
                                                    stay: Fixtures.stay, by: k)
        let zhang = try #require(registered.value)
        #expect(zhang.stay.registeredBy == "kiosk-a")
        #expect(try await r.store.house(r.houseA1.uuid, for: k) != nil)
        let denied: [@Sendable () async throws -> Void] = [
            { _ = try await r.store.person(zhang.person.uuid, for: k) },
            { _ = try await r.store.residents(ofHouse: r.houseA1.uuid, for: k) },
            { _ = try await r.store.register(person: Fixtures.draft(Fixtures.liNa), into: r.houseA2.uuid, stay: Fixtures.stay, by: k) },
            { _ = try await r.store.checkOut(stay: zhang.stay.uuid, DepartureDraft(departureDate: TestRegister.today, reason: "x"), by: k) },
            { _ = try await r.store.createHouse(HouseDraft(xiaoqu: r.xiaoquA.uuid, roomNumber: "k1", usage: "01"), by: k) },
            { _ = try await r.store.recordInspection(InspectionDraft(house: r.houseA1.uuid), by: k) },
        ]
        for probe in denied {
            #expect(await registryError(probe)?.code == .permissionDenied)
        }
    }

    @Test("desk users cannot create stations, 社区 or 小区, nor move their 小区 to another station")
    func deskLimits() async throws {
        let r = try await TestRegister.make()
        defer { r.close() }
        let d = r.deskA
        #expect(await registryError { _ = try await r.store.createStation(StationDraft(code: "1", name: "x"), by: d) }?.code == .permissionDenied)
        #expect(await registryError { _ = try await r.store.createCommunity(CommunityDraft(regionCode: "110105", name: "x"), by: d) }?.code == .permissionDenied)
        #expect(await registryError { _ = try await r.store.createXiaoqu(XiaoquDraft(community: r.communityC1.uuid, name: "x", address: "y"), by: d) }?.code == .permissionDenied)
        let move = await registryError {
            _ = try await r.store.updateXiaoqu(r.xiaoquA.uuid, XiaoquDraft(station: r.stationS2.uuid, name: "阳光花园", address: "x"), by: d)
        }
        #expect(move?.code == .permissionDenied)
        // Police create 社区 only under their own station.
        let other = await registryError {
            _ = try await r.store.createCommunity(CommunityDraft(station: r.stationS2.uuid, regionCode: "110105", name: "新"), by: r.policeS1)
        }
        #expect(other?.code == .notFound)
        let own = try await r.store.createCommunity(CommunityDraft(regionCode: "110105", name: "新社区"), by: r.policeS1)
        #expect(own.stationUuid == r.stationS1.uuid)
    }
}

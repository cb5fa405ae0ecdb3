import Foundation
import GRDB
import Testing
@testable import Registry

/// What each 小区 of the scope world holds.
struct Holdings: Sendable {
    var xiaoqu: Xiaoqu
    var building: Building
    var unit: BuildingUnit
    var house: House
    var cancelledHouse: House
    var person: Fixtures.SyntheticPerson
    var registration: Registration
    var declaration: ResidenceDeclaration
    var matter: ServiceMatter
    var inspection: Inspection
    var coordinator: Coordinator
}

/// A register with the same things in 小区 A, B (both station S1, 社区 C1) and C (station S2, 社区 C2).
struct ScopeWorld: Sendable {
    let r: TestRegister
    let a: Holdings, b: Holdings, c: Holdings

    static func make() async throws -> ScopeWorld {
        let r = try await TestRegister.make()
        func fill(_ xiaoqu: Xiaoqu, _ community: Community, _ person: Fixtures.SyntheticPerson, by actor: Actor,
                  coordinatorBy: Actor) async throws -> Holdings {
            let s = r.store
            let building = try await s.createBuilding(BuildingDraft(xiaoqu: xiaoqu.uuid, name: "9号楼"), by: actor)
            let unit = try await s.createUnit(UnitDraft(building: building.uuid, name: "1单元"), by: actor)
            let house = try await s.createHouse(HouseDraft(xiaoqu: xiaoqu.uuid, building: building.uuid, unit: unit.uuid,
                                                           roomNumber: "101", usage: "02", rentalStatus: .rented, rentalUse: "02",
                                                           landlord: .identified(Fixtures.draft(Fixtures.zhaoLei))), by: actor)
            var cancelled = try await s.createHouse(HouseDraft(xiaoqu: xiaoqu.uuid, building: building.uuid, unit: unit.uuid,
                                                               roomNumber: "102", usage: "03"), by: actor)
            cancelled = try await s.cancelHouse(cancelled.uuid, on: RegisterDate("2025-01-01"), reason: "拆除", by: actor)
            let registration = try await r.registerCard(person, into: house, by: actor)
            let declaration = try await s.declareResidence(
                DeclarationTests.fullDraft(person: registration.person.uuid, house: house.uuid), by: actor).declaration
            let matter = try await s.openServiceMatter(ServiceMatterDraft(house: house.uuid, applicant: registration.person.uuid,
                                                                          matterType: "01", summary: "登记"), by: actor)
            let inspection = try await s.recordInspection(InspectionDraft(house: house.uuid, inspectedOn: RegisterDate("2025-06-01"),
                                                                          inspectorName: "巡查员", result: "1"), by: actor)
            let coordinator = try await s.createCoordinator(CoordinatorDraft(community: community.uuid, name: "协管\(person.name)"),
                                                            by: coordinatorBy)
            return Holdings(xiaoqu: xiaoqu, building: building, unit: unit, house: house, cancelledHouse: cancelled,
                            person: person, registration: registration, declaration: declaration, matter: matter,
                            inspection: inspection, coordinator: coordinator)
        }
        let a = try await fill(r.xiaoquA, r.communityC1, Fixtures.zhangWei, by: r.deskA, coordinatorBy: r.policeS1)
        let b = try await fill(r.xiaoquB, r.communityC1, Fixtures.liNa, by: r.deskB, coordinatorBy: r.policeS1)
        let c = try await fill(r.xiaoquC, r.communityC2, Fixtures.wangFang, by: r.policeS2, coordinatorBy: r.policeS2)
        return ScopeWorld(r: r, a: a, b: b, c: c)
    }

    /// Every table's rows, canonically: equal before and after means nothing was touched.
    func snapshot() throws -> String {
        try r.store.database.read { db in
            var text = ""
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\" ORDER BY 1") {
                    text += table + CanonicalJSON.encode(row) + "\n"
                }
            }
            return text
        }
    }
}

/// What a probe got.
enum ProbeResult: Sendable, Equatable {
    case nothing
    case refused(RegistryError.Code)
    case got(String)
}

/// One call of the public API aimed at another 小区's records.
struct Probe: Sendable {
    var name: String
    var isRead: Bool
    var run: @Sendable () async throws -> ProbeResult
}

extension Probe {
    static func read<T>(_ name: String, _ body: @escaping @Sendable () async throws -> T?) -> Probe {
        Probe(name: name, isRead: true) { try await body().map { .got("\($0)") } ?? .nothing }
    }

    static func list<T>(_ name: String, _ body: @escaping @Sendable () async throws -> [T]) -> Probe {
        Probe(name: name, isRead: true) {
            let items = try await body()
            return items.isEmpty ? .nothing : .got("\(items.count) item(s): \(items)")
        }
    }

    static func write<T>(_ name: String, _ body: @escaping @Sendable () async throws -> T) -> Probe {
        Probe(name: name, isRead: false) { .got("\(try await body())") }
    }

    func outcome() async -> ProbeResult {
        do {
            return try await run()
        } catch let error as RegistryError {
            return .refused(error.code)
        } catch {
            return .got("unexpected error \(error)")
        }
    }
}

/// Every public read and write, aimed at the records of `t` by `actor`.
func probes(_ w: ScopeWorld, actor: Actor, target t: Holdings, own: Holdings) -> [Probe] {
    let s = w.r.store
    let today = RegisterDate("2025-06-15")
    var list: [Probe] = [
        .read("xiaoqu") { try await s.xiaoqu(t.xiaoqu.uuid, for: actor) },
        .read("building") { try await s.building(t.building.uuid, for: actor) },
        .list("buildings(inXiaoqu:)") { try await s.buildings(inXiaoqu: t.xiaoqu.uuid, for: actor) },
        .read("unit") { try await s.unit(t.unit.uuid, for: actor) },
        .list("units(inBuilding:)") { try await s.units(inBuilding: t.building.uuid, for: actor) },
        .read("house") { try await s.house(t.house.uuid, for: actor) },
        .list("houses(inXiaoqu:)") { try await s.houses(inXiaoqu: t.xiaoqu.uuid, for: actor) },
        .list("statusChanges") { try await s.statusChanges(ofHouse: t.cancelledHouse.uuid, for: actor) },
        .list("inspections") { try await s.inspections(ofHouse: t.house.uuid, for: actor) },
        .read("person(uuid)") { try await s.person(t.registration.person.uuid, for: actor) },
        .read("person(idNumber:)") { try await s.person(idNumber: t.person.idNumber, for: actor) },
        .list("people(phone:)") { try await s.people(phone: t.person.phone, for: actor) },
        .list("residents") { try await s.residents(ofHouse: t.house.uuid, for: actor) },
        .list("stays(ofHouse:)") { try await s.stays(ofHouse: t.house.uuid, for: actor) },
        .read("stay") { try await s.stay(t.registration.stay.uuid, for: actor) },
        .list("residenceHistory") { try await s.residenceHistory(ofPerson: t.registration.person.uuid, for: actor) },
        .read("declaration") { try await s.declaration(t.declaration.uuid, for: actor) },
        .list("declarations(ofPerson:)") { try await s.declarations(ofPerson: t.registration.person.uuid, for: actor) },
        .read("serviceMatter") { try await s.serviceMatter(t.matter.uuid, for: actor) },
        .list("serviceMatters(inXiaoqu:)") { try await s.serviceMatters(inXiaoqu: t.xiaoqu.uuid, for: actor) },

        .write("updateXiaoqu") { try await s.updateXiaoqu(t.xiaoqu.uuid, XiaoquDraft(name: "改名", address: "某地"), by: actor) },
        .write("createBuilding") { try await s.createBuilding(BuildingDraft(xiaoqu: t.xiaoqu.uuid, name: "新楼"), by: actor) },
        .write("updateBuilding") { try await s.updateBuilding(t.building.uuid, BuildingDraft(name: "新楼"), by: actor) },
        .write("createUnit") { try await s.createUnit(UnitDraft(building: t.building.uuid, name: "9单元"), by: actor) },
        .write("updateUnit") { try await s.updateUnit(t.unit.uuid, UnitDraft(name: "9单元"), by: actor) },
        .write("createHouse") { try await s.createHouse(HouseDraft(xiaoqu: t.xiaoqu.uuid, roomNumber: "999", usage: "01"), by: actor) },
        .write("createHouse(landlord other)") {
            try await s.createHouse(HouseDraft(xiaoqu: own.xiaoqu.uuid, roomNumber: "998", usage: "02", rentalStatus: .rented,
                                               rentalUse: "02", landlord: .existing(t.registration.person.uuid)), by: actor)
        },
        .write("updateHouse") { try await s.updateHouse(t.house.uuid, HouseDraft(roomNumber: "101", usage: "01"), by: actor) },
        .write("cancelHouse") { try await s.cancelHouse(t.house.uuid, on: today, reason: "x", by: actor) },
        .write("restoreHouse") { try await s.restoreHouse(t.cancelledHouse.uuid, on: today, reason: "x", by: actor) },
        .write("register(card:) into other") {
            try await s.register(card: Fixtures.card(Fixtures.chenJing), into: t.house.uuid, stay: Fixtures.stay,
                                 confirm: Confirmations(allowMultipleStays: true, confirmDuplicate: true), by: actor)
        },
        .write("register(person:) into other") {
            try await s.register(person: Fixtures.draft(Fixtures.chenJing), into: t.house.uuid, stay: Fixtures.stay,
                                 confirm: Confirmations(allowMultipleStays: true, confirmDuplicate: true), by: actor)
        },
        .write("checkIn own person into other") {
            try await s.checkIn(person: own.registration.person.uuid, into: t.house.uuid, stay: Fixtures.stay,
                                confirm: Confirmations(allowMultipleStays: true), by: actor)
        },
        .write("checkIn other person into own") {
            try await s.checkIn(person: t.registration.person.uuid, into: own.cancelledHouse.uuid, stay: Fixtures.stay,
                                confirm: Confirmations(allowMultipleStays: true), by: actor)
        },
        .write("checkOut") { try await s.checkOut(stay: t.registration.stay.uuid, DepartureDraft(departureDate: today, reason: "x"), by: actor) },
        .write("transfer other stay to own") {
            try await s.transfer(stay: t.registration.stay.uuid, to: own.house.uuid,
                                 departure: DepartureDraft(departureDate: today, reason: "x"), arrival: StayDraft(relation: "91"),
                                 confirm: Confirmations(allowMultipleStays: true), by: actor)
        },
        .write("transfer own stay to other") {
            try await s.transfer(stay: own.registration.stay.uuid, to: t.house.uuid,
                                 departure: DepartureDraft(departureDate: today, reason: "x"), arrival: StayDraft(relation: "91"),
                                 confirm: Confirmations(allowMultipleStays: true), by: actor)
        },
        .write("declareResidence other") {
            try await s.declareResidence(DeclarationTests.fullDraft(person: t.registration.person.uuid, house: t.house.uuid), by: actor)
        },
        .write("declareResidence own person, other house") {
            try await s.declareResidence(DeclarationTests.fullDraft(person: own.registration.person.uuid, house: t.house.uuid), by: actor)
        },
        .write("openServiceMatter(xiaoqu)") {
            try await s.openServiceMatter(ServiceMatterDraft(xiaoqu: t.xiaoqu.uuid, applicantName: "甲", matterType: "01", summary: "x"), by: actor)
        },
        .write("openServiceMatter(house)") {
            try await s.openServiceMatter(ServiceMatterDraft(house: t.house.uuid, applicantName: "甲", matterType: "01", summary: "x"), by: actor)
        },
        .write("openServiceMatter(applicant other)") {
            try await s.openServiceMatter(ServiceMatterDraft(xiaoqu: own.xiaoqu.uuid, applicant: t.registration.person.uuid,
                                                             matterType: "01", summary: "x"), by: actor)
        },
        .write("progressServiceMatter") { try await s.progressServiceMatter(t.matter.uuid, to: .inProgress, by: actor) },
        .write("recordInspection") {
            try await s.recordInspection(InspectionDraft(house: t.house.uuid, inspectedOn: today, inspectorName: "甲", result: "1"), by: actor)
        },
        .write("assignCoordinator other house") { try await s.assignCoordinator(own.coordinator.uuid, houses: [t.house.uuid], by: actor) },
    ]
    if t.xiaoqu.communityUuid != own.xiaoqu.communityUuid {
        list += [
            .read("community") { try await s.community(t.xiaoqu.communityUuid, for: actor) },
            .read("coordinator") { try await s.coordinator(t.coordinator.uuid, for: actor) },
            .write("updateCommunity") {
                try await s.updateCommunity(t.xiaoqu.communityUuid, CommunityDraft(regionCode: "110105", name: "改"), by: actor)
            },
            .write("createCoordinator") {
                try await s.createCoordinator(CoordinatorDraft(community: t.xiaoqu.communityUuid, name: "x"), by: actor)
            },
            .write("assignCoordinator other coordinator") {
                try await s.assignCoordinator(t.coordinator.uuid, houses: [t.house.uuid], by: actor)
            },
        ]
    }
    if t.xiaoqu.stationUuid != own.xiaoqu.stationUuid {
        list.append(.read("station") { try await s.station(t.xiaoqu.stationUuid, for: actor) })
    }
    return list
}

@Suite("Scope: nobody sees or touches another 小区's houses or people")
struct ScopeTests {
    @Test("outsiders get nothing through any public API, and change nothing", arguments: [
        "deskA→B", "deskA→C", "deskB→A", "kioskA→B", "policeS2→A", "policeS2→B", "policeS1→C",
    ])
    func outsiders(_ case_: String) async throws {
        let w = try await ScopeWorld.make()
        defer { w.r.close() }
        let (actor, own, target): (Actor, Holdings, Holdings) = switch case_ {
        case "deskA→B": (w.r.deskA, w.a, w.b)
        case "deskA→C": (w.r.deskA, w.a, w.c)
        case "deskB→A": (w.r.deskB, w.b, w.a)
        case "kioskA→B": (w.r.kioskA, w.a, w.b)
        case "policeS2→A": (w.r.policeS2, w.c, w.a)
        case "policeS2→B": (w.r.policeS2, w.c, w.b)
        default: (w.r.policeS1, w.a, w.c)
        }
        let before = try w.snapshot()
        for probe in probes(w, actor: actor, target: target, own: own) {
            let result = await probe.outcome()
            switch result {
            case .nothing, .refused(.notFound), .refused(.permissionDenied):
                break
            default:
                Issue.record("\(case_) \(probe.name): \(result)")
            }
        }
        #expect(try w.snapshot() == before, "an outsider's call changed the register")
    }

    @Test("insiders see the same records through the same reads (the probes are real)", arguments: [
        "deskB→B", "policeS1→B", "policeS1→A", "policeS2→C", "deskA→A",
    ])
    func insiders(_ case_: String) async throws {
        let w = try await ScopeWorld.make()
        defer { w.r.close() }
        let (actor, target): (Actor, Holdings) = switch case_ {
        case "deskB→B": (w.r.deskB, w.b)
        case "policeS1→B": (w.r.policeS1, w.b)
        case "policeS1→A": (w.r.policeS1, w.a)
        case "policeS2→C": (w.r.policeS2, w.c)
        default: (w.r.deskA, w.a)
        }
        // Compare against a holder in another community, so that the community/station probes run too.
        let other = target.xiaoqu.uuid == w.c.xiaoqu.uuid ? w.a : w.c
        for probe in probes(w, actor: actor, target: target, own: other) where probe.isRead {
            guard case .got = await probe.outcome() else {
                Issue.record("\(case_) \(probe.name) got nothing"); continue
            }
        }
    }

    @Test("insiders reach the same records through the same writes (the write probes are real)")
    func insiderWrites() async throws {
        let w = try await ScopeWorld.make()
        defer { w.r.close() }
        var succeeded = 0
        for probe in probes(w, actor: w.r.policeS1, target: w.b, own: w.b) where !probe.isRead {
            let result = await probe.outcome()
            switch result {
            case .refused(.notFound), .refused(.permissionDenied): Issue.record("policeS1→B \(probe.name): \(result)")
            case .got: succeeded += 1
            default: break  // a validation error: the records were found
            }
        }
        #expect(succeeded >= 10)
    }

    @Test("findings never reveal another 小区's records, only that they exist")
    func findingsDoNotLeak() async throws {
        let w = try await ScopeWorld.make()
        defer { w.r.close() }
        let s = w.r.store
        // Li Na lives in B; desk A registers her card in A: one stay elsewhere, no details.
        let outcome = try await s.register(card: Fixtures.card(Fixtures.liNa), into: w.a.house.uuid, stay: Fixtures.stay, by: w.r.deskA)
        guard case let .multipleStays(count, visible)? = outcome.findings.first else { Issue.record("\(outcome)"); return }
        #expect(count == 1 && visible.isEmpty)
        // A same-name, same-birth person typed in at A: a likely duplicate exists, no details.
        let otherId = Fixtures.idNumber(region: "440305", birth: "19851120", sequence: "998")
        let dup = try await s.register(person: Fixtures.draft(Fixtures.liNa, idNumber: otherId), into: w.a.house.uuid,
                                       stay: Fixtures.stay, by: w.r.deskA)
        guard case let .likelyDuplicate(n, people)? = dup.findings.first else { Issue.record("\(dup)"); return }
        #expect(n == 1 && people.isEmpty)
        // Police of S1 see the details of both (A and B are theirs).
        let police = try await s.register(card: Fixtures.card(Fixtures.liNa), into: w.a.house.uuid, stay: Fixtures.stay, by: w.r.policeS1)
        guard case let .multipleStays(_, seen)? = police.findings.first else { Issue.record("\(police)"); return }
        #expect(seen.map(\.stayUuid) == [w.b.registration.stay.uuid])
    }

    @Test("a person who moved from B to A: A sees the person and the stay in A, never the stay in B")
    func historyIsCut() async throws {
        let w = try await ScopeWorld.make()
        defer { w.r.close() }
        let s = w.r.store
        _ = try await s.transfer(stay: w.b.registration.stay.uuid, to: w.a.house.uuid,
                                 departure: DepartureDraft(departureDate: RegisterDate("2025-06-01"), reason: "搬家"),
                                 arrival: StayDraft(relation: "91"), by: w.r.policeS1)
        let person = w.b.registration.person.uuid
        #expect(try await s.person(person, for: w.r.deskA) != nil)
        let history = try await s.residenceHistory(ofPerson: person, for: w.r.deskA)
        #expect(history.map(\.stay.houseUuid) == [w.a.house.uuid])
        #expect(try await s.declarations(ofPerson: person, for: w.r.deskA).isEmpty)
        #expect(try await s.residenceHistory(ofPerson: person, for: w.r.policeS1).count == 2)
    }

    @Test("the scope filter is reusable: visible 小区 ids per role")
    func scopeResolution() async throws {
        let w = try await ScopeWorld.make()
        defer { w.r.close() }
        let r = w.r
        let ids = try await r.store.database.read { db in
            try ["A", "B", "C"].map { name in
                try Int64.fetchOne(db, sql: "SELECT id FROM xiaoqu WHERE uuid = ?",
                                   arguments: [[r.xiaoquA, r.xiaoquB, r.xiaoquC][["A", "B", "C"].firstIndex(of: name)!].uuid.dbText])!
            }
        }
        func visible(_ actor: Actor) async throws -> Set<Int64>? {
            try await r.store.database.read { db in try Scope.resolve(actor, in: db).visibleXiaoquIds(in: db) }
        }
        #expect(try await visible(r.deskA) == [ids[0]])
        #expect(try await visible(r.policeS1) == [ids[0], ids[1]])
        #expect(try await visible(r.policeS2) == [ids[2]])
        #expect(try await visible(TestRegister.admin) == nil)
        #expect(try await visible(TestRegister.auditor) == [])
        #expect(try await visible(Actor(userId: "x", role: .desk(xiaoqus: [UUID()]))) == [])
    }
}

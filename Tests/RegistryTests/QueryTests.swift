import Foundation
import Testing
@testable import Registry

@Suite("History search of stays")
struct QueryTests {
    typealias W = StatisticsWorld

    private func names(_ page: StaySearchPage) -> [String] { page.hits.map(\.name) }

    @Test("by arrival period (inclusive), newest arrival first")
    func arrivalPeriod() async throws {
        let w = try await W.make()
        defer { w.close() }
        let page = try await w.r.store.searchStays(StaySearch(arrivalFrom: W.from, arrivalTo: W.to), for: w.r.policeS1)
        // p2 05-01, p3 05-31, p8 05-10, p10 05-05 (p11 is in station S2).
        #expect(names(page) == ["统计三", "统计八", "统计十", "统计二"])
        #expect(!page.hasMore)
    }

    @Test("by ID number (exact, any spelling of the same number), name prefix, pinyin initials")
    func personCriteria() async throws {
        let w = try await W.make()
        defer { w.close() }
        let s = w.r.store, police = w.r.policeS1
        let p5 = W.person(W.rows[4], index: 4)
        let byId = try await s.searchStays(StaySearch(idNumber: " " + p5.idNumber.lowercased() + " "), for: police)
        #expect(byId.hits.map(\.stayUuid) == [w["p5"].stay.uuid])
        #expect(byId.hits.first?.departureDate == RegisterDate("2025-05-01") && byId.hits.first?.cancelFlag == .cancelled)
        #expect(try await s.searchStays(StaySearch(idNumber: Fixtures.liNa.idNumber), for: police).hits.isEmpty)
        // Name prefix: 统计一 and 统计十一 … but not 统计十 (ordered by name, then birth date).
        #expect(names(try await s.searchStays(StaySearch(namePrefix: "统计十"), for: police)) == ["统计十"])
        #expect(names(try await s.searchStays(StaySearch(namePrefix: "统计一"), for: police)) == ["统计一"])
        #expect(try await s.searchStays(StaySearch(namePrefix: "统计"), for: police).hits.count == 10)
        // Pinyin initials (the test register knows 张伟 → zw).
        let zhang = try await w.r.registerCard(Fixtures.zhangWei, into: w.r.houseA3)
        let byPinyin = try await s.searchStays(StaySearch(pinyinPrefix: "ZW"), for: police)
        #expect(byPinyin.hits.map(\.stayUuid) == [zhang.stay.uuid])
        #expect(try await s.searchStays(StaySearch(pinyinPrefix: "z"), for: police).hits.count == 1)
        #expect(try await s.searchStays(StaySearch(pinyinPrefix: "zx"), for: police).hits.isEmpty)
    }

    @Test("by 社区, 小区, 楼栋, officer in charge; only active stays")
    func placeCriteria() async throws {
        let w = try await W.make()
        defer { w.close() }
        let s = w.r.store, police = w.r.policeS1
        #expect(try await s.searchStays(StaySearch(community: w.r.communityC1.uuid), for: police).hits.count == 10)
        #expect(try await s.searchStays(StaySearch(xiaoqu: w.r.xiaoquB.uuid), for: police).hits.map(\.name) == ["统计十"])
        #expect(try await s.searchStays(StaySearch(building: w.r.buildingA1.uuid), for: police).hits.count == 9)
        // 阳光花园's officer is 孙警官, badge 012345.
        #expect(try await s.searchStays(StaySearch(officer: "孙警官"), for: police).hits.count == 9)
        #expect(try await s.searchStays(StaySearch(officer: "012345"), for: police).hits.count == 9)
        #expect(try await s.searchStays(StaySearch(officer: "李警官"), for: police).hits.isEmpty)
        let active = try await s.searchStays(StaySearch(xiaoqu: w.r.xiaoquA.uuid, activeOnly: true), for: police)
        #expect(Set(names(active)) == ["统计一", "统计二", "统计三", "统计四"])
        // Criteria combine: 小区 A, arrived in May.
        let combined = try await s.searchStays(StaySearch(arrivalFrom: W.from, arrivalTo: W.to, xiaoqu: w.r.xiaoquA.uuid), for: police)
        #expect(names(combined) == ["统计三", "统计八", "统计二"])
    }

    @Test("pages: limit, offset, hasMore; the limit is capped at 500")
    func pagination() async throws {
        let w = try await W.make()
        defer { w.close() }
        let s = w.r.store, police = w.r.policeS1
        let all = try await s.searchStays(StaySearch(), for: police)
        #expect(all.hits.count == 10)
        let first = try await s.searchStays(StaySearch(limit: 4), for: police)
        let second = try await s.searchStays(StaySearch(limit: 4, offset: 4), for: police)
        let third = try await s.searchStays(StaySearch(limit: 4, offset: 8), for: police)
        #expect(first.hasMore && second.hasMore && !third.hasMore)
        #expect((first.hits + second.hits + third.hits).map(\.stayUuid) == all.hits.map(\.stayUuid))
        #expect(try await s.searchStays(StaySearch(limit: 10_000), for: police).limit == 500)
    }

    @Test("ID numbers: full for police, masked for the desk; admin and kiosk cannot search")
    func disclosure() async throws {
        let w = try await W.make()
        defer { w.close() }
        let s = w.r.store
        let p1 = W.person(W.rows[0], index: 0).idNumber
        let police = try #require(try await s.searchStays(StaySearch(idNumber: p1), for: w.r.policeS1).hits.first)
        #expect(police.idNumber == p1 && police.idNumberIsFull)
        let desk = try #require(try await s.searchStays(StaySearch(idNumber: p1), for: w.r.deskA).hits.first)
        #expect(desk.idNumber == IDNumberMaskForTest(p1) && !desk.idNumberIsFull)
        #expect(desk.houseAddress == w.r.houseA1.address && desk.xiaoquName == "阳光花园" && desk.communityName == "安慧里社区")
        #expect(desk.buildingName == "1号楼" && desk.officerName == "孙警官" && desk.relation == "91")
        for actor in [TestRegister.admin, w.r.kioskA, TestRegister.auditor] {
            #expect(await registryError { _ = try await s.searchStays(StaySearch(), for: actor) }?.code == .permissionDenied)
        }
    }

    @Test("a person's history and a house's residents over time are the existing reads")
    func existingReads() async throws {
        let w = try await W.make()
        defer { w.close() }
        let s = w.r.store
        let over = try await s.stays(ofHouse: w.r.houseA1.uuid, for: w.r.deskA)
        #expect(over.map(\.person.name) == ["统计九", "统计五", "统计一", "统计二"])
        let history = try await s.residenceHistory(ofPerson: w["p5"].person.uuid, for: w.r.deskA)
        #expect(history.map(\.stay.uuid) == [w["p5"].stay.uuid])
    }

    @Test("the fast UUID parser of result rows agrees with Foundation's")
    func uuidParser() {
        for _ in 0..<200 {
            let uuid = UUID()
            #expect(UUID.parseStored(uuid.uuidString.lowercased()) == uuid)
            #expect(UUID.parseStored(uuid.uuidString) == uuid)
        }
        for bad in ["", "x", "0123456789abcdef0123456789abcdef0123", "01234567-89ab-cdef-0123-456789abcdeg",
                    "01234567+89ab-cdef-0123-456789abcdef"] {
            #expect(UUID.parseStored(bad) == nil)
        }
    }

    @Test("the fast date parser of result rows agrees with RegisterDate's")
    func dateParser() {
        for text in ["2025-06-15", "2024-02-29", "1900-01-01", "9999-12-31"] {
            #expect(RegisterDate.parseStored(text) == RegisterDate(text))
        }
        for bad in ["2025-02-29", "2025-13-01", "20250615", "2025-6-15", "2025-06-1x", ""] {
            #expect(RegisterDate.parseStored(bad) == nil)
        }
    }
}

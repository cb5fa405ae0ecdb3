import Foundation
import GRDB
import Testing
@testable import Registry

@Suite("Occupancy statistics, counted by hand (StatisticsWorld)")
struct StatisticsTests {
    typealias W = StatisticsWorld

    private func query(_ level: OccupancyLevel = .xiaoqu, community: UUID? = nil, xiaoqu: UUID? = nil, building: UUID? = nil,
                       name: String? = nil, id: String? = nil) -> OccupancyQuery {
        OccupancyQuery(from: W.from, to: W.to, groupBy: level, community: community, xiaoqu: xiaoqu, building: building,
                       namePrefix: name, idNumber: id)
    }

    @Test("arrivals, departures and living at the boundaries of the period (inclusive dates, leaving on the departure day)")
    func boundaries() async throws {
        let w = try await W.make()
        defer { w.close() }
        let report = try await w.r.store.occupancy(query(xiaoqu: w.r.xiaoquA.uuid), for: w.r.deskA)
        #expect(report.rows.map(\.name) == ["阳光花园"])
        #expect(report.total == W.c(3, 3, 4))
        #expect(report.total.livingAtStart == 4)
        // Per house: a1 = p1 (living), p2 (arrival on `from`), p5 (departure on `from`), p9 (left the day before).
        let houses = try await w.r.store.occupancy(query(.house, xiaoqu: w.r.xiaoquA.uuid), for: w.r.deskA)
        let byHouse = Dictionary(uniqueKeysWithValues: houses.rows.map { ($0.uuid, $0.counts) })
        #expect(byHouse[w.r.houseA1.uuid] == W.c(1, 1, 2))
        #expect(byHouse[w.r.houseA2.uuid] == W.c(1, 1, 1))  // p3 arrives on `to`, p6 leaves on `to`, p4 after
        #expect(byHouse[w.r.houseA3.uuid] == W.c(1, 1, 1))  // p7 leaves after `to`, p8 comes and goes
        // JSON carries the derived count too, and reads back.
        let json = try JSONEncoder().encode(report.total)
        #expect(String(decoding: json, as: UTF8.self).contains("\"livingAtStart\":4"))
        #expect(try JSONDecoder().decode(OccupancyCounts.self, from: json) == report.total)
        // One day: 2025-05-31 only.
        let day = try await w.r.store.occupancy(OccupancyQuery(from: W.to, to: W.to, groupBy: .house, xiaoqu: w.r.xiaoquA.uuid),
                                                for: w.r.deskA)
        #expect(day.total == W.c(1, 1, 4))
    }

    @Test("drill-down: 社区 → 小区 → 楼栋 → 户, every place in scope listed, zeros included")
    func drillDown() async throws {
        let w = try await W.make()
        defer { w.close() }
        let s = w.r.store, police = w.r.policeS1
        let communities = try await s.occupancy(query(.community), for: police)
        #expect(communities.rows.map(\.name) == ["安慧里社区"] && communities.rows[0].counts == W.c(4, 3, 5))
        let xiaoqus = try await s.occupancy(query(.xiaoqu, community: w.r.communityC1.uuid), for: police)
        #expect(xiaoqus.rows.map(\.name) == ["翠微小区", "阳光花园"])
        #expect(xiaoqus.rows.map(\.counts) == [W.c(1, 0, 1), W.c(3, 3, 4)])
        let buildings = try await s.occupancy(query(.building, xiaoqu: w.r.xiaoquA.uuid), for: police)
        #expect(buildings.rows.map(\.uuid) == [w.r.buildingA1.uuid] && buildings.total == W.c(3, 3, 4))
        let houses = try await s.occupancy(query(.house, building: w.r.buildingA1.uuid), for: police)
        #expect(houses.rows.count == 3 && houses.total == W.c(3, 3, 4))
        // Houses outside any building form one row.
        let loose = try await s.occupancy(query(.building, xiaoqu: w.r.xiaoquB.uuid), for: police)
        #expect(loose.rows.map(\.uuid) == [nil] && loose.rows[0].counts == W.c(1, 0, 1))
        // A building with nobody: listed with zeros.
        let empty = try await s.createBuilding(BuildingDraft(xiaoqu: w.r.xiaoquA.uuid, name: "2号楼"), by: TestRegister.admin)
        let withEmpty = try await s.occupancy(query(.building, xiaoqu: w.r.xiaoquA.uuid), for: police)
        #expect(withEmpty.rows.first { $0.uuid == empty.uuid }?.counts == OccupancyCounts())
        // Admin: the whole register, counts only.
        let all = try await s.occupancy(query(.community), for: TestRegister.admin)
        #expect(all.rows.count == 2 && all.total == W.c(5, 3, 6))
    }

    @Test("breakdowns by 居住事由, 住所类别, native province and age band at `to`")
    func breakdowns() async throws {
        let w = try await W.make()
        defer { w.close() }
        let b = try #require(try await w.r.store.occupancy(query(xiaoqu: w.r.xiaoquA.uuid), for: w.r.deskA).breakdowns)
        func table(_ buckets: [OccupancyBucket]) -> [String: OccupancyCounts] {
            Dictionary(uniqueKeysWithValues: buckets.map { ($0.label, $0.counts) })
        }
        #expect(table(b.residenceReason) == ["务工": W.c(1, 1, 2), "随迁": W.c(1, 0, 1), "经商": W.c(0, 0, 1),
                                             "学习培训": W.c(1, 1, 0), "未填": W.c(0, 1, 0)])
        #expect(table(b.housingType) == ["租赁房屋": W.c(2, 1, 3), "自购房屋": W.c(0, 0, 1), "单位宿舍": W.c(1, 1, 0),
                                         "未填": W.c(0, 1, 0)])
        #expect(table(b.nativeProvince) == ["北京市": W.c(1, 0, 2), "广东省": W.c(2, 2, 1), "上海市": W.c(0, 0, 1),
                                            "四川省": W.c(0, 1, 0)])
        // p1 turns 18 on `to` (18–34); p2 is 17; p7 turns 60 on `to`; p5 is 59.
        #expect(b.ageBand.map(\.key) == ["0-17", "18-34", "35-59", "60+"])
        #expect(b.ageBand.map(\.counts) == [W.c(1, 0, 1), W.c(2, 1, 2), W.c(0, 2, 0), W.c(0, 0, 1)])
        for buckets in [b.residenceReason, b.housingType, b.nativeProvince, b.ageBand] {
            #expect(buckets.reduce(OccupancyCounts()) { $0 + $1.counts } == W.c(3, 3, 4))
        }
    }

    @Test("filters: name prefix, ID number, 社区, 楼栋")
    func filters() async throws {
        let w = try await W.make()
        defer { w.close() }
        let s = w.r.store, police = w.r.policeS1
        #expect(try await s.occupancy(query(name: "统计三"), for: police).total == W.c(1, 0, 1))
        #expect(try await s.occupancy(query(name: "统计"), for: police).total == W.c(4, 3, 5))
        let p5 = W.person(W.rows[4], index: 4).idNumber
        #expect(try await s.occupancy(query(id: p5), for: police).total == W.c(0, 1, 0))
        #expect(try await s.occupancy(query(community: w.r.communityC1.uuid), for: police).total == W.c(4, 3, 5))
        #expect(try await s.occupancy(query(building: w.r.buildingA1.uuid), for: police).total == W.c(3, 3, 4))
        // The report never echoes a full ID number.
        #expect(try await s.occupancy(query(id: p5), for: police).query.idNumber == IDNumberMaskForTest(p5))
    }

    @Test("who may see statistics: admin counts but no person filters; kiosk, auditor, security officer refused")
    func permissions() async throws {
        let w = try await W.make()
        defer { w.close() }
        let s = w.r.store
        #expect(await registryError { _ = try await s.occupancy(query(name: "统计"), for: TestRegister.admin) }?.code == .permissionDenied)
        for actor in [w.r.kioskA, TestRegister.auditor, TestRegister.security] {
            #expect(await registryError { _ = try await s.occupancy(query(), for: actor) }?.code == .permissionDenied)
        }
        let backwards = OccupancyQuery(from: W.to, to: W.from)
        #expect(await registryError { _ = try await s.occupancy(backwards, for: w.r.policeS1) }?.code == .validationFailed)
    }

    @Test("the statements use indexes: from houses through stay_house_period, or from people; no full scans")
    func queryPlans() async throws {
        let w = try await W.make()
        defer { w.close() }
        let s = w.r.store
        try await s.database.write { db in try db.execute(sql: "ANALYZE") }
        func plans(_ query: OccupancyQuery, _ actor: Actor) async throws -> [[String]] {
            var result: [[String]] = []
            for statement in try await s.occupancyStatements(query, for: actor) {
                result.append(try await s.database.read { db in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + statement.text).map { $0["detail"] as String }
                })
            }
            return result
        }
        let byPlace = try await plans(query(.building, xiaoqu: w.r.xiaoquA.uuid), w.r.deskA)
            + (try await plans(query(.xiaoqu), w.r.policeS1))
        #expect(byPlace.count == 4)
        for plan in byPlace {
            #expect(plan.contains { $0.hasPrefix("SEARCH h USING") && $0.contains("house_room") }, "\(plan)")
            #expect(plan.contains { $0.hasPrefix("SEARCH s USING COVERING INDEX stay_house_period") || $0.contains("stay_house_period") }, "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
        }
        let byPerson = try await plans(query(name: "统计"), w.r.policeS1) + (try await plans(query(id: "110105200705310001"), w.r.policeS1))
        for plan in byPerson {
            #expect(plan.first?.hasPrefix("SEARCH p USING") == true, "\(plan)")
            #expect(plan.contains { $0.contains("stay_person") }, "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
        }
    }

    @Test("the SQL month arithmetic equals RegisterDate.adding(months:) (civil law: 01-31 + 1 month = 02-28)")
    func monthArithmetic() async throws {
        let w = try await W.make()
        defer { w.close() }
        let starts = ["2024-01-31", "2024-02-29", "2025-01-31", "2025-03-31", "2024-08-31", "2025-12-31", "2025-06-15", "2023-11-30"]
        for start in starts {
            for months in [-216, -6, 1, 3, 4, 6, 12, 24, 36] {
                let sql = RegisterDate.sqlAddingMonths("?", "\(months)")
                let fromSQL = try await w.r.store.database.read { db in
                    try String.fetchOne(db, sql: "SELECT \(sql.replacingOccurrences(of: "?", with: "'\(start)'"))")
                }
                #expect(fromSQL == RegisterDate(start)!.adding(months: months).description, "\(start) + \(months)")
            }
        }
        #expect(RegisterDate("2025-01-31")!.adding(months: 1).description == "2025-02-28")
        #expect(RegisterDate("2024-02-29")!.adding(years: 1).description == "2025-02-28")
        #expect(RegisterDate("2025-03-01")!.adding(days: -1).description == "2025-02-28")
        #expect(RegisterDate("2024-12-31")!.days(until: RegisterDate("2025-03-01")!) == 60)
    }
}

/// `IDNumber.mask` without importing IDCard into every test file.
func IDNumberMaskForTest(_ number: String) -> String {
    String(number.prefix(4)) + String(repeating: "*", count: number.count - 8) + String(number.suffix(4))
}

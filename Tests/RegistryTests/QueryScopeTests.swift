import Foundation
import GRDB
import Testing
@testable import Registry

/// The scope rule over the queries, statistics, reminders and data-quality report: a caller never sees
/// a person, stay, house or count of a 小区 outside their scope, whatever they ask for.
@Suite("Scope of queries, statistics, reminders and data quality")
struct QueryScopeTests {
    typealias W = StatisticsWorld

    /// What a caller may see: their 小区 (keys "A", "B", "C").
    struct Caller: Sendable, CustomStringConvertible {
        var name: String
        var xiaoqus: Set<String>
        var description: String { name }
    }

    static let callers = [
        Caller(name: "deskA", xiaoqus: ["A"]), Caller(name: "deskB", xiaoqus: ["B"]),
        Caller(name: "policeS1", xiaoqus: ["A", "B"]), Caller(name: "policeS2", xiaoqus: ["C"]),
    ]

    /// The world plus a defect in each 小区 (民族 "77" for p1, p10, p11), so every report has rows everywhere.
    static func world() async throws -> W {
        let w = try await W.make()
        let ids = ["p1", "p10", "p11"].map { w[$0].person.uuid.dbText }
        try await w.r.store.database.write { db in
            try db.execute(sql: "UPDATE person SET nation = '77' WHERE uuid IN (?, ?, ?)", arguments: StatementArguments(ids))
        }
        return w
    }

    @Test("every API returns only the caller's 小区", arguments: callers)
    func onlyOwn(_ caller: Caller) async throws {
        let w = try await Self.world()
        defer { w.close() }
        let r = w.r, s = r.store
        let actor = [r.deskA, r.deskB, r.policeS1, r.policeS2][Self.callers.firstIndex { $0.name == caller.name }!]
        let xiaoqu = ["A": r.xiaoquA, "B": r.xiaoquB, "C": r.xiaoquC]
        let allowed = Set(caller.xiaoqus.map { xiaoqu[$0]!.uuid })
        let houseXiaoqu = Dictionary(uniqueKeysWithValues: ["a1", "a2", "a3", "b1", "c1"].map { (r.house($0).uuid, r.house($0).xiaoquUuid) })
        var personXiaoqu: [UUID: UUID] = [:]
        var stayXiaoqu: [UUID: UUID] = [:]
        for row in W.rows {
            personXiaoqu[w[row.key].person.uuid] = r.house(row.house).xiaoquUuid
            stayXiaoqu[w[row.key].stay.uuid] = r.house(row.house).xiaoquUuid
        }
        let foreign = Set(xiaoqu.values.map(\.uuid)).subtracting(allowed)

        // Searches, with every criterion aimed everywhere.
        var searches: [StaySearch] = [StaySearch(), StaySearch(namePrefix: "统计"), StaySearch(arrivalFrom: W.from, arrivalTo: W.to),
                                      StaySearch(officer: "孙警官"), StaySearch(building: r.buildingA1.uuid)]
        searches += xiaoqu.values.map { StaySearch(xiaoqu: $0.uuid) }
        searches += [r.communityC1, r.communityC2].map { StaySearch(community: $0.uuid) }
        searches += W.rows.enumerated().map { StaySearch(idNumber: W.person($1, index: $0).idNumber) }
        for search in searches {
            for hit in try await s.searchStays(search, for: actor).hits {
                #expect(allowed.contains(hit.xiaoquUuid) && allowed.contains(houseXiaoqu[hit.houseUuid]!), "\(caller) \(search)")
            }
        }
        for other in foreign {
            #expect(try await s.searchStatement(StaySearch(xiaoqu: other), for: actor) == nil)
            #expect(try await s.occupancyStatements(OccupancyQuery(from: W.from, to: W.to, xiaoqu: other), for: actor).isEmpty)
        }

        // Statistics: every level, every filter; a foreign filter counts nothing.
        let expected: [String: OccupancyCounts] = ["A": W.c(3, 3, 4), "B": W.c(1, 0, 1), "C": W.c(1, 0, 1)]
        let own = caller.xiaoqus.reduce(OccupancyCounts()) { $0 + expected[$1]! }
        let placeUuids = Set(try await s.xiaoqus(for: actor).map(\.uuid) + s.communities(for: actor).map(\.uuid))
        for level in OccupancyLevel.allCases {
            let report = try await s.occupancy(OccupancyQuery(from: W.from, to: W.to, groupBy: level), for: actor)
            #expect(report.total == own, "\(caller) \(level)")
            for row in report.rows {
                switch level {
                case .community, .xiaoqu: #expect(placeUuids.contains(row.uuid!), "\(caller) \(level) \(row.name)")
                case .house: #expect(allowed.contains(houseXiaoqu[row.uuid!] ?? UUID()) || row.counts.isZero, "\(caller) \(row.name)")
                case .building: break
                }
            }
            for other in foreign {
                let aimed = try await s.occupancy(OccupancyQuery(from: W.from, to: W.to, groupBy: level, xiaoqu: other), for: actor)
                #expect(aimed.total.isZero && aimed.rows.isEmpty, "\(caller) \(level) aimed")
            }
        }
        for (index, row) in W.rows.enumerated() where !allowed.contains(personXiaoqu[w[row.key].person.uuid]!) {
            let byId = try await s.occupancy(OccupancyQuery(from: W.from, to: W.to, idNumber: W.person(row, index: index).idNumber), for: actor)
            #expect(byId.total.isZero, "\(caller) by ID of \(row.key)")
        }
        if !allowed.contains(r.xiaoquA.uuid) {
            let building = try await s.occupancy(OccupancyQuery(from: W.from, to: W.to, groupBy: .house, building: r.buildingA1.uuid), for: actor)
            #expect(building.rows.isEmpty && building.total.isZero)
        }

        // Reminders on days where every 小区 has some (planned stays of 12 months; people from other provinces).
        for day in ["2026-04-28", "2026-01-01", "2026-12-31"] {
            let list = try await s.reminders(for: actor, options: ReminderOptions(today: RegisterDate(day)))
            #expect(!list.items.isEmpty)
            for item in list.items {
                #expect(allowed.contains(item.xiaoquUuid) && allowed.contains(houseXiaoqu[item.houseUuid] ?? item.xiaoquUuid), "\(caller) \(item)")
                if let person = item.personUuid { #expect(allowed.contains(personXiaoqu[person]!)) }
            }
        }

        // Data quality: people, stays and 小区 of the scope only.
        let quality = try await s.dataQuality(for: actor)
        #expect(quality.findings.contains { $0.kind == .invalidCode })
        for finding in quality.findings {
            switch finding.record {
            case .person: #expect(allowed.contains(personXiaoqu[finding.recordUuid]!), "\(caller) \(finding)")
            case .stay: #expect(allowed.contains(stayXiaoqu[finding.recordUuid]!), "\(caller) \(finding)")
            case .xiaoqu: #expect(allowed.contains(finding.recordUuid), "\(caller) \(finding)")
            case .house: #expect(allowed.contains(houseXiaoqu[finding.recordUuid]!), "\(caller) \(finding)")
            default: Issue.record("unexpected record \(finding)")
            }
        }

        // Writes: extending or auto-cancelling never reaches another 小区's stays.
        for row in W.rows where row.departure == nil && !allowed.contains(stayXiaoqu[w[row.key].stay.uuid]!) {
            #expect(await registryError { _ = try await s.extendPlannedStay(stay: w[row.key].stay.uuid, to: "6", by: actor) }?.code == .notFound)
        }
        let cancelled = try await s.runAutoCancellation(now: shanghaiNoon("2027-12-31"), by: actor).cancelled
        #expect(!cancelled.isEmpty && cancelled.allSatisfy { allowed.contains(stayXiaoqu[$0]!) })
        let foreignActive = try await s.database.read { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM stay s JOIN house h ON h.id = s.house_id JOIN xiaoqu x ON x.id = h.xiaoqu_id
                WHERE s.departure_date IS NULL AND x.uuid IN (\(foreign.map { "'\($0.dbText)'" }.joined(separator: ",")))
                """)
        }
        let foreignStays = W.rows.filter { $0.departure == nil && !allowed.contains(stayXiaoqu[w[$0.key].stay.uuid]!) }.count
        #expect(foreignActive == foreignStays)
    }

    @Test("kiosks, auditors and security officers get nothing from any of them")
    func nobodies() async throws {
        let w = try await Self.world()
        defer { w.close() }
        let s = w.r.store
        for actor in [w.r.kioskA, TestRegister.auditor, TestRegister.security] {
            #expect(await registryError { _ = try await s.searchStays(StaySearch(), for: actor) }?.code == .permissionDenied)
            #expect(await registryError { _ = try await s.occupancy(OccupancyQuery(from: W.from, to: W.to), for: actor) }?.code == .permissionDenied)
            #expect(await registryError { _ = try await s.reminders(for: actor) }?.code == .permissionDenied)
            #expect(await registryError { _ = try await s.dataQuality(for: actor) }?.code == .permissionDenied)
            #expect(await registryError { _ = try await s.runAutoCancellation(now: Date(), by: actor) }?.code == .permissionDenied)
        }
    }

    @Test("personLinkFilter selects exactly the people personFilter does, for every role")
    func personLinkFilterEqualsPersonFilter() async throws {
        let w = try await ScopeWorld.make()
        defer { w.r.close() }
        let r = w.r
        // Li Na also becomes 治安责任人 of a house in C, and Wang Fang applies for a matter in A.
        _ = try await r.store.createHouse(HouseDraft(xiaoqu: r.xiaoquC.uuid, roomNumber: "治安", usage: "01",
                                                     securityPerson: .identified(Fixtures.draft(Fixtures.liNa))), by: r.policeS2)
        // (Nobody has both scopes: written directly.)
        try await r.store.database.write { db in
            try db.execute(sql: """
                INSERT INTO service_matter (uuid, created_at, updated_at, xiaoqu_id, applicant_person_id, applicant_name,
                                            matter_type, summary, channel, state, opened_on)
                SELECT ?, '2025-06-15T02:00:00.000Z', '2025-06-15T02:00:00.000Z', x.id, p.id, p.name, '08', '咨询', 1, 1, '2025-06-15'
                FROM xiaoqu x, person p WHERE x.uuid = ? AND p.uuid = ?
                """, arguments: [UUID().dbText, r.xiaoquA.uuid.dbText, w.c.registration.person.uuid.dbText])
        }
        for actor in [r.deskA, r.deskB, r.policeS1, r.policeS2, r.kioskA, TestRegister.admin, TestRegister.auditor] {
            let (viaView, viaLinks) = try await r.store.database.read { db -> (Set<Int64>, Set<Int64>) in
                let scope = try Scope.resolve(actor, in: db)
                func ids(_ filter: SQL) throws -> Set<Int64> {
                    try Int64.fetchSet(db, SQLRequest<Int64>(literal: SQL(sql: "SELECT p.id FROM person p WHERE ") + filter))
                }
                return (try ids(scope.personFilter("p.id")), try ids(scope.personLinkFilter("p.id")))
            }
            #expect(viaView == viaLinks, "\(actor)")
        }
    }
}

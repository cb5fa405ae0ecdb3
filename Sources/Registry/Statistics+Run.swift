import Foundation
import GRDB
import IDCard

extension RegisterStore {
    /// Occupancy statistics (人口居住统计) of a period: arrivals, departures and people living, per place of
    /// `query.groupBy` under the parent named in the query, with breakdowns of the total by 居住事由,
    /// 住所类别, native province and age band. ``OccupancyQuery`` defines the counts.
    ///
    /// Who: police (level 1: every 小区 of their station), desk (level 2: their 小区) and admin (the
    /// whole register: counts are not personal data, 三员分立 still holds since no person is shown);
    /// filtering by name or ID number needs the right to read people. A 社区/小区/楼栋 outside the
    /// scope counts nothing, as if it did not exist.
    ///
    /// A report is computed once per role and query and reused until a place, house, person or stay
    /// changes (``StatisticsCache``).
    public func occupancy(_ query: OccupancyQuery, for actor: Actor) async throws -> OccupancyReport {
        try Self.requireStatistics(actor, query)
        let key = StatisticsCache.Key(role: actor.role, query: query)
        let cache = statisticsCache
        return try await read(actor) { db, scope in
            let generation = StatisticsCache.generation(db)
            if let generation, let report = cache.report(key, generation: generation) { return report }
            let report = try self.computeOccupancy(db, query, scope: scope)
            if let generation { cache.store(report, for: key, generation: generation) }
            return report
        }
    }

    /// Occupancy statistics computed from the stays, in the read's snapshot.
    func computeOccupancy(_ db: Database, _ query: OccupancyQuery, scope: Scope) throws -> OccupancyReport {
        guard let plan = try self.occupancyPlan(db, query, scope: scope) else {
            return OccupancyReport(query: query.redacted, rows: [], total: OccupancyCounts(),
                                   breakdowns: query.breakdowns ? OccupancyBreakdowns.empty : nil)
        }
        let counts = try Dictionary(
            QueryRows.map(db, plan.nodeCounts) { row in (row["node"] as Int64?, OccupancyCounts(row: row)) },
            uniquingKeysWith: +)
        let rows = try OccupancyNodes.rows(db, plan: plan, counts: counts)
        let total = rows.reduce(OccupancyCounts()) { $0 + $1.counts }
        let breakdowns = query.breakdowns
            ? try OccupancyBreakdowns(db, plan.breakdownCounts, codes: self.options.codes)
            : nil
        return OccupancyReport(query: query.redacted, rows: rows, total: total, breakdowns: breakdowns)
    }

    /// The SQL statements ``occupancy(_:for:)`` runs for this query and actor, with their arguments
    /// written in as literals: for running the same statements with the `sqlite3` tool (benchmarks) or
    /// `EXPLAIN QUERY PLAN`. Empty when a place of the query is outside the scope.
    public func occupancyStatements(_ query: OccupancyQuery, for actor: Actor) async throws -> [LiteralSQL] {
        try Self.requireStatistics(actor, query)
        return try await read(actor) { db, scope in
            guard let plan = try self.occupancyPlan(db, query, scope: scope) else { return [] }
            return try plan.statements.map { try LiteralSQL.make($0, db) }
        }
    }

    /// The SQL statement ``searchStays(_:for:)`` runs, with its arguments as literals (see
    /// ``occupancyStatements(_:for:)``); `nil` when a place of the search is outside the scope.
    public func searchStatement(_ search: StaySearch, for actor: Actor) async throws -> LiteralSQL? {
        try actor.require(.readPeople)
        let disclosure = IDNumberDisclosure.of(actor.role)
        let limit = min(max(search.limit, 1), StaySearch.maximumLimit)
        return try await read(actor) { db, scope in
            try self.staySearchSQL(db, search, scope: scope, disclosure: disclosure, limit: limit + 1,
                                   offset: max(search.offset, 0)).map { try LiteralSQL.make($0, db) }
        }
    }

    /// Police, desk and admin may see statistics; name or ID-number filters need ``Capability/readPeople``.
    static func requireStatistics(_ actor: Actor, _ query: OccupancyQuery) throws {
        switch actor.role {
        case .admin, .police, .desk: break
        default: throw RegistryError.denied("查看人口居住统计")
        }
        if QueryText.clean(query.namePrefix) != nil || QueryText.clean(query.idNumber) != nil {
            try actor.require(.readPeople)
        }
        guard query.from <= query.to else {
            throw RegistryError(.validationFailed, "统计期间不正确：开始日期 \(query.from) 晚于结束日期 \(query.to)")
        }
    }

    func occupancyPlan(_ db: Database, _ query: OccupancyQuery, scope: Scope) throws -> OccupancyPlan? {
        guard let places = try PlaceFilter.resolve(db, community: query.community, xiaoqu: query.xiaoqu,
                                                   building: query.building, scope: scope)
        else { return nil }
        var person: [SQL] = []
        if let name = QueryText.clean(query.namePrefix) { person.append(QueryText.prefix("p.name", name)) }
        if let id = QueryText.clean(query.idNumber) {
            person.append(SQL(sql: "p.id_number_hash = ?", arguments: [cipher.hash(idNumber: id)]))
        }
        return OccupancyPlan(query: query, places: places, scope: scope, personConditions: person)
    }
}

extension OccupancyQuery {
    /// The query as echoed in a report: the ID number masked.
    var redacted: OccupancyQuery {
        var copy = self
        copy.idNumber = copy.idNumber.map(IDNumber.mask)
        return copy
    }
}

extension OccupancyCounts {
    init(row: Row) {
        self.init(arrivals: row["arrivals"] ?? 0, departures: row["departures"] ?? 0, living: row["living"] ?? 0)
    }
}

extension OccupancyBreakdowns {
    static let empty = OccupancyBreakdowns(
        residenceReason: [], housingType: [], nativeProvince: [],
        ageBand: AgeBand.allCases.map { OccupancyBucket(key: $0.rawValue, label: $0.label, counts: OccupancyCounts()) })

    /// Runs ``OccupancyPlan/breakdownCounts`` and folds its rows into the four breakdowns.
    init(_ db: Database, _ sql: SQL, codes: any CodeValidator) throws {
        var reason: [String?: OccupancyCounts] = [:], housing: [String?: OccupancyCounts] = [:]
        var province: [String?: OccupancyCounts] = [:], band: [Int: OccupancyCounts] = [:]
        let cursor = try Row.fetchCursor(db, SQLRequest<Row>(literal: sql, cached: true))
        while let row = try cursor.next() {
            let counts = OccupancyCounts(row: row)
            reason[row["reason"] as String?, default: OccupancyCounts()] += counts
            housing[row["housing"] as String?, default: OccupancyCounts()] += counts
            province[row["province"] as String?, default: OccupancyCounts()] += counts
            band[row["band"] as Int? ?? 3, default: OccupancyCounts()] += counts
        }
        func buckets(_ map: [String?: OccupancyCounts], _ label: (String) -> String) -> [OccupancyBucket] {
            map.sorted { ($0.key ?? "~") < ($1.key ?? "~") }
                .map { OccupancyBucket(key: $0.key, label: $0.key.map(label) ?? "未填", counts: $0.value) }
        }
        residenceReason = buckets(reason) { codes.name(of: $0, in: .residenceReason) ?? "代码\($0)" }
        housingType = buckets(housing) { codes.name(of: $0, in: .housingType) ?? "代码\($0)" }
        nativeProvince = buckets(province) { Regions.name(forCode: $0 + "0000") ?? "代码\($0)" }
        ageBand = AgeBand.allCases.enumerated().map { index, ageBand in
            OccupancyBucket(key: ageBand.rawValue, label: ageBand.label, counts: band[index] ?? OccupancyCounts())
        }
    }
}

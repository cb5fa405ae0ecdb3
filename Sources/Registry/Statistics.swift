import Foundation

/// The levels of the place hierarchy the occupancy statistics are grouped by (drill-down: 社区 → 小区 →
/// 楼栋 → 户).
public enum OccupancyLevel: String, Sendable, Hashable, Codable, CaseIterable {
    /// 社区.
    case community
    /// 小区.
    case xiaoqu
    /// 楼栋 (houses outside any building form one row without a UUID).
    case building
    /// 房屋/户.
    case house
}

/// What to count (人口居住统计, seed 003 §3.10): a period and a selection.
///
/// Period semantics (dates inclusive, days in Asia/Shanghai as stored):
/// - **arrivals**: stays with `from ≤ arrival_date ≤ to`;
/// - **departures**: stays with `from ≤ departure_date ≤ to` (人走注销 and 自动注销 alike);
/// - **living**: stays active at the end of `to`: `arrival_date ≤ to` and no departure or
///   `departure_date > to` (a person leaves on their departure day).
///
/// Hence `living = livingAtStart + arrivals − departures`, where `livingAtStart` counts the stays
/// active at the end of the day before `from`. Counts are of stays (居住登记), which for people with one
/// active stay (the norm) is the number of people.
public struct OccupancyQuery: Sendable, Hashable, Codable {
    /// The period, inclusive (`from ≤ to`).
    public var from: RegisterDate, to: RegisterDate
    /// The level of the rows.
    public var groupBy: OccupancyLevel
    /// Restrict to a 社区, 小区, 楼栋 (in scope; the parent of a drill-down).
    public var community: UUID?, xiaoqu: UUID?, building: UUID?
    /// Restrict to people whose 姓名 starts with this (needs the right to read people).
    public var namePrefix: String?
    /// Restrict to the person with this 身份号码 (keyed hash; needs the right to read people).
    public var idNumber: String?
    /// Compute the breakdowns (by 居住事由, 住所类别, native province, age band).
    public var breakdowns: Bool

    /// A query.
    public init(from: RegisterDate, to: RegisterDate, groupBy: OccupancyLevel = .xiaoqu, community: UUID? = nil,
                xiaoqu: UUID? = nil, building: UUID? = nil, namePrefix: String? = nil, idNumber: String? = nil,
                breakdowns: Bool = true) {
        self.from = from
        self.to = to
        self.groupBy = groupBy
        self.community = community
        self.xiaoqu = xiaoqu
        self.building = building
        self.namePrefix = namePrefix
        self.idNumber = idNumber
        self.breakdowns = breakdowns
    }
}

/// Arrivals, departures and people living, for one row or bucket.
public struct OccupancyCounts: Sendable, Hashable, Codable {
    /// Stays arriving in the period.
    public var arrivals: Int
    /// Stays departing in the period.
    public var departures: Int
    /// Stays active at the end of the period.
    public var living: Int

    /// Counts.
    public init(arrivals: Int = 0, departures: Int = 0, living: Int = 0) {
        self.arrivals = arrivals
        self.departures = departures
        self.living = living
    }

    /// Stays active at the end of the day before the period (`living − arrivals + departures`).
    public var livingAtStart: Int { living - arrivals + departures }

    /// Whether every count is zero.
    public var isZero: Bool { arrivals == 0 && departures == 0 && living == 0 }

    /// The sum.
    public static func + (a: OccupancyCounts, b: OccupancyCounts) -> OccupancyCounts {
        OccupancyCounts(arrivals: a.arrivals + b.arrivals, departures: a.departures + b.departures, living: a.living + b.living)
    }

    /// Adds `other`.
    public static func += (a: inout OccupancyCounts, b: OccupancyCounts) { a = a + b }

    private enum CodingKeys: String, CodingKey {
        case arrivals, departures, living, livingAtStart
    }

    /// Decodes the three counts (`livingAtStart` is derived).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(arrivals: try c.decode(Int.self, forKey: .arrivals), departures: try c.decode(Int.self, forKey: .departures),
                  living: try c.decode(Int.self, forKey: .living))
    }

    /// Encodes the three counts and `livingAtStart`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(arrivals, forKey: .arrivals)
        try c.encode(departures, forKey: .departures)
        try c.encode(living, forKey: .living)
        try c.encode(livingAtStart, forKey: .livingAtStart)
    }
}

/// One row of the statistics: a place of the requested level.
public struct OccupancyRow: Sendable, Hashable, Codable {
    /// The level.
    public var level: OccupancyLevel
    /// The place (`nil` for the row of houses outside any building).
    public var uuid: UUID?
    /// Its name (社区 / 小区 / 楼栋 name; a house's address).
    public var name: String
    /// The counts.
    public var counts: OccupancyCounts
}

/// One bucket of a breakdown.
public struct OccupancyBucket: Sendable, Hashable, Codable {
    /// The code (居住事由 / 住所类别 code, two-digit province code, age band key); `nil` when not recorded.
    public var key: String?
    /// What staff read (务工, 租赁房屋, 河南省, 18–34岁, 未填).
    public var label: String
    /// The counts.
    public var counts: OccupancyCounts
}

/// The age bands of the statistics, by age in full years at the end of the period.
public enum AgeBand: String, Sendable, Hashable, Codable, CaseIterable {
    /// 0–17.
    case minor = "0-17"
    /// 18–34.
    case young = "18-34"
    /// 35–59.
    case middle = "35-59"
    /// 60 and over.
    case senior = "60+"

    /// 0–17岁, 18–34岁, 35–59岁, 60岁及以上.
    public var label: String {
        switch self {
        case .minor: "0–17岁"
        case .young: "18–34岁"
        case .middle: "35–59岁"
        case .senior: "60岁及以上"
        }
    }

    /// The lowest age of the band.
    var lowestAge: Int {
        switch self {
        case .minor: 0
        case .young: 18
        case .middle: 35
        case .senior: 60
        }
    }

    /// The band of someone born on `birth`, on `date`.
    public static func of(birth: RegisterDate, on date: RegisterDate) -> AgeBand {
        let age = birth.years(until: date)
        return age < 18 ? .minor : age < 35 ? .young : age < 60 ? .middle : .senior
    }
}

/// The breakdowns of the whole selection.
public struct OccupancyBreakdowns: Sendable, Hashable, Codable {
    /// By 居住事由 (GB/T 31000), 住所类别 (GB/T 31000), native province (GB/T 2260 first two digits of
    /// `person.native_region`, which defaults to the ID number's region) and age band.
    public var residenceReason: [OccupancyBucket], housingType: [OccupancyBucket],
               nativeProvince: [OccupancyBucket], ageBand: [OccupancyBucket]
}

/// The statistics of a period: a row per place of the requested level (every place in scope under the
/// parent, including those with nothing to count), their total, and the breakdowns of the total.
public struct OccupancyReport: Sendable, Hashable, Codable {
    /// The query answered.
    public var query: OccupancyQuery
    /// The rows, by name.
    public var rows: [OccupancyRow]
    /// The sum of the rows.
    public var total: OccupancyCounts
    /// Breakdowns of ``total`` (`nil` when not asked for).
    public var breakdowns: OccupancyBreakdowns?
}

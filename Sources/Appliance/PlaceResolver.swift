import Feed
import Foundation
import Registry
import WebAPI

/// Where each reader is: kiosks from their bindings; other readers are desk readers of the box, recorded
/// as `reader:DEVICE` with the box's 小区, and raise alerts in `readers.default_xiaoqu` (or in the only
/// 小区 of the register when there is one).
actor PlaceResolver {
    let register: RegisterStore
    let kiosks: [KioskBinding]
    let defaultXiaoqu: UUID?
    /// The register's 小区, re-read at most once a minute.
    private var xiaoqus: (ids: Set<UUID>, names: [UUID: String], at: Date)?

    /// The system actor that reads places and counts (no personal data).
    static let system = Actor(userId: "renfangd", role: .admin)

    init(register: RegisterStore, kiosks: [KioskBinding], defaultXiaoqu: UUID?) {
        self.register = register
        self.kiosks = kiosks
        self.defaultXiaoqu = defaultXiaoqu
    }

    func placement(of device: String) async -> ReaderPlacement {
        if let kiosk = kiosks.first(where: { $0.reader == device }) {
            let xiaoqu = kiosk.xiaoqus.count == 1 ? kiosk.xiaoqus.first : kiosk.xiaoqus.sorted { $0.uuidString < $1.uuidString }.first
            return ReaderPlacement(actor: Actor(userId: "kiosk:" + kiosk.device, role: .kiosk(device: kiosk.device, xiaoqus: kiosk.xiaoqus)),
                                   xiaoqu: xiaoqu)
        }
        let all = (try? await allXiaoqus().ids) ?? []
        let xiaoqu = defaultXiaoqu ?? (all.count == 1 ? all.first : nil)
        return ReaderPlacement(actor: Actor(userId: "reader:" + device, role: .desk(xiaoqus: all)), xiaoqu: xiaoqu)
    }

    func allXiaoqus() async throws -> (ids: Set<UUID>, names: [UUID: String]) {
        if let cached = xiaoqus, Date().timeIntervalSince(cached.at) < 60 { return (cached.ids, cached.names) }
        let list = try await register.xiaoqus(for: Self.system)
        let ids = Set(list.map(\.uuid))
        let names = Dictionary(list.map { ($0.uuid, $0.name) }, uniquingKeysWith: { a, _ in a })
        xiaoqus = (ids, names, Date())
        return (ids, names)
    }

    /// The calendar day of `date` in Asia/Shanghai, the register's time zone.
    static func day(of date: Date) -> RegisterDate? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return parts.year.flatMap { y in parts.month.flatMap { m in parts.day.flatMap { RegisterDate(year: y, month: m, day: $0) } } }
    }

    /// How many days of arrivals and departures the occupancy carries (today included).
    static let occupancyDays = 7

    /// Living, arrivals and departures today per 小区 and per 楼栋, arrivals and departures of each of the
    /// last ``occupancyDays`` days, and the cards read today (counts only: the public screen shows them).
    func occupancy(now: Date = Date()) async throws -> OccupancyData {
        guard let today = Self.day(of: now) else { return OccupancyData(places: []) }
        let report = try await register.occupancy(OccupancyQuery(from: today, to: today, groupBy: .xiaoqu, breakdowns: false),
                                                  for: Self.system)
        var places: [OccupancyData.Place] = []
        for row in report.rows {
            var buildings: [OccupancyData.Place]?
            if let xiaoqu = row.uuid {
                let inside = try await register.occupancy(
                    OccupancyQuery(from: today, to: today, groupBy: .building, xiaoqu: xiaoqu, breakdowns: false), for: Self.system)
                buildings = inside.rows.map { Self.place($0) }
            }
            places.append(Self.place(row, buildings: buildings))
        }
        var days: [OccupancyData.Day] = []
        for back in stride(from: Self.occupancyDays - 1, through: 0, by: -1) {
            guard let day = Self.day(of: now.addingTimeInterval(-Double(back) * 86_400)) else { continue }
            let total = try await register.occupancy(OccupancyQuery(from: day, to: day, groupBy: .community, breakdowns: false),
                                                     for: Self.system).total
            days.append(OccupancyData.Day(date: day.description, arrivals: total.arrivals, departures: total.departures))
        }
        let reads = try await register.cardReadCount(since: Self.startOfDay(now))
        return OccupancyData(places: places, days: days, cardReadsToday: reads)
    }

    static func place(_ row: OccupancyRow, buildings: [OccupancyData.Place]? = nil) -> OccupancyData.Place {
        OccupancyData.Place(name: row.name, living: row.counts.living, arrivalsToday: row.counts.arrivals,
                            departuresToday: row.counts.departures, buildings: buildings)
    }

    /// Midnight of `date`'s day in Asia/Shanghai.
    static func startOfDay(_ date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? .current
        return calendar.startOfDay(for: date)
    }
}

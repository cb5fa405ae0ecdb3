import Foundation
import Testing
@testable import Registry

/// A hand-built register for counting by hand, on top of ``TestRegister`` (today 2025-06-15). The
/// period is May 2025; each person has one stay:
///
/// | who | house | arrival | departure | born | region | 事由 | 住所 | in May |
/// |---|---|---|---|---|---|---|---|---|
/// | p1 | a1 | 04-30 | — | 2007-05-31 (18 on 05-31) | 110105 北京 | 01 | 02 | living |
/// | p2 | a1 | 05-01 | — | 2007-06-01 (17) | 110105 北京 | 06 | 02 | arrival, living |
/// | p3 | a2 | 05-31 | — | 1991-01-01 (34) | 440305 广东 | 01 | 02 | arrival, living |
/// | p4 | a2 | 06-01 | — | 1985-01-01 | 440305 | 01 | 02 | — |
/// | p5 | a1 | 03-01 | 05-01 | 1965-06-01 (59) | 440305 广东 | 01 | 02 | departure |
/// | p6 | a2 | 03-01 | 05-31 | 1980-01-01 (45) | 510104 四川 | — | — | departure |
/// | p7 | a3 | 03-01 | 06-01 | 1965-05-31 (60) | 310104 上海 | 03 | 01 | living |
/// | p8 | a3 | 05-10 | 05-20 | 2000-01-01 (25) | 440305 广东 | 04 | 05 | arrival, departure |
/// | p9 | a1 | 01-01 | 04-30 | 1970-01-01 | 110105 | 01 | 02 | — |
/// | p10 | b1 | 05-05 | — | 1990-01-01 | 320102 江苏 | 01 | 02 | arrival, living |
/// | p11 | c1 | 05-05 | — | 1990-01-01 | 320102 江苏 | 01 | 02 | arrival, living |
///
/// 小区 A: arrivals 3, departures 3, living 4 (living at start 4). B: 1, 0, 1. C: 1, 0, 1.
struct StatisticsWorld: Sendable {
    let r: TestRegister
    let people: [String: Registration]

    static let from = RegisterDate("2025-05-01")!
    static let to = RegisterDate("2025-05-31")!

    struct Row: Sendable {
        var key: String, house: String, arrival: String, departure: String?
        var birth: String, region: String, reason: String?, housing: String?
    }

    static let rows: [Row] = [
        Row(key: "p1", house: "a1", arrival: "2025-04-30", departure: nil, birth: "2007-05-31", region: "110105", reason: "01", housing: "02"),
        Row(key: "p2", house: "a1", arrival: "2025-05-01", departure: nil, birth: "2007-06-01", region: "110105", reason: "06", housing: "02"),
        Row(key: "p3", house: "a2", arrival: "2025-05-31", departure: nil, birth: "1991-01-01", region: "440305", reason: "01", housing: "02"),
        Row(key: "p4", house: "a2", arrival: "2025-06-01", departure: nil, birth: "1985-01-01", region: "440305", reason: "01", housing: "02"),
        Row(key: "p5", house: "a1", arrival: "2025-03-01", departure: "2025-05-01", birth: "1965-06-01", region: "440305", reason: "01", housing: "02"),
        Row(key: "p6", house: "a2", arrival: "2025-03-01", departure: "2025-05-31", birth: "1980-01-01", region: "510104", reason: nil, housing: nil),
        Row(key: "p7", house: "a3", arrival: "2025-03-01", departure: "2025-06-01", birth: "1965-05-31", region: "310104", reason: "03", housing: "01"),
        Row(key: "p8", house: "a3", arrival: "2025-05-10", departure: "2025-05-20", birth: "2000-01-01", region: "440305", reason: "04", housing: "05"),
        Row(key: "p9", house: "a1", arrival: "2025-01-01", departure: "2025-04-30", birth: "1970-01-01", region: "110105", reason: "01", housing: "02"),
        Row(key: "p10", house: "b1", arrival: "2025-05-05", departure: nil, birth: "1990-01-01", region: "320102", reason: "01", housing: "02"),
        Row(key: "p11", house: "c1", arrival: "2025-05-05", departure: nil, birth: "1990-01-01", region: "320102", reason: "01", housing: "02"),
    ]

    /// The synthetic person of a row (name 统计一 … 统计十一, a valid ID number of the row's region and birth).
    static func person(_ row: Row, index: Int) -> Fixtures.SyntheticPerson {
        let digits = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"]
        let birth = RegisterDate(row.birth)!
        return Fixtures.SyntheticPerson(
            name: "统计" + digits[index], sex: index % 2 == 0 ? "1" : "2", birth: birth,
            idNumber: Fixtures.idNumber(region: row.region, birth: row.birth.replacingOccurrences(of: "-", with: ""),
                                        sequence: String(format: "%03d", 100 + index)),
            phone: "1390000\(String(format: "%04d", index))", address: "某地")
    }

    static func make() async throws -> StatisticsWorld {
        let r = try await TestRegister.make()
        var people: [String: Registration] = [:]
        for (index, row) in rows.enumerated() {
            let house = r.house(row.house)
            let actor = house.xiaoquUuid == r.xiaoquC.uuid ? r.policeS2 : r.policeS1
            let stay = StayDraft(arrivalDate: RegisterDate(row.arrival), relation: "91", plannedStay: "4",
                                 residenceReason: row.reason, housingType: row.housing)
            let outcome = try await r.store.register(person: Fixtures.draft(person(row, index: index)), into: house.uuid,
                                                     stay: stay, by: actor)
            guard var registration = outcome.value else { throw RegistryError(.validationFailed, "\(outcome.findings)") }
            if let departure = row.departure {
                registration.stay = try await r.store.checkOut(stay: registration.stay.uuid,
                                                               DepartureDraft(departureDate: RegisterDate(departure), reason: "退租"),
                                                               by: actor)
            }
            people[row.key] = registration
        }
        return StatisticsWorld(r: r, people: people)
    }

    func close() { r.close() }

    /// The registration of a row.
    subscript(_ key: String) -> Registration { people[key]! }

    /// Counts.
    static func c(_ arrivals: Int, _ departures: Int, _ living: Int) -> OccupancyCounts {
        OccupancyCounts(arrivals: arrivals, departures: departures, living: living)
    }
}

extension TestRegister {
    /// A house of the small world by key: a1 a2 a3 (小区 A), b1 (B), c1 (C).
    func house(_ key: String) -> House {
        switch key {
        case "a1": houseA1
        case "a2": houseA2
        case "a3": houseA3
        case "b1": houseB1
        default: houseC1
        }
    }
}

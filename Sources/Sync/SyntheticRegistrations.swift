import Foundation
import GRDB
import IDCard
import Registry

/// Made-up people registered into a small made-up place, for demos, the crash-safety driver and the
/// benchmarks (never real people: names from a fixed syllable list, ID numbers with valid check
/// characters in a made-up sequence).
public struct SyntheticRegistrations: Sendable {
    /// The house everyone is registered into.
    public let house: UUID
    /// Its 小区.
    public let xiaoqu: UUID
    /// The actor registering people: a desk of the made-up 小区.
    public let actor: Actor

    /// Creates 派出所 → 社区 → 小区 → house in `store` (admin).
    public static func prepare(_ store: RegisterStore) async throws -> SyntheticRegistrations {
        let admin = Actor(userId: "sync-demo", role: .admin)
        // A fresh station code each time, so a run killed half-way through this can simply prepare again.
        let code = "110105" + String(format: "%06d", Int.random(in: 0..<1_000_000))
        let station = try await store.createStation(StationDraft(code: code, name: "演示派出所"), by: admin)
        let community = try await store.createCommunity(
            CommunityDraft(station: station.uuid, regionCode: "110105", streetOffice: "演示街道", name: "演示社区"), by: admin)
        let xiaoqu = try await store.createXiaoqu(XiaoquDraft(community: community.uuid, name: "演示小区", address: "演示路1号"), by: admin)
        let house = try await store.createHouse(HouseDraft(xiaoqu: xiaoqu.uuid, roomNumber: "101", usage: "01"), by: admin)
        return SyntheticRegistrations(house: house.uuid, xiaoqu: xiaoqu.uuid, actor: desk(xiaoqu.uuid))
    }

    static func desk(_ xiaoqu: UUID) -> Actor {
        Actor(userId: "sync-demo-desk", role: .desk(xiaoqus: [xiaoqu]))
    }

    /// Made-up person number `index` (0…999_999 distinct ID numbers per `series`).
    public static func person(_ index: Int, series: Int = 0) -> PersonDraft {
        let surnames = ["赵", "钱", "孙", "李", "周", "吴", "郑", "王"]
        let given = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
        let year = 1950 + index % 50, month = 1 + index / 50 % 12, day = 1 + index / 600 % 28
        let region = ["110105", "310104", "440305", "510104"][series % 4]
        let sequence = String(format: "%03d", index / 16_800 % 1000)
        let first17 = region + String(format: "%04d%02d%02d", year, month, day) + sequence
        let id = first17 + String(IDNumber.checkCharacter(forFirst17: first17)!)
        let name = surnames[index % 8] + given[index / 8 % 10] + given[index / 80 % 10]
        return PersonDraft(documentType: .residentCard, idNumber: id, name: name, sex: index % 2 == 0 ? "1" : "2",
                           nation: "01", birthDate: RegisterDate(year: year, month: month, day: day),
                           address: "演示路\(index % 100)号", phone: String(format: "139%08d", index))
    }

    /// Registers made-up person `index` into the house (one register transaction, with its outbox rows).
    @discardableResult
    public func register(_ store: RegisterStore, index: Int, series: Int = 0) async throws -> Registration? {
        let stay = StayDraft(arrivalDate: RegisterDate("2024-03-01"), relation: "91", plannedStay: "4",
                             residenceReason: "01", housingType: "02")
        let outcome = try await store.register(person: Self.person(index, series: series), into: house, stay: stay,
                                               confirm: Confirmations(allowMultipleStays: true, confirmDuplicate: true), by: actor)
        return outcome.value
    }
}

extension SyntheticRegistrations {
    /// The made-up place of an earlier ``prepare(_:)`` in `store`, if there is one.
    public static func existing(_ store: RegisterStore) async throws -> SyntheticRegistrations? {
        let row = try await store.database.read { db in
            try Row.fetchOne(db, sql: """
                SELECT h.uuid AS house, x.uuid AS xiaoqu FROM house h JOIN xiaoqu x ON x.id = h.xiaoqu_id
                WHERE x.name = '演示小区' AND h.room_number = '101' ORDER BY h.id LIMIT 1
                """)
        }
        guard let row, let house = UUID(uuidString: row["house"]), let xiaoqu = UUID(uuidString: row["xiaoqu"]) else { return nil }
        return SyntheticRegistrations(house: house, xiaoqu: xiaoqu, actor: desk(xiaoqu))
    }
}

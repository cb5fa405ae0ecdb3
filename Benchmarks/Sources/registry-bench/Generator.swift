import Crypto
import Dictionaries
import Foundation
import GRDB
import IDCard
import Registry

/// The generated register: 2 派出所, 5 社区, 20 小区 (16 under station S1, 4 under S2), 200 楼栋,
/// 400 单元, 10,000 houses, 100,000 synthetic people and 10 stays of history each (1,000,000 stays
/// from 2015 to the bench's today, 2025-06-30; about 85 % of the people still live somewhere; every
/// month of the last two years has some 4,000–8,000 arrivals and departures).
///
/// Stations, 社区 and 小区 go through the module's operations (audited). Buildings, units, houses,
/// people and stays are bulk-inserted with plain SQL in large transactions — the operations' one
/// transaction per record with synchronous=FULL would take hours for a million stays. The rows are valid
/// for the schema (its CHECKs, foreign keys and triggers all run): ID numbers and phones are real
/// AES-GCM ciphertexts under the register's data key with their keyed hashes (through `DataCipher`,
/// the module's own cipher), names have pinyin initials (`Pinyin.bestInitials`). What the bulk rows
/// lack is their audit entries: this register's audit chain covers the places only.
struct Generator {
    static let houses = 10_000
    static let people = 100_000
    static let staysPerPerson = 10
    static let today = "2025-06-30"
    static let version = "registry-bench data v3 (10000 houses, 100000 people, 1000000 stays, seed 20250630)"

    let store: RegisterStore
    let cipher: DataCipher
    var random = SeededRandom(seed: 20_250_630)
    let admin = Actor(userId: "bench", role: .admin)
    let at = "2025-06-30T02:00:00.000Z"

    /// Places created through the API: (xiaoqu UUID, station index).
    private(set) var xiaoqus: [(uuid: UUID, station: Int)] = []
    private(set) var stations: [UUID] = []

    init(store: RegisterStore, keyFile: String) throws {
        self.store = store
        let text = try String(contentsOfFile: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let key = Data(base64Encoded: text), key.count == 32 else {
            throw BenchError("the data key file \(keyFile) is not one line of base64")
        }
        cipher = DataCipher(dataKey: SymmetricKey(data: key))
    }

    mutating func generate() async throws {
        try await places()
        let personIds = try await insertPeople()
        let houseIds = try await insertHouses(landlords: personIds)
        try await insertStays(people: personIds, houses: houseIds)
        try await store.database.write { db in try db.execute(sql: "ANALYZE") }
    }

    // MARK: Places (through the module)

    private static let communityNames = ["安慧里社区", "亚运村社区", "安苑北里社区", "慧忠里社区", "大屯里社区"]
    private static let xiaoquNames = [
        "阳光花园", "翠微小区", "丹心苑", "安慧北里", "华严北里", "嘉铭园", "北辰绿色家园", "风林绿洲", "世纪村", "天创世缘",
        "北苑家园", "望京新城", "芍药居", "惠新苑", "安立花园", "育慧里", "南沙滩小区", "双泉堡", "科学园", "绿色家园",
    ]

    private mutating func places() async throws {
        for (index, code) in ["110105510000", "110105520000"].enumerated() {
            let station = try await store.createStation(StationDraft(code: code, name: index == 0 ? "安慧里派出所" : "亚运村派出所"), by: admin)
            stations.append(station.uuid)
        }
        for (c, name) in Self.communityNames.enumerated() {
            let station = c < 4 ? 0 : 1
            let community = try await store.createCommunity(
                CommunityDraft(station: stations[station], regionCode: "110105", streetOffice: "亚运村街道", name: name), by: admin)
            for x in 0..<4 {
                let index = c * 4 + x
                let xiaoqu = try await store.createXiaoqu(XiaoquDraft(
                    community: community.uuid, name: Self.xiaoquNames[index], address: "北京市朝阳区\(name)\(x + 1)号",
                    propertyCompany: "安居物业", officerName: ["孙警官", "李警官", "周警官", "吴警官"][x], officerBadge: "01\(2000 + index)"),
                    by: admin)
                xiaoqus.append((xiaoqu.uuid, station))
            }
        }
    }

    // MARK: People

    private static let surnames: [(String, Int)] = [
        ("王", 72), ("李", 70), ("张", 68), ("刘", 53), ("陈", 45), ("杨", 31), ("黄", 22), ("赵", 20), ("吴", 19), ("周", 18),
        ("徐", 14), ("孙", 14), ("马", 12), ("朱", 11), ("胡", 11), ("郭", 10), ("何", 9), ("高", 9), ("林", 9), ("罗", 8),
        ("郑", 8), ("梁", 8), ("谢", 6), ("宋", 6), ("唐", 6), ("许", 5), ("韩", 5), ("冯", 5), ("邓", 5), ("曹", 5),
        ("彭", 4), ("曾", 4), ("肖", 4), ("田", 4), ("董", 4), ("袁", 4), ("潘", 3), ("于", 3), ("蒋", 3), ("蔡", 3),
        ("余", 3), ("杜", 3), ("叶", 3), ("程", 3), ("苏", 3), ("魏", 3), ("吕", 3), ("丁", 3), ("任", 3), ("沈", 3),
    ]
    private static let givenChars = Array("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩然子轩梓涵一诺欣怡晨阳佳琪思远海燕春梅秋菊冬雪立新卫东")

    private mutating func name() -> String {
        let surname = random.pick(Self.surnames)
        let length = random.chance(0.35) ? 1 : 2
        return surname + String((0..<length).map { _ in random.pick(Self.givenChars) })
    }

    /// County-level codes to draw native regions from: 30 % Beijing, the rest anywhere.
    private static let counties: [String] = Regions.all.map(\.code).filter { !$0.hasSuffix("00") && !$0.hasPrefix("8") }
    private static let beijing: [String] = counties.filter { $0.hasPrefix("1101") }

    private mutating func insertPeople() async throws -> [Int64] {
        var rows: [[(any DatabaseValueConvertible)?]] = []
        rows.reserveCapacity(Self.people)
        var seen = Set<String>()
        for _ in 0..<Self.people {
            let region = random.chance(0.3) ? random.pick(Self.beijing) : random.pick(Self.counties)
            let birth = RegisterDate(year: random.int(1940...2014), month: random.int(1...12), day: random.int(1...28))!
            let birthDigits = birth.description.replacingOccurrences(of: "-", with: "")
            var id = ""
            repeat {
                let first17 = region + birthDigits + String(format: "%03d", random.int(0...999))
                id = first17 + String(IDNumber.checkCharacter(forFirst17: first17)!)
            } while !seen.insert(id).inserted
            let phone = "1\(random.int(3...9))\(String(format: "%09d", random.int(0...999_999_999)))"
            let name = name()
            rows.append([
                UUID().uuidString.lowercased(), at, at, "1", try cipher.seal(text: id, for: .personIdNumber),
                cipher.hash(idNumber: id), IDNumber.mask(id), name, Pinyin.bestInitials(of: name),
                random.chance(0.5) ? "1" : "2", "01", birth.description, region, "某省某市某路\(random.int(1...200))号",
                try cipher.seal(text: phone, for: .personPhone), cipher.hash(phone: phone), 2,
            ])
        }
        return try await insert("""
            INSERT INTO person (uuid, created_at, updated_at, document_type, id_number_enc, id_number_hash, id_number_masked,
                                name, name_pinyin, sex, nation, birth_date, native_region, address, phone_enc, phone_hash,
                                entry_method)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, rows)
    }

    /// Sample people of the data set (name, ID number) for the searches: regenerating them would need
    /// the generator's random stream, so they are read back (decrypted) from the register instead.
    static func samplePerson(_ store: RegisterStore) async throws -> (name: String, pinyin: String, idNumber: String) {
        let police = try await policeActor(store, station: 0)
        let page = try await store.searchStays(StaySearch(namePrefix: "张伟", limit: 1), for: police)
        guard let hit = page.hits.first, let id = hit.idNumber, hit.idNumberIsFull else {
            throw BenchError("no 张伟 in the data set")
        }
        return (hit.name, Pinyin.bestInitials(of: hit.name), id)
    }

    // MARK: Houses

    private mutating func insertHouses(landlords: [Int64]) async throws -> [Int64] {
        let xiaoquIds = try await store.database.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM xiaoqu ORDER BY id")
        }
        var buildingRows: [[(any DatabaseValueConvertible)?]] = []
        for xiaoqu in xiaoquIds {
            for b in 1...10 {
                buildingRows.append([UUID().uuidString.lowercased(), at, at, xiaoqu, "\(b)号楼", 13])
            }
        }
        let buildingIds = try await insert(
            "INSERT INTO building (uuid, created_at, updated_at, xiaoqu_id, name, floors_above) VALUES (?, ?, ?, ?, ?, ?)",
            buildingRows)
        var unitRows: [[(any DatabaseValueConvertible)?]] = []
        for building in buildingIds {
            for u in 1...2 { unitRows.append([UUID().uuidString.lowercased(), at, at, building, "\(u)单元"]) }
        }
        let unitIds = try await insert("INSERT INTO unit (uuid, created_at, updated_at, building_id, name) VALUES (?, ?, ?, ?, ?)", unitRows)
        var houseRows: [[(any DatabaseValueConvertible)?]] = []
        for (u, unit) in unitIds.enumerated() {
            let building = buildingIds[u / 2]
            let xiaoqu = xiaoquIds[u / 20]
            for h in 0..<25 {
                let floor = h / 2 + 1
                let room = "\(u % 2 + 1)-\(floor)\(String(format: "%02d", h % 2 + 1))"
                let rented = random.chance(0.4)
                houseRows.append([
                    UUID().uuidString.lowercased(), at, at, xiaoqu, building, unit, floor, room,
                    "\(Self.xiaoquNames[u / 20])\(u / 2 % 10 + 1)号楼\(room)", Double(random.int(40...140)),
                    rented ? "02" : "01", rented ? 1 : 0, rented ? "02" : nil, rented ? random.pick(landlords) : nil,
                ])
            }
        }
        return try await insert("""
            INSERT INTO house (uuid, created_at, updated_at, xiaoqu_id, building_id, unit_id, floor, room_number, address,
                               area, usage, rental_status, rental_use, landlord_person_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, houseRows)
    }

    // MARK: Stays

    private mutating func insertStays(people: [Int64], houses: [Int64]) async throws {
        let today = RegisterDate(Self.today)!
        let relations: [(String, Int)] = [("91", 50), ("02", 15), ("10", 10), ("20", 8), ("30", 7), ("99", 6), ("92", 4)]
        let reasons: [(String?, Int)] = [("01", 45), ("03", 12), ("04", 10), ("05", 5), ("06", 8), ("08", 8), ("09", 5), ("99", 3), (nil, 4)]
        let housing: [(String?, Int)] = [("02", 55), ("01", 20), ("05", 8), ("04", 6), ("03", 4), ("06", 2), ("99", 2), (nil, 3)]
        var batch: [[(any DatabaseValueConvertible)?]] = []
        batch.reserveCapacity(100_000)
        for person in people {
            // Ten stays back to back: the first from a day in 2015, the last arriving in the two years
            // before today (so that every recent month has arrivals and departures, as in a steady
            // register), the nine before it in random proportions of the time between.
            let start = RegisterDate(year: 2015, month: 1, day: 1)!.adding(days: random.int(0...400))
            let lastArrival = today.adding(days: -random.int(0...730))
            let gaps = (0..<(Self.staysPerPerson - 1)).map { _ in random.int(0...20) }
            let weights = (0..<(Self.staysPerPerson - 1)).map { _ in random.int(20...100) }
            let available = start.days(until: lastArrival) - gaps.reduce(0, +)
            let total = weights.reduce(0, +)
            var arrival = start
            var houseIndex = random.int(0...(houses.count - 1))
            for index in 0..<Self.staysPerPerson {
                let last = index == Self.staysPerPerson - 1
                let departure: RegisterDate?
                if last {
                    // 85 % still live there; the others left some day since.
                    departure = random.chance(0.85) ? nil : arrival.adding(days: random.int(0...max(0, arrival.days(until: today))))
                } else {
                    departure = arrival.adding(days: max(1, available * weights[index] / total))
                }
                // Active stays carry a planned stay that has not been expired for more than 30 days (the
                // daily auto-cancellation would have cancelled it); ended ones any.
                let months = [("1", 1), ("2", 3), ("3", 6), ("4", 12), ("5", 24), ("6", 36)]
                let open = months.filter { arrival.adding(months: $0.1).days(until: today) <= 30 }.map(\.0)
                let plan = departure == nil ? (open.isEmpty ? "6" : random.pick(open)) : String(random.int(1...6))
                let created = arrival.adding(days: random.pick([(0, 50), (1, 20), (2, 10), (3, 8), (5, 7), (10, 5)]))
                let createdAt = min(created, today).description + "T02:00:00.000Z"
                batch.append([
                    UUID().uuidString.lowercased(), createdAt, createdAt, person, houses[houseIndex], arrival.description,
                    random.pick(relations), plan, random.pick(reasons), random.pick(housing),
                    departure?.description, departure == nil ? nil : "退租", departure == nil ? 0 : 1, "bench",
                    departure == nil ? nil : "bench",
                ])
                guard let left = departure, !last else { break }
                arrival = left.adding(days: gaps[index])
                // 60 % move within the same 小区 (500 houses each), the others anywhere.
                houseIndex = random.chance(0.6) ? houseIndex / 500 * 500 + random.int(0...499) : random.int(0...(houses.count - 1))
            }
            if batch.count >= 100_000 {
                _ = try await insert(Self.staySQL, batch, returnIds: false)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { _ = try await insert(Self.staySQL, batch, returnIds: false) }
    }

    private static let staySQL = """
        INSERT INTO stay (uuid, created_at, updated_at, person_id, house_id, arrival_date, relation, planned_stay,
                          residence_reason, housing_type, departure_date, departure_reason, cancel_flag, registered_by,
                          departed_by)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Inserts `rows` with one prepared statement in one transaction; returns the new row ids.
    private func insert(_ sql: String, _ rows: [[(any DatabaseValueConvertible)?]], returnIds: Bool = true) async throws -> [Int64] {
        let sendable = UncheckedRows(rows: rows)
        return try await store.database.write { db in
            let statement = try db.makeStatement(sql: sql)
            var ids: [Int64] = []
            if returnIds { ids.reserveCapacity(sendable.rows.count) }
            for row in sendable.rows {
                try statement.execute(arguments: StatementArguments(row))
                if returnIds { ids.append(db.lastInsertedRowID) }
            }
            return ids
        }
    }
}

/// Rows of values handed to the writer queue (built and consumed once, never shared).
struct UncheckedRows: @unchecked Sendable {
    let rows: [[(any DatabaseValueConvertible)?]]
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A police actor of station `index` (0: S1 with 16 小区, 1: S2).
func policeActor(_ store: RegisterStore, station index: Int) async throws -> Actor {
    let stations = try await store.stations(for: Actor(userId: "bench", role: .admin)).sorted { $0.code < $1.code }
    return Actor(userId: "police\(index + 1)", role: .police(station: stations[index].uuid))
}

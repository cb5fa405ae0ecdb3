import Foundation
import GRDB
import Registry

/// One benchmark: a call of the module, the statements it runs (for the sqlite3 tool), and a target.
struct BenchCase {
    var name: String
    /// Target for the module's median, in seconds.
    var target: Double
    /// Runs the call; returns the number of rows it produced or counted.
    var call: () async throws -> Int
    /// The SQL the call runs, arguments written in.
    var statements: [String]
    /// Repetitions per sqlite3 process.
    var repeats: Int
}

struct CaseResult {
    var name: String
    var target: Double
    var module: Double
    var rows: Int
    var tool: Double?

    var ratio: Double? { tool.map { $0 > 0 ? module / $0 : .infinity } }
    var meetsTarget: Bool { module <= target }
    var meetsRatio: Bool { (ratio ?? 0) <= 1.5 }
}

/// The cases on the generated register: statistics for one 小区 (as its desk: level 2) and for the whole
/// station S1 (16 小区, 8,000 houses, as its police: level 1) over May 2025; searches by name prefix,
/// pinyin initials and ID number (as police, 50 hits a page).
func benchCases(_ store: RegisterStore) async throws -> [BenchCase] {
    let police = try await policeActor(store, station: 0)
    let xiaoqu = try await store.xiaoqus(for: police).sorted { $0.name < $1.name }[0]
    let desk = Actor(userId: "desk", role: .desk(xiaoqus: [xiaoqu.uuid]))
    let from = RegisterDate("2025-05-01")!, to = RegisterDate("2025-05-31")!
    let sample = try await Generator.samplePerson(store)

    func stats(_ name: String, _ query: OccupancyQuery, _ actor: Actor, target: Double, repeats: Int) async throws -> BenchCase {
        BenchCase(name: name, target: target, call: {
            let report = try await store.occupancy(query, for: actor)
            return report.total.living + report.total.departures
        }, statements: try await store.occupancyStatements(query, for: actor).map(\.text), repeats: repeats)
    }
    func search(_ name: String, _ search: StaySearch) async throws -> BenchCase {
        guard let statement = try await store.searchStatement(search, for: police) else { throw BenchError("no statement for \(name)") }
        return BenchCase(name: name, target: 0.020, call: {
            try await store.searchStays(search, for: police).hits.count
        }, statements: [statement.text], repeats: 200)
    }
    return [
        try await stats("statistics, one 小区 (\(xiaoqu.name)), by 楼栋, May 2025",
                        OccupancyQuery(from: from, to: to, groupBy: .building, xiaoqu: xiaoqu.uuid), desk, target: 0.050, repeats: 20),
        try await stats("statistics, station S1 (16 小区), by 小区, May 2025",
                        OccupancyQuery(from: from, to: to, groupBy: .xiaoqu), police, target: 0.500, repeats: 3),
        try await search("search, name prefix \(sample.name)", StaySearch(namePrefix: sample.name)),
        try await search("search, name prefix 张 (one character)", StaySearch(namePrefix: "张")),
        try await search("search, pinyin initials \(sample.pinyin)", StaySearch(pinyinPrefix: sample.pinyin)),
        try await search("search, ID number (keyed hash)", StaySearch(idNumber: sample.idNumber)),
    ]
}

/// `--breakdown`: where the time of a search goes (raw GRDB fetch of the same SQL, as desk without
/// decryption, as police with it).
func searchBreakdown(_ store: RegisterStore, runs: Int) async throws {
    let police = try await policeActor(store, station: 0)
    let xiaoqus = try await store.xiaoqus(for: police).map(\.uuid)
    let desk = Actor(userId: "desk", role: .desk(xiaoqus: Set(xiaoqus)))
    let sample = try await Generator.samplePerson(store)
    let search = StaySearch(namePrefix: sample.name)
    let sql = try await store.searchStatement(search, for: police)!.text
    let raw = median(try await measure(runs: runs, warmup: 3) {
        _ = try await store.database.read { db in try Row.fetchAll(db, sql: sql).count }
    })
    let rawSync = median(try await measure(runs: runs, warmup: 3) {
        _ = try store.database.read { db in try Row.fetchAll(db, sql: sql).count }
    })
    let rawCached = median(try await measure(runs: runs, warmup: 3) {
        _ = try store.database.read { db in try Row.fetchAll(db.cachedStatement(sql: sql)).count }
    })
    print(String(format: "raw sync cached statement %.3f ms", rawCached * 1000))
    let generator = try Generator(store: store, keyFile: store.path.replacingOccurrences(of: "register.sqlite", with: "data.key"))
    let sealed = try (0..<50).map { _ in try generator.cipher.seal(text: "110105199003071311", for: .personIdNumber) }
    let decrypt = median(try await measure(runs: runs, warmup: 3) {
        for box in sealed { _ = try generator.cipher.openText(box, for: .personIdNumber) }
    })
    let scope = median(try await measure(runs: runs, warmup: 3) {
        _ = try await store.searchStays(StaySearch(idNumber: "110105199003071311"), for: police)
    })
    print(String(format: "50 decryptions %.3f ms; an ID search that finds nothing %.3f ms", decrypt * 1000, scope * 1000))
    let asDesk = median(try await measure(runs: runs, warmup: 3) { _ = try await store.searchStays(search, for: desk) })
    let asPolice = median(try await measure(runs: runs, warmup: 3) { _ = try await store.searchStays(search, for: police) })
    print(String(format: "raw async %.3f ms, raw sync %.3f ms, desk %.3f ms, police %.3f ms", raw * 1000, rawSync * 1000,
                 asDesk * 1000, asPolice * 1000))
}

/// `--extra`: the to-do list and the data-quality report on the generated register (for information:
/// no target; they run on a page load, not per keystroke).
func extraTimings(_ store: RegisterStore, runs: Int) async throws {
    let police = try await policeActor(store, station: 0)
    let xiaoqu = try await store.xiaoqus(for: police).sorted { $0.name < $1.name }[0]
    let desk = Actor(userId: "desk", role: .desk(xiaoqus: [xiaoqu.uuid]))
    let today = RegisterDate(Generator.today)
    for (name, actor) in [("desk (one 小区)", desk), ("police S1 (16 小区)", police)] {
        var counts = ""
        let reminders = median(try await measure(runs: runs, warmup: 1) {
            let list = try await store.reminders(for: actor, options: ReminderOptions(today: today))
            counts = ReminderKind.allCases.map { "\($0.rawValue)=\(list.counts[$0] ?? 0)" }.joined(separator: " ")
        })
        print(String(format: "reminders, %@: %.1f ms  ", name, reminders * 1000) + counts)
        var perKind: [String] = []
        for kind in ReminderKind.allCases {
            let t = median(try await measure(runs: runs, warmup: 0) {
                _ = try await store.reminders(for: actor, options: ReminderOptions(today: today, kinds: [kind]))
            })
            perKind.append(String(format: "%@ %.0f ms", kind.rawValue, t * 1000))
        }
        print("  per kind: " + perKind.joined(separator: ", "))
        let quality = median(try await measure(runs: max(1, runs / 3), warmup: 0) {
            let report = try await store.dataQuality(for: actor, options: DataQualityOptions(today: today))
            counts = DataQualityKind.allCases.map { "\($0.rawValue)=\(report.counts[$0] ?? 0)" }.joined(separator: " ")
        })
        print(String(format: "data quality, %@: %.1f ms  ", name, quality * 1000) + counts)
        var perCheck: [String] = []
        for kind in DataQualityKind.allCases {
            let t = median(try await measure(runs: 1, warmup: 0) {
                _ = try await store.dataQuality(for: actor, options: DataQualityOptions(today: today, kinds: [kind]))
            })
            perCheck.append(String(format: "%@ %.0f ms", kind.rawValue, t * 1000))
        }
        print("  per check: " + perCheck.joined(separator: ", "))
    }
}

import ArgumentParser
import Foundation
import Registry

/// `renfang stats`: occupancy statistics (人口居住统计) of a period, per 社区, 小区, 楼栋 or 户.
///
/// The CLI acts as the local administrator (role `admin`): the whole register, counts only — no person
/// is named, so 三员分立 holds (filters by name or ID number are for police and desk users, in the pages).
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "人口居住统计 / Occupancy statistics of a period: arrivals, departures, people living.",
        discussion: """
            Counts stays (居住登记) in the period FROM..TO, both days included: arrivals (到达 in the period), \
            departures (离开 in the period) and living (在住 at the end of TO). One row per place of --level \
            under the place named, with breakdowns of the total by 居住事由, 住所类别, native province and age \
            band. Exit status: 0 done, 1 no such 社区/小区/楼栋, 2 the register could not be opened.
            """
    )

    @Option(name: .long, help: "The 小区, by name (or pinyin initials when no name matches).")
    var xiaoqu: String?

    @Option(name: .long, help: "The 社区, by name (narrows --xiaoqu when names repeat).")
    var community: String?

    @Option(name: .long, help: "A 楼栋 of --xiaoqu, by name (e.g. 3号楼).")
    var building: String?

    @Option(name: .long, help: "First day of the period (YYYY-MM-DD).")
    var from: String

    @Option(name: .long, help: "Last day of the period (YYYY-MM-DD).")
    var to: String

    @Option(name: .long, help: "Rows per community | xiaoqu | building | house (default: one level below the place named).")
    var level: String?

    @Flag(name: .long, help: "Leave out the breakdowns.")
    var noBreakdowns = false

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    @OptionGroup var register: RegisterOptions
    @OptionGroup var log: LogOptions

    func validate() throws {
        guard let from = RegisterDate(from), let to = RegisterDate(to) else {
            throw ValidationError("--from and --to are dates, YYYY-MM-DD")
        }
        if from > to { throw ValidationError("--from \(from) is after --to \(to)") }
        if let level, OccupancyLevel(rawValue: level) == nil {
            throw ValidationError("--level is one of community, xiaoqu, building, house")
        }
        if building != nil && xiaoqu == nil { throw ValidationError("--building needs --xiaoqu") }
    }

    func run() throws {
        log.bootstrap()
        let store = try register.openExisting()
        defer { try? store.close() }
        let actor = Actor.commandLine
        let places = try StatsSupport.wait { try await StatsPlaces.resolve(store, xiaoqu: xiaoqu, community: community, building: building) }
        let groupBy = level.flatMap(OccupancyLevel.init(rawValue:))
            ?? (building != nil ? .house : xiaoqu != nil ? .building : community != nil ? .xiaoqu : .community)
        let query = OccupancyQuery(from: RegisterDate(from)!, to: RegisterDate(to)!, groupBy: groupBy, community: places.community,
                                   xiaoqu: places.xiaoqu, building: places.building, breakdowns: !noBreakdowns)
        let report = try StatsSupport.wait { try await store.occupancy(query, for: actor) }
        if json {
            print(try StatsSupport.json(report))
        } else {
            print(StatsText.render(report, title: places.title))
        }
    }
}

/// The 社区 / 小区 / 楼栋 named on the command line, resolved to UUIDs.
struct StatsPlaces: Sendable {
    var community: UUID?, xiaoqu: UUID?, building: UUID?
    var title: String

    static func resolve(_ store: RegisterStore, xiaoqu: String?, community: String?, building: String?) async throws -> StatsPlaces {
        let actor = Actor.commandLine
        var places = StatsPlaces(title: "全部")
        var communityId: UUID?
        if let community {
            let found = try await store.communities(for: actor).filter { $0.name == community }
            guard found.count == 1 else { throw StatsCommandError.place(found.isEmpty ? "没有名为\"\(community)\"的社区" : "有多个名为\"\(community)\"的社区") }
            communityId = found[0].uuid
            places.community = communityId
            places.title = community
        }
        if let xiaoqu {
            var all = try await store.xiaoqus(for: actor).filter { communityId == nil || $0.communityUuid == communityId }
            let byName = all.filter { $0.name == xiaoqu }
            all = byName.isEmpty ? all.filter { $0.namePinyin == xiaoqu.lowercased() } : byName
            guard all.count == 1 else {
                throw StatsCommandError.place(all.isEmpty ? "没有名为\"\(xiaoqu)\"的小区" : "有多个名为\"\(xiaoqu)\"的小区，请用 --community 指定社区")
            }
            places.xiaoqu = all[0].uuid
            places.community = nil
            places.title = all[0].name
            if let building {
                let found = try await store.buildings(inXiaoqu: all[0].uuid, for: actor).filter { $0.name == building }
                guard let match = found.first else { throw StatsCommandError.place("小区\"\(all[0].name)\"没有名为\"\(building)\"的楼栋") }
                places.building = match.uuid
                places.title += " " + building
            }
        }
        return places
    }
}

/// A place named on the command line does not exist.
enum StatsCommandError: Error {
    case place(String)
}

extension Actor {
    /// The local operator of the CLI: the administrator (whole register, no personal data).
    static var commandLine: Actor {
        Actor(userId: "cli:" + (ProcessInfo.processInfo.environment["SUDO_USER"] ?? ProcessInfo.processInfo.environment["USER"] ?? "root"),
              role: .admin)
    }
}

/// Helpers of the `stats` and `reminders` commands.
enum StatsSupport {
    /// Runs async register work from a synchronous command (the root command is synchronous); a missing
    /// place is exit 1, a refusal of the register is printed with its code, exit 1.
    static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = StatsAwaitBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.set(.success(try await body())) } catch { box.set(.failure(error)) }
            done.signal()
        }
        done.wait()
        do {
            return try box.get()
        } catch let StatsCommandError.place(message) {
            printError(message)
            throw ExitCode(1)
        } catch let error as RegistryError {
            printError("\(error.code): \(error.message)")
            throw ExitCode(1)
        }
    }

    /// Pretty, key-sorted JSON.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// The result of the task, handed back to the waiting thread.
private final class StatsAwaitBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, any Error>?

    func set(_ value: Result<T, any Error>) { lock.withLock { result = value } }
    func get() throws -> T { try lock.withLock { result! }.get() }
}

/// The text form of an occupancy report: a table of the rows, the total, and the breakdowns.
enum StatsText {
    static func render(_ report: OccupancyReport, title: String) -> String {
        let q = report.query
        let level = ["community": "社区", "xiaoqu": "小区", "building": "楼栋", "house": "户"][q.groupBy.rawValue] ?? ""
        var lines = ["人口居住统计 \(q.from) 至 \(q.to)　\(title)（按\(level)）", ""]
        lines.append(row("名称", "到达", "离开", "期末在住", "期初在住"))
        for r in report.rows {
            lines.append(row(r.name, r.counts))
        }
        lines.append(row("合计", report.total))
        if let b = report.breakdowns {
            for (name, buckets) in [("居住事由", b.residenceReason), ("住所类别", b.housingType), ("籍贯（省）", b.nativeProvince),
                                    ("年龄段（期末）", b.ageBand)] {
                lines += ["", "按\(name)", row("", "到达", "离开", "期末在住", "期初在住")]
                lines += buckets.map { row($0.label, $0.counts) }
            }
        }
        lines += ["", "到达、离开：期间内（含首尾两日）；期末在住：\(q.to) 当日结束时在住；期初在住 = 期末在住 − 到达 + 离开。"]
        return lines.joined(separator: "\n")
    }

    private static func row(_ name: String, _ c: OccupancyCounts) -> String {
        row(name, "\(c.arrivals)", "\(c.departures)", "\(c.living)", "\(c.livingAtStart)")
    }

    private static func row(_ name: String, _ columns: String...) -> String {
        pad(name, 28) + columns.map { String(repeating: " ", count: max(0, 10 - width($0))) + $0 }.joined()
    }

    /// Pads to a display width (CJK characters count two columns).
    private static func pad(_ text: String, _ columns: Int) -> String {
        text + String(repeating: " ", count: max(1, columns - width(text)))
    }

    private static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 ? 2 : 1) }
    }
}

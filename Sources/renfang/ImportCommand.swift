import ArgumentParser
import Foundation
import Registry

/// `renfang import`: houses, residents or declarations from an .xlsx or .csv file (templates in
/// `templates/`).
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "导入房屋、住户或居住登记申报 / Import houses, residents or declarations from .xlsx or .csv.",
        discussion: """
            Columns are matched by their Chinese header (any order; see templates/ and \
            protocol-docs/data-model.md). Every valid row is imported, every invalid row is reported with its \
            row number, column and reason. Re-importing a file updates instead of duplicating. Exit status: 0 \
            every row imported (or, with --dry-run, would be), 1 some rows refused, 2 the file was refused \
            (unreadable, wrong sheet, missing columns) or the register could not be opened — nothing written.
            """
    )

    @Option(name: .long, help: "houses (房屋), residents (住户) or declarations (居住登记申报).")
    var kind: SheetKind

    @Argument(help: "The .xlsx or .csv file.")
    var file: String

    @Flag(name: .customLong("dry-run"), help: "Validate every row against the register and report; write nothing.")
    var dryRun = false

    @Flag(name: .customLong("create-places"), help: "Create the 社区/小区/楼栋/单元 (and, for residents, houses) rows name.")
    var createPlaces = false

    @Flag(name: .customLong("confirm-findings"), help: "Write rows with 一证多住 or likely-duplicate findings as confirmed.")
    var confirmFindings = false

    @Option(name: .long, help: "The worksheet of an .xlsx file (default: the first).")
    var sheet: String?

    @Flag(name: .long, help: "Print the report as JSON instead of text.")
    var json = false

    @OptionGroup var register: RegisterOptions
    @OptionGroup var operatorOptions: OperatorOptions
    @OptionGroup var log: LogOptions

    func run() throws {
        log.bootstrap()
        let store = try register.openExisting()
        defer { try? store.close() }
        let options = ImportOptions(sheet: sheet, dryRun: dryRun, createPlaces: createPlaces,
                                    confirmFindings: confirmFindings)
        let url = URL(fileURLWithPath: file)
        let kind = kind
        let report: ImportReport
        do {
            let actor = try operatorOptions.actor(in: store)
            report = try ImportExportSupport.wait { try await RegisterImporter(store: store, actor: actor).importFile(url, kind: kind, options: options) }
        } catch let error as RegistryError {
            if json {
                ImportExportSupport.printJSON(FileRefusal(code: error.code.rawValue, message: error.message))
            }
            printError("文件被拒绝，未导入任何数据：\(error.message) (\(error.code))")
            throw ExitCode(2)
        }
        if json {
            ImportExportSupport.printJSON(report)
        } else {
            print(report.summary)
            if !report.ignoredColumns.isEmpty { print("未识别的列（已忽略）：" + report.ignoredColumns.joined(separator: "、")) }
            for problem in report.problems { print("\(problem) [\(problem.code)]") }
            for warning in report.warnings { print("提示：\(warning) [\(warning.code)]") }
        }
        if !report.isComplete { throw ExitCode(1) }
    }
}

extension SheetKind: ExpressibleByArgument {}

/// Who the command line acts as. The console operator of the appliance works as the **police of the
/// station** (`police(station)`): the role that may write personal data and places under the station
/// (三员分立: `admin` may not touch personal data). `--desk` narrows it to the property desk of one 小区.
struct OperatorOptions: ParsableArguments {
    @Option(name: .long, help: "Act as the police of this station (公安机关机构代码); default: the register's only station.")
    var station: String?

    @Option(name: .long, help: "Act as the property desk of this 小区 (name) instead of the police.")
    var desk: String?

    @Option(name: .long, help: "The user id written to the audit log (default: cli:<login name>).")
    var user: String?

    /// The actor: police of the station, or desk of a 小区 (places are looked up as admin: names only).
    func actor(in store: RegisterStore) throws -> Actor {
        let userId = user ?? "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "root")
        let lookup = Actor(userId: userId, role: .admin)
        if let desk {
            let matches = try ImportExportSupport.wait { try await store.xiaoqus(for: lookup) }.filter { $0.name == desk }
            guard matches.count == 1, let xiaoqu = matches.first else {
                throw RegistryError(.notFound, matches.isEmpty ? "小区\"\(desk)\"不存在" : "小区\"\(desk)\"不唯一（多个社区中都有）")
            }
            return Actor(userId: userId, role: .desk(xiaoqus: [xiaoqu.uuid]))
        }
        let stations = try ImportExportSupport.wait { try await store.stations(for: lookup) }
        let chosen = station.map { code in stations.filter { $0.code == code } } ?? stations
        guard chosen.count == 1, let found = chosen.first else {
            let known = stations.map { "\($0.code) \($0.name)" }.joined(separator: "、")
            throw RegistryError(.notFound, station == nil
                ? "登记库中有 \(stations.count) 个派出所，请用 --station 指定（\(known)）"
                : "派出所 \(station!) 不存在（已有：\(known)）")
        }
        return Actor(userId: userId, role: .police(station: found.uuid))
    }
}

/// Helpers of `renfang import` and `renfang export`.
enum ImportExportSupport {
    /// Prints a value as one line of JSON on stdout.
    static func printJSON(_ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if let data = try? encoder.encode(value) { print(String(decoding: data, as: UTF8.self)) }
    }

    /// Runs async register work from a synchronous command (the root command is synchronous).
    static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ImportExportAwaitBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.set(.success(try await body())) } catch { box.set(.failure(error)) }
            done.signal()
        }
        done.wait()
        return try box.get()
    }
}

/// The JSON of a refused file (`{"refused":true,"code":…,"message":…}`).
struct FileRefusal: Encodable {
    var refused = true
    var code: String
    var message: String
}

/// The result of the task, handed back to the waiting thread.
private final class ImportExportAwaitBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, any Error>?

    func set(_ value: Result<T, any Error>) { lock.withLock { result = value } }
    func get() throws -> T { try lock.withLock { result! }.get() }
}

/// Runs async register work from a synchronous command (also used by `renfang init`).
func blockingAwait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    try ImportExportSupport.wait(body)
}

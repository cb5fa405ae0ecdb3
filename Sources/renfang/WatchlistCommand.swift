import ArgumentParser
import Foundation
import Registry
import Watchlist

/// `renfang watchlist`: sealed watchlists (protocol-docs/watchlist-bundle.md). The issuer side
/// (`keygen`, `seal`) and the appliance side (`import`, `status`, `check`).
struct WatchlistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watchlist",
        abstract: "预警名单 / Sealed watchlists: keygen, seal (issuer); import, status, check (appliance).",
        subcommands: [Keygen.self, Seal.self, Import.self, Status.self, Check.self]
    )
}

/// Where the appliance keeps its lists and which issuer keys it trusts.
struct WatchlistOptions: ParsableArguments {
    @Option(name: .customLong("watchlist-dir"), help: "The directory of the lists in force (one <list>.rfws file each).")
    var directory: String = "/var/lib/renfang/watchlists"

    func store() throws -> WatchlistStore {
        do {
            return try WatchlistStore(directory: URL(fileURLWithPath: directory))
        } catch let error as WatchlistError {
            printError("无法打开名单目录 / cannot open the watchlist directory: \(error)")
            throw ExitCode(2)
        }
    }
}

extension WatchlistCommand {
    /// `renfang watchlist keygen`: a new issuer signing key.
    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an issuer's Ed25519 signing key (FILE, mode 0600) and its public key (FILE.pub).",
            discussion: "Give FILE.pub to the appliances (their --trusted-keys); keep FILE with the issuer. Never overwrites."
        )

        @Option(name: .long, help: "The issuer's name written into every bundle, e.g. 某某分局 or a 小区's name.")
        var issuer: String

        @Option(name: .long, help: "The private key file to create.")
        var out: String

        func run() throws {
            let key = IssuerKey(issuer: issuer)
            do { try key.write(to: URL(fileURLWithPath: out)) } catch let error as WatchlistError {
                printError("\(error.message) (\(error.code))")
                throw ExitCode(2)
            }
            print("签发密钥已生成：\(out)（公钥 \(out).pub）")
            print("public: \(Data(key.publicKey).base64EncodedString())")
        }
    }

    /// `renfang watchlist seal`: a spreadsheet → a signed bundle.
    struct Seal: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seal a list (.xlsx or .csv, columns of templates/watchlist.csv) into a signed bundle.",
            discussion: """
                Without --previous: a full snapshot (version 1 unless --version). With --previous (the previous \
                full snapshot, e.g. the last --snapshot-out): a delta against it, in the same key epoch; with \
                --rotate instead a full snapshot in a new key epoch (fresh salt and list key). Every bad row is \
                reported and nothing is written. scrypt runs per entry, so sealing shows a progress bar on stderr. \
                Exit status: 0 sealed, 1 bad rows, 2 a file or key refused.
                """
        )

        @Option(name: .customLong("in"), help: "The input .xlsx or .csv.")
        var input: String

        @Option(name: .long, help: "The worksheet of an .xlsx file (default: the first).")
        var sheet: String?

        @Option(name: .customLong("issuer-key"), help: "The issuer's private key file (renfang watchlist keygen).")
        var issuerKey: String

        @Option(name: .customLong("list-id"), help: "The list's id (A–Z a–z 0–9 . _ -), e.g. bureau or local.yangguang.")
        var listId: String

        @Option(name: .long, help: "The previous full snapshot: seal a delta against it (or, with --rotate, a new epoch).")
        var previous: String?

        @Flag(name: .long, help: "With --previous: seal a full snapshot in a new key epoch instead of a delta.")
        var rotate = false

        @Option(name: .long, help: "The version to seal (default 1, or the previous version + 1).")
        var version: UInt64?

        @Option(name: .customLong("valid-until"), help: "Last day (YYYY-MM-DD, Asia/Shanghai) the whole list is in force.")
        var validUntil: String?

        @Option(name: .customLong("cost-log2n"), help: "scrypt cost N = 2^n for a new epoch (default 14, with r=12, p=1).")
        var costLog2N: UInt8 = ScryptCost.standard.log2N

        @Option(name: .long, help: "The bundle to write.")
        var out: String

        @Option(name: .customLong("snapshot-out"), help: "Also write the full snapshot of this version (keep it for the next --previous).")
        var snapshotOut: String?

        func run() throws {
            let entries: [WatchlistEntry]
            do {
                switch try WatchlistInput.read(url: URL(fileURLWithPath: input), sheet: sheet) {
                case let .success(rows): entries = rows
                case let .failure(bad):
                    for error in bad.errors { print("\(error)") }
                    printError("输入有 \(bad.errors.count) 处错误，未生成名单包")
                    throw ExitCode(1)
                }
            } catch let error as WatchlistError {
                printError("\(error.message) (\(error.code))")
                throw ExitCode(2)
            }
            var until: Date?
            if let validUntil {
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
                let parts = validUntil.split(separator: "-").compactMap { Int($0) }
                guard parts.count == 3, let day = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
                else { throw ValidationError("--valid-until 应为 YYYY-MM-DD") }
                until = day.addingTimeInterval(86_399)
            }
            let options = SealOptions(listId: listId, version: version, validUntil: until,
                                      cost: ScryptCost(log2N: costLog2N, r: ScryptCost.standard.r, p: ScryptCost.standard.p),
                                      rotate: rotate)
            let progress = ProgressBar(label: "加密名单")
            let sealed: SealedList
            do {
                let key = try IssuerKey(contentsOf: URL(fileURLWithPath: issuerKey))
                let prior = try previous.map { Array(try Data(contentsOf: URL(fileURLWithPath: $0))) }
                sealed = try WatchlistSealer.seal(entries, key: key, options: options, previous: prior) { done, total in
                    progress.update(done, of: total)
                }
                progress.finish()
                try Data(sealed.bundle).write(to: URL(fileURLWithPath: out))
                if let snapshotOut { try Data(sealed.snapshot).write(to: URL(fileURLWithPath: snapshotOut)) }
            } catch let bad as WatchlistInputErrors {
                progress.finish()
                for error in bad.errors { print("\(error)") }
                printError("输入有 \(bad.errors.count) 处错误，未生成名单包")
                throw ExitCode(1)
            } catch let error as WatchlistError {
                progress.finish()
                printError("\(error.message) (\(error.code))")
                throw ExitCode(2)
            }
            let h = sealed.header
            let kind = h.kind == .delta ? "增量（基于版本 \(h.previousVersion)）" : "完整"
            print("已生成名单包 \(out)：名单 \(h.listId) 版本 \(h.version) \(kind)，密钥轮次 \(h.keyEpoch)，\(h.cost)，\(h.recordCount) 条记录")
            if previous != nil {
                print("新增 \(sealed.added) 人，变更 \(sealed.changed) 人，未变 \(sealed.unchanged) 人，删除 \(sealed.removed) 条")
            }
        }
    }

    /// `renfang watchlist import`: verify and swap in a bundle.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a bundle against the trusted issuer keys and the version order, then swap it in.",
            discussion: """
                A bad signature, a changed byte, an untrusted key, an older version or a delta whose predecessor \
                is not in force is refused and the list in force stays. The import is written to the register's \
                audit log (as the security officer). Exit status: 0 imported, 1 refused, 2 the register or the \
                directory could not be opened.
                """
        )

        @Argument(help: "The bundle file.")
        var bundle: String

        @Option(name: .customLong("trusted-keys"), help: "A trusted issuer public key file, or a directory of them (*.pub).")
        var trustedKeys: String = "/etc/renfang/watchlist-issuers"

        @Option(name: .long, help: "The user id written to the audit log (default: cli:<login name>).")
        var user: String?

        @OptionGroup var lists: WatchlistOptions
        @OptionGroup var register: RegisterOptions

        func run() throws {
            let store = try lists.store()
            let registerStore = try register.openExisting()
            defer { try? registerStore.close() }
            let actor = Actor(userId: user ?? WatchlistSupport.defaultUser, role: .securityOfficer)
            let result: WatchlistStore.ImportResult
            do {
                let trusted = try TrustedKeys(path: trustedKeys)
                result = try store.importBundle(at: URL(fileURLWithPath: bundle), trusted: trusted)
            } catch let error as WatchlistError {
                try? blockingAwait { try await registerStore.auditWatchlist(action: "watchlist.importRefused", detail: "\(error.code)", by: actor) }
                printError("名单包被拒绝，在用名单不变：\(error.message) (\(error.code))")
                throw ExitCode(1)
            }
            let h = result.header
            try blockingAwait {
                try await registerStore.auditWatchlist(action: "watchlist.import",
                                                       detail: "\(h.listId) v\(h.version) \(h.kind) entries=\(result.entryCount)", by: actor)
            }
            print("已导入名单 \(h.listId) 版本 \(h.version)（\(h.kind == .delta ? "增量" : "完整")，此前 \(result.replacedVersion.map { "版本 \($0)" } ?? "无")），在用 \(result.entryCount) 条")
        }
    }

    /// `renfang watchlist status`: the lists in force.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the lists in force: versions, entry counts, ages, expiry.")

        @Flag(name: .long, help: "Print JSON lines instead of text.")
        var json = false

        @OptionGroup var lists: WatchlistOptions

        func run() throws {
            let now = Date()
            let statuses: [WatchlistStatus]
            do { statuses = try lists.store().status(now: now) } catch let error as WatchlistError {
                printError("\(error.message) (\(error.code))")
                throw ExitCode(2)
            }
            if statuses.isEmpty, !json { print("没有在用的名单") }
            for s in statuses {
                let h = s.header
                let age = Int(now.timeIntervalSince(Date(timeIntervalSince1970: TimeInterval(h.created))) / 86_400)
                if json {
                    ImportExportSupport.printJSON(StatusLine(
                        listId: h.listId, issuer: h.issuer, version: h.version, keyEpoch: h.keyEpoch, entries: s.entryCount,
                        created: h.created, imported: Int64(s.importedAt.timeIntervalSince1970),
                        validUntil: h.validUntil == 0 ? nil : h.validUntil, expired: s.isExpired, cost: h.cost.description))
                } else {
                    let until = h.validUntil == 0 ? "长期" : WatchlistSupport.day(h.validUntil)
                    print("\(h.listId)  版本 \(h.version)  签发 \(h.issuer)  \(s.entryCount) 条  生成于 \(WatchlistSupport.day(h.created))（\(age) 天前）  导入于 \(WatchlistSupport.day(Int64(s.importedAt.timeIntervalSince1970)))  有效期至 \(until)\(s.isExpired ? "  已过期（不再比对）" : "")  轮次 \(h.keyEpoch)  \(h.cost)")
                }
            }
        }

        struct StatusLine: Encodable {
            var listId: String, issuer: String, version: UInt64, keyEpoch: UInt32, entries: Int
            var created: Int64, imported: Int64, validUntil: Int64?, expired: Bool, cost: String
        }
    }

    /// `renfang watchlist check`: test one person (audited).
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check one ID number (or name + birth date) against the lists in force; audited.",
            discussion: """
                For an authorised operator (the police of the station, see --station) testing a number. The \
                check is written to the register's audit log with the number masked and the hit count. Exit \
                status: 0 checked (hit or not), 2 the register or the lists could not be opened.
                """
        )

        @Option(name: .long, help: "The ID number (15 or 18 characters).")
        var id: String?

        @Option(name: .long, help: "The name (with --birth-date, for a person without a number).")
        var name: String?

        @Option(name: .customLong("birth-date"), help: "The birth date YYYY-MM-DD.")
        var birthDate: String?

        @OptionGroup var lists: WatchlistOptions
        @OptionGroup var register: RegisterOptions
        @OptionGroup var operatorOptions: OperatorOptions

        func validate() throws {
            if id == nil, name == nil || birthDate == nil { throw ValidationError("需要 --id，或 --name 和 --birth-date") }
        }

        func run() throws {
            let store = try lists.store()
            let registerStore = try register.openExisting()
            defer { try? registerStore.close() }
            let identity = WatchlistIdentity(idNumber: id, name: name, birthDate: birthDate)
            let hits: [WatchlistHit]
            let actor: Actor
            do {
                actor = try operatorOptions.actor(in: registerStore)
                hits = try WatchlistChecker(store: store).check(identity)
            } catch let error as WatchlistError {
                printError("\(error.message) (\(error.code))")
                throw ExitCode(2)
            } catch let error as RegistryError {
                printError("\(error.message) (\(error.code))")
                throw ExitCode(2)
            }
            let who = identity.normalizedID.map(Alert.maskIdNumber) ?? Alert.maskName(name ?? "")
            do {
                try blockingAwait {
                    try await registerStore.auditWatchlist(action: "watchlist.check", detail: "\(who) hits=\(hits.count)", by: actor)
                }
            } catch let error as RegistryError {
                printError("\(error.message) (\(error.code))")
                throw ExitCode(2)
            }
            if hits.isEmpty {
                print("未命中：\(who) 不在任何在用名单中")
                return
            }
            for hit in hits {
                let d = hit.details
                let confirm = hit.nameConfirmed.map { $0 ? "姓名相符" : "姓名不符，请核实" } ?? ""
                print("命中：名单 \(hit.listId) 版本 \(hit.listVersion)（\(hit.issuer)） \(d.level.label) \(d.category)  \(d.name.map(Alert.maskName) ?? "")  \(confirm)")
                print("  处置要求：\(d.instructions)" + (d.validUntil.map { "  有效期至 \($0)" } ?? ""))
            }
        }
    }
}

enum WatchlistSupport {
    static var defaultUser: String { "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "root") }

    /// `YYYY-MM-DD` of Unix seconds in Asia/Shanghai.
    static func day(_ seconds: Int64) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let c = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}

/// A progress bar on stderr (`\r`-redrawn at most 10 times a second), for sealing.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let label: String
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(label: String) { self.label = label }

    func update(_ done: Int, of total: Int) {
        lock.withLock {
            let now = Date()
            guard done == total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
            lastDraw = now
            drawn = true
            let width = 30
            let filled = total == 0 ? width : width * done / total
            let rate = Double(done) / max(now.timeIntervalSince(start), 0.001)
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(done)/\(total) \(Int(rate)) 条/秒".utf8))
        }
    }

    func finish() {
        lock.withLock {
            if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
            drawn = false
        }
    }
}

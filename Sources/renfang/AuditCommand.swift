import ArgumentParser
import Registry

/// `renfang audit`: the register's hash-chained audit log.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "审计日志 / The register's hash-chained audit log.",
        subcommands: [Verify.self]
    )
}

extension AuditCommand {
    /// `renfang audit verify`: walks the chain and names the first broken entry.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify the audit chain.",
            discussion: """
                Prints `OK <count>` when every entry is intact, else the first broken entry (its seq, the \
                reason code and a message). Exit status: 0 intact, 1 broken, 2 the register could not be \
                opened (missing database, key refused, storage not durable).
                """
        )

        @OptionGroup var register: RegisterOptions
        @OptionGroup var log: LogOptions

        func run() throws {
            log.bootstrap()
            let store: RegisterStore
            do {
                store = try register.open(create: false)
            } catch let error as RegistryError {
                printError("无法打开登记数据库 / cannot open the register: \(error.code): \(error.message)")
                throw ExitCode(2)
            }
            defer { try? store.close() }
            let result = try store.auditLog.verify()
            if let broken = result.firstBroken {
                print("BROKEN seq=\(broken.seq) reason=\(broken.reason.rawValue) verified=\(result.count)")
                printError(broken.message)
                throw ExitCode(1)
            }
            print("OK \(result.count)" + (result.lastHash.map { " head=\($0)" } ?? ""))
        }
    }
}

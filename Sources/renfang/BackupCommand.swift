import ArgumentParser
import Foundation
import Registry

/// `renfang backup`: a consistent copy of the register while it runs.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "备份登记库 / Copy the register to a file (SQLite online backup, checked).",
        discussion: """
            Works while renfangd runs. The copy is checked (integrity_check) and synced before it gets its \
            final name; an existing file is never overwritten. The data key is not in the copy: keep a copy \
            of the key file (--key) apart from the backup, or the encrypted fields cannot be restored. \
            Exit status: 0 written, 1 refused or failed, 2 the register could not be opened.
            """
    )

    @Option(name: .long, help: "The backup file to write (must not exist).")
    var out: String

    @OptionGroup var register: RegisterOptions
    @OptionGroup var log: LogOptions

    func run() throws {
        log.bootstrap()
        let store = try register.openExisting()
        defer { try? store.close() }
        let destination = out
        do {
            let result = try ImportExportSupport.wait { try await store.backup(to: destination, by: .commandLine) }
            print("已备份 / backed up: \(result.path)  \(result.bytes) bytes  sha256 \(result.sha256)  人员 \(result.people)  居住登记 \(result.stays)")
        } catch let error as RegistryError {
            printError("备份失败 / backup failed: \(error.code): \(error.message)")
            throw ExitCode(1)
        }
    }
}

/// `renfang restore`: replaces the register with a checked backup.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "从备份恢复登记库 / Replace the register with a backup (stop renfangd first).",
        discussion: """
            The backup is copied, checked (integrity_check, schema version, the data key's check record, the \
            audit chain) and only then put in place; the current register is kept beside it as \
            REGISTER.before-restore-TIME. A corrupt or foreign file, a wrong key, or a register still open in \
            another process (renfangd) is refused and nothing changes. Exit status: 0 restored, 1 refused.
            """
    )

    @Argument(help: "The backup file.")
    var file: String

    @OptionGroup var register: RegisterOptions
    @OptionGroup var log: LogOptions

    func run() throws {
        log.bootstrap()
        do {
            let result = try RegisterStore.restore(from: file, to: register.database, keyFile: register.key)
            print("已恢复 / restored: \(result.path)  sha256 \(result.sha256)  人员 \(result.people)  居住登记 \(result.stays)")
            if let previous = result.previousMovedTo { print("原登记库已保留 / previous register kept as: \(previous)") }
        } catch let error as RegistryError {
            printError("恢复被拒绝 / restore refused: \(error.code): \(error.message)")
            throw ExitCode(1)
        }
    }
}

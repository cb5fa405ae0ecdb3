import ArgumentParser
import Logging

/// `renfang`: the admin command line of the renfang appliance.
@main
struct RenfangCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renfang",
        abstract: "renfang (人房) community population appliance — admin command line.",
        subcommands: [
            ReadCommand.self, ReadersCommand.self, DecodeCommand.self, SimCommand.self,
            InitCommand.self, ImportCommand.self, ExportCommand.self, StatsCommand.self, RemindersCommand.self, AuditCommand.self,
            WatchlistCommand.self,
            QueueCommand.self,
            BackupCommand.self, RestoreCommand.self,
            UsersCommand.self,
        ]
    )
}

/// Log options shared by the commands: logs go to stderr, never to stdout (stdout carries JSON).
struct LogOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Log protocol details (discarded bytes, retries) to stderr.")
    var verbose = false

    func bootstrap() {
        let level: Logger.Level = verbose ? .debug : .warning
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
    }
}

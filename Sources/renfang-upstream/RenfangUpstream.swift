import ArgumentParser
import Foundation
import Logging

/// `renfang-upstream`: the reference upstream server of protocol-docs/sync-protocol.md (the 分局/省厅
/// side), on its own SQLite database, with fault injection for tests and demos.
@main
struct RenfangUpstream: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renfang-upstream",
        abstract: "Reference upstream server of the renfang sync protocol (for tests, demos and integrators).",
        subcommands: [ServeCommand.self, ApplianceCommand.self, PushCommand.self, CaseCommand.self, FaultCommand.self, DumpCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}

/// The database option shared by the commands.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "The server's SQLite database (created if missing).")
    var db = "renfang-upstream.sqlite"
}

/// Prints `error` to stderr and exits with status 1 (2 for a configuration error).
func fail(_ error: any Error) -> ExitCode {
    FileHandle.standardError.write(Data("renfang-upstream: \(error)\n".utf8))
    return ExitCode(1)
}

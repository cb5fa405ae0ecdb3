import Appliance
import ArgumentParser

/// `renfangd`: the appliance daemon.
@main
struct RenfangdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "renfangd", abstract: "The renfang appliance daemon.")

    func run() async throws {}
}

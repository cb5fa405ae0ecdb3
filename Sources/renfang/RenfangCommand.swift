import ArgumentParser

@main
struct RenfangCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "renfang", abstract: "renfang admin CLI")
}

import ArgumentParser
import UpstreamServer

/// `renfang-upstream dump`: lists what the server holds.
struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "List appliances, streams (held, rejected, contiguous, highest), records, rejections and the inbox.")

    @OptionGroup var database: DatabaseOption
    @Option(name: .long, help: "Only this appliance.") var appliance: String?

    func run() throws {
        do {
            let text = try UpstreamStore(path: database.db).dump(applianceId: appliance)
            if !text.isEmpty { print(text) }
        } catch {
            throw fail(error)
        }
    }
}

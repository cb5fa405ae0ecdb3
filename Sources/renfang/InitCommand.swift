import ArgumentParser
import Foundation
import Registry

/// `renfang init`: creates the register (database and data key) and its police station, so that imports
/// and the other register commands have somewhere to write.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "创建登记库及其派出所 / Create the register (database, data key) and its police station.",
        discussion: "Exit status: 0 created (or the station already exists), 2 the register could not be created or opened."
    )

    @Option(name: .long, help: "公安机关机构代码 of the station (派出所).")
    var stationCode: String

    @Option(name: .long, help: "The station's name.")
    var stationName: String

    @Option(name: .long, help: "GB/T 2260 region code of the station (optional).")
    var region: String?

    @OptionGroup var register: RegisterOptions

    func run() throws {
        let store: RegisterStore
        do {
            store = try register.open(create: true)
        } catch let error as RegistryError {
            printError("无法创建登记数据库 / cannot create the register: \(error.code): \(error.message)")
            throw ExitCode(2)
        }
        defer { try? store.close() }
        let admin = Actor(userId: "local-admin", role: .admin)
        let existing = try blockingAwait { try await store.stations(for: admin) }
        if let found = existing.first(where: { $0.code == stationCode }) {
            print("派出所已存在 / station exists: \(found.code) \(found.name)")
            return
        }
        let code = stationCode, name = stationName, region = self.region
        do {
            let station = try blockingAwait {
                try await store.createStation(StationDraft(code: code, name: name, regionCode: region), by: admin)
            }
            print("已创建 / created: \(register.database)，派出所 \(station.code) \(station.name)")
        } catch let error as RegistryError {
            printError("\(error.code): \(error.message)")
            for field in error.fieldErrors { printError("  \(field.message)") }
            throw ExitCode(2)
        }
    }
}

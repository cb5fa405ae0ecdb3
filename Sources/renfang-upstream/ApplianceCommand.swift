import ArgumentParser
import Crypto
import Foundation
import UpstreamServer

/// `renfang-upstream appliance add ID --public-key BASE64`: registers an appliance's Ed25519 key.
struct ApplianceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "appliance", abstract: "Register appliances and their Ed25519 public keys.",
        subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Register (or add a key for) an appliance.")
        @OptionGroup var database: DatabaseOption
        @Argument(help: "The appliance id, e.g. RF-110105-0001.") var id: String
        @Option(name: .long, help: "The 32 raw bytes of the Ed25519 public key, base64.") var publicKey: String

        func run() throws {
            guard let raw = Data(base64Encoded: publicKey), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
                throw fail(UpstreamError("upstream.config", "--public-key is not 32 bytes of base64"))
            }
            do { try UpstreamStore(path: database.db).addAppliance(id: id, publicKey: key) } catch { throw fail(error) }
        }
    }
}

import ArgumentParser
import Foundation
import Logging
import UpstreamServer

/// `renfang-upstream serve`: runs the server until SIGTERM/SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the protocol endpoints (and the control endpoint on 127.0.0.1).",
        discussion: """
            Prints one line `listening HOST:PORT control 127.0.0.1:PORT` on stdout once bound. TLS is on with \
            --tls-cert and --tls-key; mutual TLS (client certificate required) with --client-ca as well.
            """
    )

    @OptionGroup var database: DatabaseOption
    @Option(name: .long, help: "Address to listen on.") var host = "127.0.0.1"
    @Option(name: .long, help: "Port of the protocol endpoints (0: any free port).") var port = 8443
    @Option(name: .long, help: "Port of the control endpoint on 127.0.0.1 (0: any free port).") var controlPort = 8444
    @Flag(name: .long, help: "No control endpoint.") var noControl = false
    @Option(name: .long, help: "Server certificate chain (PEM).") var tlsCert: String?
    @Option(name: .long, help: "Server private key (PEM).") var tlsKey: String?
    @Option(name: .long, help: "CA (PEM) that client certificates must chain to: mutual TLS.") var clientCa: String?
    @Option(name: .long, help: "Bearer token required on every protocol request.") var token: String?
    @Option(name: .long, help: "A fault to start with (repeatable), as for `fault`.") var fault: [String] = []
    @Flag(name: .shortAndLong, help: "Log each request to stderr.") var verbose = false

    func run() async throws {
        var configuration = UpstreamServer.Configuration(databasePath: database.db)
        configuration.host = host
        configuration.port = port
        configuration.controlPort = noControl ? nil : controlPort
        configuration.certificate = tlsCert
        configuration.privateKey = tlsKey
        configuration.clientCA = clientCa
        configuration.bearerToken = token
        configuration.faults = fault
        var logger = Logger(label: "renfang.upstream")
        logger.logLevel = verbose ? .debug : .warning
        let server: UpstreamServer
        do { server = try UpstreamServer(configuration: configuration, logger: logger) } catch { throw fail(error) }
        let host = self.host
        try await server.run { ports in
            let control = ports.control.map { " control 127.0.0.1:\($0)" } ?? ""
            FileHandle.standardOutput.write(Data("listening \(host):\(ports.server)\(control)\n".utf8))
        }
    }
}

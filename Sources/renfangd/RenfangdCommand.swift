import Appliance
import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus

/// `renfangd`: the appliance daemon. Thin: load and validate the configuration, bootstrap logging and
/// metrics, then run ``Daemon``.
@main
struct RenfangdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renfangd", abstract: "The renfang appliance daemon (readers, register, watchlist, sync, API, feed).")

    @Option(name: .long, help: "The configuration file.")
    var config = RenfangConfiguration.defaultPath

    @Flag(name: .long, help: "Validate the configuration and exit (0 valid, 78 invalid).")
    var checkConfig = false

    func run() async throws {
        let configuration: RenfangConfiguration
        do {
            configuration = try RenfangConfiguration.load(path: config)
        } catch {
            FileHandle.standardError.write(Data("renfangd: 配置无效 (configuration invalid)\n\(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG: systemd does not restart-loop on it (RestartPreventExitStatus)
        }
        if checkConfig {
            print("renfangd: \(config): OK")
            return
        }
        let level = configuration.logging.level
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "renfangd")
        do {
            let daemon = try Daemon(configuration: configuration, prometheus: registry, logger: logger)
            try await daemon.run()
        } catch {
            logger.critical("renfangd stopped", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import Synchronization
import SyncProtocol

/// The reference server of protocol-docs/sync-protocol.md: the protocol endpoints on `host:port` (TLS,
/// mutual when a client CA is given) with fault injection, and a plain-HTTP control endpoint on
/// 127.0.0.1 for switching faults at run time.
public final class UpstreamServer: Sendable {
    /// What the server listens on and how it authenticates.
    public struct Configuration: Sendable {
        /// The SQLite database.
        public var databasePath: String
        /// Address of the protocol endpoints.
        public var host = "127.0.0.1"
        /// Port of the protocol endpoints (0: any free port).
        public var port = 8443
        /// Port of the control endpoint on 127.0.0.1 (`nil`: none; 0: any free port).
        public var controlPort: Int? = 8444
        /// Server certificate chain (PEM); TLS is on when this and `privateKey` are set.
        public var certificate: String?
        /// Server private key (PEM).
        public var privateKey: String?
        /// CA (PEM) that client certificates must chain to; set → mutual TLS required.
        public var clientCA: String?
        /// Bearer token every protocol request must carry, if set.
        public var bearerToken: String?
        /// Fault commands to start with.
        public var faults: [String] = []

        /// A configuration with defaults for everything but the database.
        public init(databasePath: String) { self.databasePath = databasePath }
    }

    /// The ports actually bound (useful with port 0).
    public struct Ports: Sendable, Hashable {
        /// The protocol endpoints.
        public var server: Int
        /// The control endpoint, if any.
        public var control: Int?
    }

    /// The configuration.
    public let configuration: Configuration
    /// The database.
    public let store: UpstreamStore
    /// The fault switches.
    public let faults = FaultSwitches()
    let logger: Logger

    /// Opens the database and applies the initial faults (nothing listens yet: see ``run(onReady:)``).
    public init(configuration: Configuration, logger: Logger = Logger(label: "renfang.upstream")) throws {
        self.configuration = configuration
        self.logger = logger
        store = try UpstreamStore(path: configuration.databasePath)
        for command in configuration.faults { try faults.apply(command) }
    }

    /// Serves until the task is cancelled (or, with `handleSignals`, SIGTERM/SIGINT); calls `onReady` once
    /// every listener is bound.
    public func run(handleSignals: Bool = true, onReady: @escaping @Sendable (Ports) async -> Void = { _ in }) async throws {
        let tls = try tlsConfiguration()
        let faults = self.faults
        let bound = Mutex<(server: Int?, control: Int?, reported: Bool)>((nil, nil, false))
        let wantsControl = configuration.controlPort != nil
        // Called as each listener binds; reports exactly once, when the last one has (both callbacks may
        // find both bound, so the check and the mark are one step).
        @Sendable func report() async {
            let ready: Ports? = bound.withLock { state in
                guard !state.reported, let server = state.server, !wantsControl || state.control != nil else { return nil }
                state.reported = true
                return Ports(server: server, control: state.control)
            }
            if let ready { await onReady(ready) }
        }
        let server = HTTPServerBuilder { responder in
            let base = FaultChannel(base: HTTP1Channel(responder: responder), faults: faults)
            if let tls { return try TLSChannel(base, tlsConfiguration: tls) }
            return base
        }
        let app = Application(
            router: protocolRouter(), server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "renfang-upstream"),
            onServerRunning: { channel in
                bound.withLock { $0.server = channel.localAddress?.port }
                await report()
            },
            logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : []) }
            if let controlPort = configuration.controlPort {
                let control = Application(
                    router: controlRouter(),
                    configuration: .init(address: .hostname("127.0.0.1", port: controlPort), serverName: "renfang-upstream-control"),
                    onServerRunning: { channel in
                        bound.withLock { $0.control = channel.localAddress?.port }
                        await report()
                    },
                    logger: logger)
                group.addTask { try await control.runService(gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : []) }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// A server started with ``startInBackground()``.
    public struct Background: Sendable {
        /// The bound ports.
        public let ports: Ports
        let task: Task<Void, any Error>

        /// Stops the server and waits until it has.
        public func stop() async {
            task.cancel()
            _ = try? await task.value
        }
    }

    /// Runs the server in a task of its own (no signal handling) and returns once every listener is bound:
    /// for embedding it (the tests of the sync client, the API and this module). Throws the server's error
    /// when it stops before it is ready.
    public func startInBackground() async throws -> Background {
        let (stream, continuation) = AsyncStream.makeStream(of: Ports.self)
        let task = Task {
            defer { continuation.finish() }
            try await run(handleSignals: false) { ports in continuation.yield(ports) }
        }
        var iterator = stream.makeAsyncIterator()
        guard let ports = await iterator.next() else {
            _ = try await task.value
            throw UpstreamError("upstream.start", "the server stopped before it was ready")
        }
        return Background(ports: ports, task: task)
    }

    func tlsConfiguration() throws -> TLSConfiguration? {
        guard let certificate = configuration.certificate, let key = configuration.privateKey else {
            if configuration.certificate != nil || configuration.privateKey != nil || configuration.clientCA != nil {
                throw UpstreamError("upstream.config", "TLS needs both --tls-cert and --tls-key (and --client-ca for mutual TLS)")
            }
            return nil
        }
        do {
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            if let clientCA = configuration.clientCA {
                tls.trustRoots = .file(clientCA)
                tls.certificateVerification = .noHostnameVerification
            }
            return tls
        } catch {
            throw UpstreamError("upstream.tls", "cannot load TLS files: \(error)")
        }
    }
}

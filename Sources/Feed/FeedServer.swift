import Foundation
import Glibc
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The local feed: a Unix socket speaking newline-delimited JSON (protocol-docs/feed-protocol.md).
///
/// One server per socket: the public socket (``FeedAudience/public``: LED and big-screen controllers)
/// and the alert socket (``FeedAudience/restricted``, its own group). A client subscribes to topics
/// and receives their events, a heartbeat every ``Configuration/heartbeat``, and nothing it may not
/// see: the public socket refuses the alert topic, and the bus filters by audience as well. A client
/// that falls behind by ``Configuration/capacity`` events is disconnected; nobody else notices.
///
/// A `Service`: ``run()`` serves until graceful shutdown (or cancellation), then closes every
/// connection and removes the socket file.
public struct FeedServer: Service, CustomStringConvertible {
    /// Where and how the socket is served.
    public struct Configuration: Sendable {
        /// The socket path (its directory must exist).
        public var path: String
        /// Who the socket is for.
        public var audience: FeedAudience
        /// File mode of the socket (default 0660: owner and group).
        public var mode: mode_t
        /// Group owning the socket (`nil`: the daemon's own group).
        public var group: String?
        /// Interval of heartbeat lines.
        public var heartbeat: Duration
        /// Undelivered events a client may fall behind before it is disconnected.
        public var capacity: Int
        /// Clients served at once; more are told so and closed.
        public var maximumClients: Int
        /// Longest request line accepted, in bytes.
        public var maximumLineLength: Int

        /// A configuration with the defaults.
        public init(path: String, audience: FeedAudience, mode: mode_t = 0o660, group: String? = nil,
                    heartbeat: Duration = .seconds(15), capacity: Int = 256, maximumClients: Int = 32,
                    maximumLineLength: Int = 4096) {
            self.path = path
            self.audience = audience
            self.mode = mode
            self.group = group
            self.heartbeat = heartbeat
            self.capacity = capacity
            self.maximumClients = maximumClients
            self.maximumLineLength = maximumLineLength
        }
    }

    /// Protocol version announced in `hello`.
    public static let protocolVersion = 1

    let configuration: Configuration
    let bus: EventBus
    let logger: Logger
    let clients = ClientCounter()

    /// A server of `bus` on the socket of `configuration`.
    public init(configuration: Configuration, bus: EventBus, logger: Logger = Logger(label: "renfang.feed")) {
        self.configuration = configuration
        self.bus = bus
        self.logger = logger
    }

    public var description: String { "FeedServer(\(configuration.audience.rawValue))" }

    /// Binds the socket (replacing a stale socket file), sets its mode and group, and serves until
    /// graceful shutdown or cancellation.
    public func run() async throws {
        let server = try await bind()
        logger.info("feed socket listening", metadata: ["path": .string(configuration.path),
                                                        "audience": .string(configuration.audience.rawValue)])
        defer { unlink(configuration.path) }
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingDiscardingTaskGroup { group in
                    try await server.executeThenClose { inbound in
                        for try await client in inbound {
                            group.addTask { await self.serve(client) }
                        }
                    }
                }
            }
        } catch where Task.isCancelled || Task.isShuttingDownGracefully {
            // Shut down on request: the connections are closed, the socket file goes.
        }
    }

    /// Binds on a temporary name, sets mode and group, then renames the socket into place: a client
    /// never finds the socket with other permissions than the configured ones.
    private func bind() async throws -> NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never> {
        let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
        let temporary = configuration.path + ".new"
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 16)
                .bind(unixDomainSocketPath: temporary, cleanupExistingSocketFile: true) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw FeedError(.socket, "cannot listen on \(configuration.path): \(error)")
        }
        do {
            try applyOwnership(temporary)
            guard rename(temporary, configuration.path) == 0 else {
                throw FeedError(.socket, "cannot move the socket to \(configuration.path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? await server.channel.close()
            unlink(temporary)
            throw error
        }
        return server
    }

    /// chmod, then chgrp when a group is configured.
    private func applyOwnership(_ path: String) throws {
        guard chmod(path, configuration.mode) == 0 else {
            throw FeedError(.socket, "cannot set the mode of \(configuration.path): \(String(cString: strerror(errno)))")
        }
        guard let group = configuration.group else { return }
        guard let entry = getgrnam(group) else {
            throw FeedError(.socket, "feed socket group '\(group)' does not exist (create it, or change the feed's group)")
        }
        guard chown(path, UInt32.max, entry.pointee.gr_gid) == 0 else {
            throw FeedError(.socket, "cannot give \(configuration.path) to group '\(group)': \(String(cString: strerror(errno)))")
        }
    }
}

/// Counts connected clients against the limit.
final class ClientCounter: Sendable {
    private let count = Mutex(0)

    /// Takes a place if one is free.
    func enter(limit: Int) -> Bool {
        count.withLock { value in
            guard value < limit else { return false }
            value += 1
            return true
        }
    }

    func leave() { count.withLock { $0 -= 1 } }
}

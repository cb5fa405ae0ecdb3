import Foundation
import NIOCore

extension FeedServer {
    /// One client: `hello`, then requests and their answers, events of its subscription, heartbeats.
    func serve(_ client: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        guard clients.enter(limit: configuration.maximumClients) else {
            try? await client.executeThenClose { _, outbound in
                try await outbound.write(ByteBuffer(bytes: FeedJSON.line([
                    "type": .text("bye"), "code": .text("feed.tooManyClients"),
                    "message": .text("too many clients (at most \(configuration.maximumClients))"),
                ])))
            }
            return
        }
        defer { clients.leave() }
        let channel = client.channel
        let (subscriptions, next) = AsyncStream.makeStream(of: FeedSubscription.self)
        let current = SubscriptionSlot()
        do {
            try await client.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(bytes: FeedJSON.line([
                    "type": .text("hello"), "protocol": .number(Self.protocolVersion),
                    "audience": .text(configuration.audience.rawValue),
                    "topics": .texts(FeedTopic.allCases.filter { configuration.audience.mayReceive($0) }.map(\.rawValue)),
                    "heartbeatSeconds": .number(Int(configuration.heartbeat.components.seconds)),
                ])))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    // Events of the current subscription; a new subscribe replaces it.
                    group.addTask {
                        for await subscription in subscriptions {
                            for await event in subscription {
                                try await outbound.write(ByteBuffer(bytes: event.line))
                            }
                        }
                    }
                    group.addTask {
                        while true {
                            try await Task.sleep(for: configuration.heartbeat)
                            try await outbound.write(ByteBuffer(bytes: FeedJSON.line([
                                "type": .text("heartbeat"), "time": .text(FeedJSON.timestamp(Date())),
                            ])))
                        }
                    }
                    // Requests until the client closes its side.
                    var splitter = LineSplitter(maximum: configuration.maximumLineLength)
                    reading: for try await buffer in inbound {
                        let lines: [[UInt8]]
                        do {
                            lines = try splitter.append(buffer.readableBytesView)
                        } catch let error as FeedError {
                            try await outbound.write(ByteBuffer(bytes: Self.errorLine(error)))
                            break reading
                        }
                        for line in lines where !line.allSatisfy({ $0 == 32 || $0 == 9 }) {
                            do {
                                switch try FeedRequest.parse(line, audience: configuration.audience) {
                                case .ping:
                                    try await outbound.write(ByteBuffer(bytes: FeedJSON.line(["type": .text("pong")])))
                                case let .subscribe(topics):
                                    try await outbound.write(ByteBuffer(bytes: FeedJSON.line([
                                        "type": .text("subscribed"), "topics": .texts(topics.map(\.rawValue).sorted()),
                                    ])))
                                    let subscription = bus.subscribe(topics: topics, audience: configuration.audience,
                                                                     capacity: configuration.capacity) {
                                        channel.close(promise: nil)
                                    }
                                    current.replace(with: subscription)?.cancel()
                                    next.yield(subscription)
                                }
                            } catch let error as FeedError {
                                try await outbound.write(ByteBuffer(bytes: Self.errorLine(error)))
                            }
                        }
                    }
                    group.cancelAll()
                }
            }
        } catch {
            logger.debug("feed client ended", metadata: ["reason": .string("\(error)")])
        }
        next.finish()
        current.replace(with: nil)?.cancel()
        if current.endedSlow {
            logger.warning("feed client disconnected: too slow", metadata: ["socket": .string(configuration.path)])
        }
    }

    static func errorLine(_ error: FeedError) -> Data {
        FeedJSON.line(["type": .text("error"), "code": .text(error.code.rawValue), "message": .text(error.message)])
    }
}

/// The subscription a connection currently streams.
final class SubscriptionSlot: @unchecked Sendable {
    private let lock = NSLock()
    private var subscription: FeedSubscription?
    private var slow = false

    /// Puts `new` in the slot; returns the previous one.
    func replace(with new: FeedSubscription?) -> FeedSubscription? {
        lock.withLock {
            let old = subscription
            if old?.endReason == .tooSlow { slow = true }
            subscription = new
            return old
        }
    }

    /// Whether a subscription of this connection ended for being too slow.
    var endedSlow: Bool { lock.withLock { slow || subscription?.endReason == .tooSlow } }
}

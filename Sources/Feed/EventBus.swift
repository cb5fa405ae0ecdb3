import Foundation
import Synchronization

/// The in-process event bus: producers ``publish(_:)``, consumers ``subscribe(topics:audience:capacity:)``.
///
/// Publishing never waits: each subscriber has a bounded buffer, and a subscriber whose buffer is full
/// (a slow client) is ended with ``FeedSubscription/EndReason/tooSlow`` instead of slowing the
/// producer or anyone else. The last event of each retained topic (``FeedTopic/isRetained``) is kept and
/// handed to new subscribers first.
public final class EventBus: Sendable {
    private struct State {
        var sequence: UInt64 = 0
        var subscribers: [UInt64: FeedSubscription] = [:]
        var nextId: UInt64 = 0
        var retained: [FeedTopic: FeedEvent] = [:]
    }

    private let state = Mutex(State())

    /// An empty bus.
    public init() {}

    /// Publishes an event to every subscriber of its topic; returns it with its sequence number.
    @discardableResult
    public func publish(_ event: FeedEvent) -> FeedEvent {
        var event = event
        let targets: [FeedSubscription] = state.withLock { state in
            state.sequence += 1
            event.sequence = state.sequence
            if event.topic.isRetained { state.retained[event.topic] = event }
            return state.subscribers.values.filter { $0.wants(event.topic) }
        }
        for subscription in targets where !subscription.deliver(event) {
            remove(subscription.id)
        }
        return event
    }

    /// A new subscription to `topics` (those `audience` may receive; others are ignored), with room for
    /// `capacity` undelivered events. The retained events of those topics are delivered at once.
    /// `onTooSlow` is called (once, on the publisher's thread) when the subscription is ended for falling
    /// behind: a socket server closes the connection there, since its writer may be blocked.
    public func subscribe(topics: Set<FeedTopic>, audience: FeedAudience, capacity: Int = 256,
                          onTooSlow: @escaping @Sendable () -> Void = {}) -> FeedSubscription {
        let allowed = topics.filter { audience.mayReceive($0) }
        return state.withLock { state in
            state.nextId += 1
            // Room for the retained events on top of the capacity: they are delivered under the lock, where
            // a full buffer must not end the subscription (its end handler takes the lock too).
            let room = max(1, capacity) + FeedTopic.allCases.count
            let subscription = FeedSubscription(id: state.nextId, topics: allowed, capacity: room, onTooSlow: onTooSlow) { [weak self] id in
                self?.remove(id)
            }
            for topic in FeedTopic.allCases where allowed.contains(topic) {
                if let last = state.retained[topic] { _ = subscription.deliver(last) }
            }
            state.subscribers[subscription.id] = subscription
            return subscription
        }
    }

    /// The number of live subscriptions.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// The last event of a retained topic, if any.
    public func retained(_ topic: FeedTopic) -> FeedEvent? { state.withLock { $0.retained[topic] } }

    private func remove(_ id: UInt64) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: id) }
    }
}

/// One consumer's view of the bus: an async sequence of events, ended when the consumer cancels it,
/// when it falls more than its capacity behind, or when the bus owner finishes it.
public final class FeedSubscription: Sendable, AsyncSequence {
    public typealias Element = FeedEvent

    /// Why a subscription ended.
    public enum EndReason: String, Sendable, Hashable {
        /// The consumer cancelled it.
        case cancelled
        /// The consumer fell behind by more than its capacity.
        case tooSlow
    }

    let id: UInt64
    /// The topics delivered.
    public let topics: Set<FeedTopic>
    private let stream: AsyncStream<FeedEvent>
    private let continuation: AsyncStream<FeedEvent>.Continuation
    private let reason = Mutex<EndReason?>(nil)
    private let onTooSlow: @Sendable () -> Void

    init(id: UInt64, topics: Set<FeedTopic>, capacity: Int, onTooSlow: @escaping @Sendable () -> Void,
         onEnd: @escaping @Sendable (UInt64) -> Void) {
        self.id = id
        self.topics = topics
        self.onTooSlow = onTooSlow
        (stream, continuation) = AsyncStream.makeStream(of: FeedEvent.self, bufferingPolicy: .bufferingOldest(Swift.max(1, capacity)))
        continuation.onTermination = { _ in onEnd(id) }
    }

    func wants(_ topic: FeedTopic) -> Bool { topics.contains(topic) }

    /// Hands an event over; `false` when the subscription is over (full buffer ends it as too slow).
    func deliver(_ event: FeedEvent) -> Bool {
        switch continuation.yield(event) {
        case .enqueued: return true
        case .dropped:
            end(.tooSlow)
            return false
        case .terminated: return false
        @unknown default: return false
        }
    }

    /// Ends the subscription (the sequence finishes after the events already buffered).
    public func cancel() { end(.cancelled) }

    /// Why it ended (`nil` while it runs).
    public var endReason: EndReason? { reason.withLock { $0 } }

    private func end(_ why: EndReason) {
        let first = reason.withLock { current -> Bool in
            guard current == nil else { return false }
            current = why
            return true
        }
        guard first else { return }
        continuation.finish()
        if why == .tooSlow { onTooSlow() }
    }

    public func makeAsyncIterator() -> AsyncStream<FeedEvent>.AsyncIterator { stream.makeAsyncIterator() }
}

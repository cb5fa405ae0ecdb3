import Foundation
import SAMProtocol

/// Collects a runner's events from its thread and lets a test wait for one.
final class EventRecorder: @unchecked Sendable {
    private let condition = NSCondition()
    private var events: [ReaderEvent] = []
    private var consumed = 0

    func record(_ event: ReaderEvent) {
        condition.lock()
        events.append(event)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for the next event (after those already returned) that matches; nil on timeout.
    func next(within seconds: Double = 5, where match: (ReaderEvent) -> Bool) -> ReaderEvent? {
        let limit = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while true {
            while consumed < events.count {
                let e = events[consumed]
                consumed += 1
                if match(e) { return e }
            }
            if !condition.wait(until: limit) { return nil }
        }
    }

    /// Every event so far except diagnostics.
    var all: [ReaderEvent] {
        condition.lock()
        defer { condition.unlock() }
        return events.filter { if case .diagnostic = $0 { false } else { true } }
    }

    static func isReady(_ e: ReaderEvent) -> Bool { if case .ready = e { true } else { false } }
    static func isCard(_ e: ReaderEvent) -> Bool { if case .cardRead = e { true } else { false } }
    static func isRemoved(_ e: ReaderEvent) -> Bool { e == .cardRemoved }
    static func isFault(_ e: ReaderEvent) -> Bool { if case .fault = e { true } else { false } }
    static func isCardError(_ e: ReaderEvent) -> Bool { if case .cardError = e { true } else { false } }
}

import Foundation
import SAMProtocol

/// Collects events from other threads (a runner's, a manager's) and lets a test wait for one.
final class Recorder<Event: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var events: [Event] = []
    private var consumed = 0

    func record(_ event: Event) {
        condition.lock()
        events.append(event)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for the next event (after those already returned) that matches; nil on timeout.
    func next(within seconds: Double = 5, where match: (Event) -> Bool) -> Event? {
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

    /// Every event so far.
    var all: [Event] {
        condition.lock()
        defer { condition.unlock() }
        return events
    }
}

/// A reader runner's events.
typealias EventRecorder = Recorder<ReaderEvent>

extension Recorder where Event == ReaderEvent {
    static func isReady(_ e: ReaderEvent) -> Bool { if case .ready = e { true } else { false } }
    static func isCard(_ e: ReaderEvent) -> Bool { if case .cardRead = e { true } else { false } }
    static func isRemoved(_ e: ReaderEvent) -> Bool { e == .cardRemoved }
    static func isFault(_ e: ReaderEvent) -> Bool { if case .fault = e { true } else { false } }
    static func isCardError(_ e: ReaderEvent) -> Bool { if case .cardError = e { true } else { false } }
}

import Foundation
import IDCard
import Logging
import SAMProtocol

/// Reads cards from one reader until a count or a time limit: the engine of `renfang read`.
///
/// Before the reader has answered once, a fault ends the loop (the device cannot be opened, or does not
/// answer); after that, faults are reported and the session reopens the device by itself, as the daemon does.
public struct CardReadLoop: Sendable {
    /// How the loop ended.
    public enum Outcome: Sendable, Hashable {
        case done(cardsRead: Int)
        case cannotOpen(ReaderError)
        case notAnswering(ReaderError)
        case timedOut(cardsRead: Int)
    }

    public let driver: any ReaderDriver

    /// Reads from any reader driver (GA 467 over serial or USB, or PC/SC).
    public init(driver: any ReaderDriver) {
        self.driver = driver
    }

    /// Reads from a GA 467 reader over `transport`.
    public init(transport: any ByteTransport, configuration: ReaderSessionConfiguration, logger: Logger = Logger(label: "renfang.read")) {
        self.init(driver: ReaderRunner(transport: transport, configuration: configuration, logger: logger))
    }

    /// Runs until `count` cards were read (nil: no limit) or `timeout` passed (nil: no limit).
    /// `card` is called for each card, `notice` with a Chinese message for the person or operator.
    public func run(
        count: Int?, timeout: Duration?,
        card: @escaping @Sendable (CardRead) -> Void,
        notice: @escaping @Sendable (String) -> Void
    ) -> Outcome {
        let runner = driver
        let state = LoopState()
        runner.start { event in
            switch event {
            case .ready:
                state.update { $0.ready = true }
            case let .cardRead(c):
                let n = state.update { s -> Int in
                    guard s.outcome == nil else { return -1 }
                    s.cards += 1
                    return s.cards
                }
                guard n > 0 else { return }
                card(c)
                if let count, n >= count { state.finish(.done(cardsRead: n)) }
            case let .cardError(error):
                notice(error.chineseMessage)
            case let .fault(error):
                let wasReady = state.update { $0.ready }
                if !wasReady {
                    if case .cannotOpen = error {
                        state.finish(.cannotOpen(error))
                    } else {
                        state.finish(.notAnswering(error))
                    }
                } else {
                    notice("\(error.chineseMessage)，正在重新连接 / \(error)")
                    state.update { $0.ready = false }
                }
            case .cardRemoved, .diagnostic:
                break
            }
        }
        var outcome = state.wait(timeout: timeout)
        runner.stop()
        if case let .timedOut(n) = outcome {
            if !state.update({ $0.ready }) && n == 0 {
                outcome = .notAnswering(.timeout(command: "samStatus", attempts: 0))
            } else if count == nil {
                outcome = .done(cardsRead: n)
            }
        }
        return outcome
    }
}

/// Shared between the reader thread and the waiting caller.
final class LoopState: @unchecked Sendable {
    struct Values {
        var ready = false
        var cards = 0
        var outcome: CardReadLoop.Outcome?
    }

    private let condition = NSCondition()
    private var values = Values()

    @discardableResult
    func update<T>(_ body: (inout Values) -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body(&values)
    }

    func finish(_ outcome: CardReadLoop.Outcome) {
        condition.lock()
        if values.outcome == nil { values.outcome = outcome }
        condition.broadcast()
        condition.unlock()
    }

    func wait(timeout: Duration?) -> CardReadLoop.Outcome {
        condition.lock()
        defer { condition.unlock() }
        let limit = timeout.map { Date().addingTimeInterval(Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18) }
        while values.outcome == nil {
            if let limit {
                if !condition.wait(until: limit) { break }
            } else {
                condition.wait()
            }
        }
        if let o = values.outcome { return o }
        // Time is up.
        values.outcome = .timedOut(cardsRead: values.cards)
        return values.outcome!
    }
}

extension CardReadLoop {
    /// Reads cards from whichever readers `manager` finds (`renfang read --any`): returns after `count`
    /// cards (default 1) or when `timeout` has passed.
    public static func any(
        manager: ReaderManager, count: Int = 1, timeout: Duration?,
        card: @escaping @Sendable (CardRead) -> Void,
        notice: @escaping @Sendable (String) -> Void
    ) -> Outcome {
        let state = LoopState()
        manager.start { event in
            switch event {
            case let .readerAdded(info):
                notice("发现读卡器 / reader found: \(info.deviceName)")
            case let .readerRemoved(info):
                notice("读卡器已移除 / reader removed: \(info.deviceName)")
            case let .cardRead(_, c):
                let n = state.update { s -> Int in
                    guard s.outcome == nil else { return -1 }
                    s.cards += 1
                    return s.cards
                }
                guard n > 0 else { return }
                card(c)
                if n >= count { state.finish(.done(cardsRead: n)) }
            case let .cardError(device, error):
                notice("\(device)：\(error.chineseMessage)")
            case let .readerFault(device, error):
                notice("\(device)：\(error.chineseMessage) / \(error)")
            case .readerReady, .cardRemoved:
                break
            }
        }
        let outcome = state.wait(timeout: timeout)
        manager.stop()
        return outcome
    }
}

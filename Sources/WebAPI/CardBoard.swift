import Foundation
import IDCard
import Synchronization

/// The last card read on each reader, in memory only, for a short time: what the kiosk's self-service flow
/// and the desk's "register from the reader" work on. The intake pipeline posts every identity read
/// (``post(_:at:)``) after the register has recorded it; nothing here is ever written to disk or logged.
///
/// The event bus carries only the masked card (surname + `*`), so the full read the register needs is
/// kept here, keyed by the reader's device name, and forgotten after ``WebAPIOptions/cardFreshness``
/// or when it is used up (a kiosk declaration takes it).
public final class CardBoard: Sendable {
    /// A card on the board.
    public struct Entry: Sendable {
        /// The read.
        public var card: CardRead
        /// When it was read.
        public var readAt: Date
        /// A random id of this read (a page echoes it so an older screen cannot act on a newer card).
        public var token: UUID
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// An empty board.
    public init() {}

    /// Puts a read on the board for its reader (``CardRead/reader``), replacing the previous one. Reads
    /// without a reader name or without an identity (physical card number only) are ignored.
    public func post(_ card: CardRead, at date: Date = Date()) {
        guard let reader = card.reader, card.text.cardType != .physicalOnly else { return }
        entries.withLock { $0[reader] = Entry(card: card, readAt: date, token: UUID()) }
    }

    /// The card read on `reader` within `freshness` before `now`, if any.
    public func fresh(reader: String, within freshness: Duration, now: Date = Date()) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries[reader] else { return nil }
            guard now.timeIntervalSince(entry.readAt) <= freshness.seconds, entry.readAt <= now.addingTimeInterval(5) else {
                entries[reader] = nil
                return nil
            }
            return entry
        }
    }

    /// Removes the card of `reader` if it is still the one with `token` (a used-up kiosk card).
    public func take(reader: String, token: UUID) {
        entries.withLock { entries in
            if entries[reader]?.token == token { entries[reader] = nil }
        }
    }

    /// Forgets the card of `reader` (card removed, kiosk idle).
    public func clear(reader: String) {
        _ = entries.withLock { $0.removeValue(forKey: reader) }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

import Foundation

/// The outcome of one reconciliation of a destination: the appliance's count and digest of the delivered
/// range against the server's, and the sequence numbers the server said it is missing (re-queued).
public struct ReconciliationResult: Sendable, Hashable, Codable {
    /// First sequence number of the range.
    public var fromSeq: Int64
    /// Last sequence number of the range.
    public var toSeq: Int64
    /// Delivered items in the range at the appliance.
    public var localCount: Int
    /// Items the server holds in the range.
    public var remoteCount: Int
    /// Whether count and digest agree.
    public var matched: Bool
    /// Sequence numbers the server does not hold (re-queued for sending).
    public var missing: [Int64]
    /// Sequence numbers held on both sides with different contents (found by bisection; reported with an
    /// alarm, never re-sent automatically).
    public var unexpected: [Int64]

    /// A result.
    public init(fromSeq: Int64, toSeq: Int64, localCount: Int, remoteCount: Int, matched: Bool, missing: [Int64], unexpected: [Int64]) {
        self.fromSeq = fromSeq
        self.toSeq = toSeq
        self.localCount = localCount
        self.remoteCount = remoteCount
        self.matched = matched
        self.missing = missing
        self.unexpected = unexpected
    }
}

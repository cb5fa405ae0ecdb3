import Crypto
import Foundation

/// The body of `POST /v1/reconcile`: the appliance's account of the records of `from…to` that it holds
/// as delivered (accepted or duplicate receipts) to this destination.
public struct ReconcileRequest: Codable, Sendable, Hashable {
    /// The appliance.
    public var applianceId: String
    /// First sequence number of the range (≥ 1).
    public var from: Int64
    /// Last sequence number (≥ `from`, at most ``SyncLimits/maxReconcileSpan`` numbers).
    public var to: Int64
    /// How many delivered records the appliance counts in the range.
    public var count: Int64
    /// The ``RangeDigest`` of those records.
    public var digest: String

    /// A request as given.
    public init(applianceId: String, from: Int64, to: Int64, count: Int64, digest: String) {
        self.applianceId = applianceId
        self.from = from
        self.to = to
        self.count = count
        self.digest = digest
    }

    /// Checks the range, count and digest forms; throws ``SyncProtocolError/Code/reconcileInvalid``.
    public func validate() throws(SyncProtocolError) {
        guard SyncFormat.isApplianceId(applianceId) else { throw SyncProtocolError(.reconcileInvalid, "applianceId is malformed") }
        guard from >= 1, to >= from, to - from < SyncLimits.maxReconcileSpan else {
            throw SyncProtocolError(.reconcileInvalid, "range \(from)…\(to) is not 1 ≤ from ≤ to within \(SyncLimits.maxReconcileSpan)")
        }
        guard count >= 0, count <= to - from + 1 else { throw SyncProtocolError(.reconcileInvalid, "count \(count) does not fit the range") }
        guard SyncFormat.isHexDigest(digest) else { throw SyncProtocolError(.reconcileInvalid, "digest is not 64 lower-case hex digits") }
    }
}

/// The answer to a reconciliation: the server's own count and digest of the range and what it lacks.
public struct ReconcileResponse: Codable, Sendable, Hashable {
    /// The range asked about.
    public var from: Int64
    /// The range asked about.
    public var to: Int64
    /// How many records of the range the server holds.
    public var count: Int64
    /// The ``RangeDigest`` of those records.
    public var digest: String
    /// `true` when count and digest equal the appliance's.
    public var match: Bool
    /// Sequence numbers of the range that the server has never received (records it rejected
    /// permanently are not missing), at most ``SyncLimits/maxMissingRanges`` ranges.
    public var missing: [SeqRange]
    /// Whether `missing` was cut.
    public var missingTruncated: Bool

    /// An answer as given.
    public init(from: Int64, to: Int64, count: Int64, digest: String, match: Bool, missing: [SeqRange], missingTruncated: Bool = false) {
        self.from = from
        self.to = to
        self.count = count
        self.digest = digest
        self.match = match
        self.missing = missing
        self.missingTruncated = missingTruncated
    }
}

/// The digest of a sequence range: SHA-256 over one line per held record, in ascending `seq` order, each
/// line `"<seq> <id> <payloadDigest>\n"` (decimal seq, lower-case UUID, lower-case hex, single spaces, one
/// line feed). An empty range digests to the SHA-256 of nothing (`e3b0c442…b855`).
public struct RangeDigest: Sendable {
    private var hasher = SHA256()
    /// Records added so far.
    public private(set) var count: Int64 = 0

    /// An empty digest.
    public init() {}

    /// Adds the next record (callers add in ascending `seq` order).
    public mutating func add(seq: Int64, id: String, payloadDigest: String) {
        hasher.update(data: Data("\(seq) \(id) \(payloadDigest)\n".utf8))
        count += 1
    }

    /// Lower-case hex of the digest so far.
    public var hex: String { CanonicalJSON.hex(hasher.finalize()) }
}

/// What the server did with one record of a batch.
public struct Receipt: Codable, Sendable, Hashable {
    /// The record's `id` as sent (empty if the record had none).
    public var id: String
    /// The record's `seq` as sent, when it had one.
    public var seq: Int64?
    /// Accepted, duplicate or rejected.
    public var status: Status
    /// For `rejected`: the stable code (a ``SyncProtocolError/Code`` raw value, or a server's own).
    public var code: String?
    /// For `rejected`: operator text.
    public var message: String?
    /// For `rejected`: `true` if sending the record again can never succeed (quarantine it), `false` if it
    /// may later (send it again with backoff).
    public var permanent: Bool?

    /// A receipt as given.
    public init(id: String, seq: Int64?, status: Status, code: String? = nil, message: String? = nil, permanent: Bool? = nil) {
        self.id = id
        self.seq = seq
        self.status = status
        self.code = code
        self.message = message
        self.permanent = permanent
    }

    /// An `accepted` receipt.
    public static func accepted(_ record: SyncRecord) -> Receipt { Receipt(id: record.id, seq: record.seq, status: .accepted) }
    /// A `duplicate` receipt.
    public static func duplicate(_ record: SyncRecord) -> Receipt { Receipt(id: record.id, seq: record.seq, status: .duplicate) }
    /// A `rejected` receipt for `error` (its ``SyncProtocolError/isPermanent`` decides `permanent`).
    public static func rejected(id: String, seq: Int64?, _ error: SyncProtocolError) -> Receipt {
        Receipt(id: id, seq: seq, status: .rejected, code: error.code.rawValue, message: error.message, permanent: error.isPermanent)
    }

    /// Whether the server now holds the record (`accepted` or `duplicate`): the appliance may mark it sent.
    public var isDelivered: Bool { status != .rejected }

    /// The status of one record.
    public enum Status: String, Codable, Sendable, Hashable {
        /// Stored now, for the first time.
        case accepted
        /// Already held under this id with the same payload digest; nothing was stored again.
        case duplicate
        /// Not stored; see `code` and `permanent`.
        case rejected
    }
}

/// The body of a `200` answer to `POST /v1/batches`: one receipt per record, in the batch's order.
public struct BatchResponse: Codable, Sendable, Hashable {
    /// The batch's `batchId`.
    public var batchId: String
    /// One receipt per record, in the same order.
    public var receipts: [Receipt]
    /// The highest `seq` the server has received from this appliance, held or permanently rejected (0 if none).
    public var highestSeq: Int64
    /// Sequence numbers below `highestSeq` that the server has never received (not counting records it
    /// rejected permanently), as inclusive ranges, at most ``SyncLimits/maxMissingRanges``.
    public var missing: [SeqRange]
    /// Whether `missing` was cut.
    public var missingTruncated: Bool

    /// A response as given.
    public init(batchId: String, receipts: [Receipt], highestSeq: Int64, missing: [SeqRange] = [], missingTruncated: Bool = false) {
        self.batchId = batchId
        self.receipts = receipts
        self.highestSeq = highestSeq
        self.missing = missing
        self.missingTruncated = missingTruncated
    }
}

/// An inclusive range of sequence numbers.
public struct SeqRange: Codable, Sendable, Hashable {
    /// First sequence number.
    public var from: Int64
    /// Last sequence number (≥ `from`).
    public var to: Int64
    /// A range.
    public init(from: Int64, to: Int64) {
        self.from = from
        self.to = to
    }
    /// How many numbers it holds.
    public var count: Int64 { to - from + 1 }
}

import Foundation

/// One record on its way to one destination: the envelope of protocol-docs/sync-protocol.md, "Record".
///
/// `id` identifies the business record change for ever (the same change sent twice is a duplicate);
/// `seq` numbers the records of one appliance for one destination from 1 without gaps.
public struct SyncRecord: Codable, Sendable, Hashable {
    /// Lower-case UUID of the record, unique across appliances and destinations' retries.
    public var id: String
    /// Per-destination sequence number, from 1, without gaps on the appliance's side.
    public var seq: Int64
    /// What the payload is (`person`, `house`, `stay`, `read`, `alert`, `audit.checkpoint`, …).
    public var kind: String
    /// 1 新增, 2 修改, 3 注销.
    public var operation: Operation
    /// Where the data came from; the appliance sends 2 (external collection).
    public var source: Source
    /// When the change happened at the appliance (wire timestamp, see ``SyncTime``).
    public var occurredAt: String
    /// The appliance that made the record.
    public var applianceId: String
    /// The record itself: a JSON object.
    public var payload: JSONValue
    /// Lower-case hex SHA-256 of the payload's canonical JSON.
    public var payloadDigest: String

    /// A record with every member given as it is on the wire (nothing computed, nothing checked).
    public init(id: String, seq: Int64, kind: String, operation: Operation, source: Source, occurredAt: String,
                applianceId: String, payload: JSONValue, payloadDigest: String) {
        self.id = id
        self.seq = seq
        self.kind = kind
        self.operation = operation
        self.source = source
        self.occurredAt = occurredAt
        self.applianceId = applianceId
        self.payload = payload
        self.payloadDigest = payloadDigest
    }

    /// A record with its payload digest computed and its id and time written in wire form.
    public init(id: UUID, seq: Int64, kind: String, operation: Operation, source: Source = .externalCollection,
                occurredAt: Date, applianceId: String, payload: JSONValue) {
        self.init(id: id.uuidString.lowercased(), seq: seq, kind: kind, operation: operation, source: source,
                  occurredAt: SyncTime.string(occurredAt), applianceId: applianceId, payload: payload,
                  payloadDigest: SyncRecord.digest(of: payload))
    }

    /// Lower-case hex SHA-256 of the canonical JSON of `payload`.
    public static func digest(of payload: JSONValue) -> String {
        CanonicalJSON.sha256Hex(CanonicalJSON.data(payload))
    }

    /// The operation of a record. Kept as an integer on the wire so that an unknown value is a per-record
    /// rejection, not an undecodable batch.
    public struct Operation: RawRepresentable, Codable, Sendable, Hashable {
        /// The wire integer.
        public var rawValue: Int
        /// An operation.
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// 1 新增: the record is new.
        public static let create = Operation(rawValue: 1)
        /// 2 修改: the record changes an earlier one.
        public static let update = Operation(rawValue: 2)
        /// 3 注销: the record cancels an earlier one.
        public static let cancel = Operation(rawValue: 3)
        /// Whether this is 1, 2 or 3.
        public var isKnown: Bool { (1...3).contains(rawValue) }

        /// Decodes the bare integer.
        public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(Int.self) }
        /// Encodes the bare integer.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
    }

    /// The data source code of a record (1…9; the appliance sends 2).
    public struct Source: RawRepresentable, Codable, Sendable, Hashable {
        /// The wire integer.
        public var rawValue: Int
        /// A source.
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// 2 外部采集: collected outside the bureau's own systems, i.e. at the appliance.
        public static let externalCollection = Source(rawValue: 2)

        /// Decodes the bare integer.
        public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(Int.self) }
        /// Encodes the bare integer.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
    }
}

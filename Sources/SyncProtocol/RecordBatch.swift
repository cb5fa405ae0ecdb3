/// The body of `POST /v1/batches`: up to ``SyncLimits/maxRecordsPerBatch`` records of one appliance,
/// signed with the appliance's Ed25519 key (see `RecordBatch+Signing.swift`).
public struct RecordBatch: Codable, Sendable, Hashable {
    /// Lower-case UUID of this upload attempt (a retry of the same records may reuse it or not).
    public var batchId: String
    /// The sending appliance; every record's `applianceId` equals it.
    public var applianceId: String
    /// When the appliance sent the batch (wire timestamp).
    public var sentAt: String
    /// The records, in ascending `seq` order.
    public var records: [SyncRecord]
    /// The Ed25519 signature over the batch without this member; `nil` only before signing.
    public var signature: BatchSignature?

    /// A batch as given (unsigned unless `signature` is passed).
    public init(batchId: String, applianceId: String, sentAt: String, records: [SyncRecord],
                signature: BatchSignature? = nil) {
        self.batchId = batchId
        self.applianceId = applianceId
        self.sentAt = sentAt
        self.records = records
        self.signature = signature
    }
}

/// The `signature` member of a batch.
public struct BatchSignature: Codable, Sendable, Hashable {
    /// Always `Ed25519`.
    public var alg: String
    /// Lower-case hex SHA-256 of the 32 raw bytes of the appliance's public key.
    public var keyId: String
    /// Standard base64 (with padding) of the 64-byte signature.
    public var value: String

    /// A signature member.
    public init(alg: String = BatchSignature.ed25519, keyId: String, value: String) {
        self.alg = alg
        self.keyId = keyId
        self.value = value
    }

    /// The only algorithm of protocol version 1.
    public static let ed25519 = "Ed25519"
}

extension RecordBatch {
    /// Checks the batch-level members (not the records: a bad record is a rejected receipt, never a
    /// refused batch). Throws ``SyncProtocolError/Code/batchInvalid`` or ``SyncProtocolError/Code/batchSize``.
    public func validate() throws(SyncProtocolError) {
        guard SyncFormat.isUUID(batchId) else { throw SyncProtocolError(.batchInvalid, "batchId is not a lower-case UUID") }
        guard SyncFormat.isApplianceId(applianceId) else { throw SyncProtocolError(.batchInvalid, "applianceId is malformed") }
        guard SyncTime.isValid(sentAt) else { throw SyncProtocolError(.batchInvalid, "sentAt is not an RFC 3339 UTC timestamp") }
        guard !records.isEmpty, records.count <= SyncLimits.maxRecordsPerBatch else {
            throw SyncProtocolError(.batchSize, "\(records.count) records; 1…\(SyncLimits.maxRecordsPerBatch) allowed")
        }
    }
}

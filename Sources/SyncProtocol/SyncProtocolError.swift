/// A protocol violation or a refusal, with a stable code. The same codes appear in rejected receipts
/// (``Receipt/code``) and in error bodies (``ErrorBody``).
public struct SyncProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable dotted code (see the `Code` constants).
    public var code: Code
    /// Operator text.
    public var message: String

    /// An error with this code and message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }

    /// Whether sending the same thing again can never succeed (a rejected receipt's `permanent`).
    public var isPermanent: Bool { !Code.transient.contains(code) }

    /// A stable error code. Never renamed, only added.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The dotted code.
        public let rawValue: String
        /// A code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The dotted code.
        public var description: String { rawValue }

        /// The body is not JSON, not a JSON object, or lacks a required member (HTTP 400).
        public static let malformed = Code(rawValue: "request.malformed")
        /// The body exceeds ``SyncLimits/maxBatchBytes`` (HTTP 413).
        public static let tooLarge = Code(rawValue: "request.tooLarge")
        /// The bearer token is missing or wrong (HTTP 401).
        public static let unauthorized = Code(rawValue: "auth.unauthorized")
        /// The appliance is not registered with this server or its certificate names another one (HTTP 403).
        public static let unknownAppliance = Code(rawValue: "auth.unknownAppliance")
        /// A batch without a signature (HTTP 403).
        public static let signatureMissing = Code(rawValue: "batch.signature.missing")
        /// The signature does not verify, its key id is not the appliance's, or `alg` is not Ed25519 (HTTP 403).
        public static let signatureInvalid = Code(rawValue: "batch.signature.invalid")
        /// `batchId` is not a lower-case UUID, `sentAt` not a timestamp, or `applianceId` malformed (HTTP 422).
        public static let batchInvalid = Code(rawValue: "batch.invalid")
        /// No records, or more than ``SyncLimits/maxRecordsPerBatch`` (HTTP 422).
        public static let batchSize = Code(rawValue: "batch.size")

        /// A record that could not be read as an envelope at all (receipt).
        public static let recordMalformed = Code(rawValue: "record.malformed")
        /// `id` is not a lower-case UUID (receipt).
        public static let recordId = Code(rawValue: "record.id")
        /// `seq` is below 1 (receipt).
        public static let recordSeq = Code(rawValue: "record.seq")
        /// `kind` does not match `^[a-z][a-z0-9._-]{0,63}$` (receipt).
        public static let recordKind = Code(rawValue: "record.kind")
        /// `operation` is not 1, 2 or 3 (receipt).
        public static let recordOperation = Code(rawValue: "record.operation")
        /// `source` is not in 1…9 (receipt).
        public static let recordSource = Code(rawValue: "record.source")
        /// `occurredAt` is not a wire timestamp (receipt).
        public static let recordOccurredAt = Code(rawValue: "record.occurredAt")
        /// The record's `applianceId` is malformed or differs from the batch's (receipt).
        public static let recordAppliance = Code(rawValue: "record.applianceId")
        /// The payload is not an object, holds an integer outside ±(2⁵³−1), or exceeds
        /// ``SyncLimits/maxPayloadBytes`` (receipt).
        public static let recordPayload = Code(rawValue: "record.payload")
        /// `payloadDigest` is not the SHA-256 of the payload's canonical JSON (receipt).
        public static let recordDigest = Code(rawValue: "record.payloadDigest")
        /// The server already holds this record id with another payload digest, or this sequence number
        /// under another record id (receipt).
        public static let recordConflict = Code(rawValue: "record.conflict")
        /// The server does not take records of this kind (receipt).
        public static let kindRefused = Code(rawValue: "record.kindRefused")
        /// The server could not store the record now; send it again later (receipt, transient).
        public static let recordDeferred = Code(rawValue: "record.deferred")

        /// `from`/`to` of a reconciliation are not 1 ≤ from ≤ to, or span more than
        /// ``SyncLimits/maxReconcileSpan``; or count/digest malformed (HTTP 422).
        public static let reconcileInvalid = Code(rawValue: "reconcile.invalid")
        /// A bad inbox cursor, limit or acknowledgement (HTTP 422).
        public static let inboxInvalid = Code(rawValue: "inbox.invalid")
        /// Too many requests; honour Retry-After (HTTP 429, transient).
        public static let overloaded = Code(rawValue: "server.overloaded")
        /// Down for maintenance; honour Retry-After (HTTP 503, transient).
        public static let unavailable = Code(rawValue: "server.unavailable")
        /// An unexpected server failure (HTTP 500, transient).
        public static let internalError = Code(rawValue: "server.internal")
        /// No such path or method (HTTP 404/405).
        public static let notFound = Code(rawValue: "request.notFound")

        /// The codes after which the same request may succeed later.
        public static let transient: Set<Code> = [.recordDeferred, .overloaded, .unavailable, .internalError]
    }
}

/// The limits of protocol version 1. A server may accept more; an appliance never sends more.
public enum SyncLimits {
    /// Records in one batch.
    public static let maxRecordsPerBatch = 500
    /// Bytes of one request body (batch, reconciliation, acknowledgement).
    public static let maxBatchBytes = 4 * 1024 * 1024
    /// Bytes of one record's canonical payload.
    public static let maxPayloadBytes = 256 * 1024
    /// Sequence numbers in one reconciliation range.
    public static let maxReconcileSpan: Int64 = 1_000_000
    /// Missing ranges listed in one answer (more are cut, with `missingTruncated: true`).
    public static let maxMissingRanges = 1000
    /// Inbox messages in one page.
    public static let maxInboxPage = 100
    /// The largest integer magnitude allowed in a payload (2⁵³−1, exact in every JSON parser).
    public static let maxSafeInteger: Int64 = 9_007_199_254_740_991
}

/// The HTTP paths of protocol version 1 (relative to the destination's base URL).
public enum SyncPaths {
    /// `POST`: a ``RecordBatch``; answers a ``BatchResponse``.
    public static let batches = "/v1/batches"
    /// `POST`: a ``ReconcileRequest``; answers a ``ReconcileResponse``.
    public static let reconcile = "/v1/reconcile"
    /// `GET ?appliance=ID&after=CURSOR&limit=N`: answers an ``InboxPage``.
    public static let inbox = "/v1/inbox"
    /// `POST`: an ``InboxAck``; answers an ``InboxAckResponse``.
    public static let inboxAck = "/v1/inbox/ack"
    /// `GET`: `{"status":"ok"}`, no authentication beyond TLS.
    public static let health = "/v1/health"
}

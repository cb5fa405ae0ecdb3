/// One entry of the hash-chained audit log. It never holds personal data in clear: the target is named
/// by kind and UUID, the change by digests of the row before and after (``RowDigest``), and `detail`
/// holds at most counts, codes and masked ID numbers.
public struct AuditEntry: Sendable, Hashable, Codable {
    /// Position in the chain, from 1, without gaps.
    public var seq: Int64
    /// When (UTC, `YYYY-MM-DDTHH:MM:SS.sssZ`).
    public var at: String
    /// ``Actor/userId``.
    public var actor: String
    /// ``Role/name``.
    public var actorRole: String
    /// What was done, e.g. `stay.checkIn`, `house.cancel`, `export`.
    public var action: String
    /// The kind of the target (``RecordKind/rawValue``, or e.g. `export`).
    public var targetKind: String
    /// The target record's UUID.
    public var targetUuid: String?
    /// SHA-256 (hex) of the canonical JSON of the row before the change; `nil` for a creation.
    public var beforeDigest: String?
    /// SHA-256 (hex) of the row after the change.
    public var afterDigest: String?
    /// Non-personal detail (counts, codes, masked numbers).
    public var detail: String?
    /// ``hash`` of the previous entry (64 zeros for the first).
    public var prevHash: String
    /// SHA-256 (hex) of the canonical JSON of every field above (see ``AuditChain/hash(of:)``).
    public var hash: String
}

/// The chain rule shared by writing and verifying.
enum AuditChain {
    /// `prev_hash` of entry 1.
    static let genesis = String(repeating: "0", count: 64)

    /// SHA-256 of the canonical JSON object of the entry's fields, `hash` excluded.
    static func hash(of e: AuditEntry) -> String {
        CanonicalJSON.sha256Hex(CanonicalJSON.object([
            ("seq", String(e.seq)), ("at", CanonicalJSON.json(e.at)), ("actor", CanonicalJSON.json(e.actor)),
            ("actorRole", CanonicalJSON.json(e.actorRole)), ("action", CanonicalJSON.json(e.action)),
            ("targetKind", CanonicalJSON.json(e.targetKind)), ("targetUuid", CanonicalJSON.json(e.targetUuid)),
            ("beforeDigest", CanonicalJSON.json(e.beforeDigest)), ("afterDigest", CanonicalJSON.json(e.afterDigest)),
            ("detail", CanonicalJSON.json(e.detail)), ("prevHash", CanonicalJSON.json(e.prevHash)),
        ]))
    }
}

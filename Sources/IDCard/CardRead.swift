/// One card as read from a reader: the decoded text block plus the opaque photo and fingerprints, the
/// appended addresses, and where it was read. Its `Codable` form is the card JSON
/// (protocol-docs/card-json.md; CardRead+Codable.swift).
public struct CardRead: Sendable, Hashable {
    /// The decoded text block.
    public var text: CardText
    /// The 1024-byte WLT photo blob, opaque (decoding needs a vendor library).
    public var photoWlt: [UInt8]?
    /// 0–2 fingerprint templates of 512 bytes, opaque.
    public var fingerprints: [[UInt8]]
    /// Addresses appended after issue (住址变更, from the 70-byte appended-address records), oldest first.
    public var appendedAddresses: [String]
    /// The reader's SAM ID, formatted, if known.
    public var samId: String?
    /// The reader's device name, e.g. `serial:/dev/ttyUSB0`.
    public var reader: String?
    /// The 8-byte physical card number as 16 upper-case hex digits, when the reader reports it (PC/SC
    /// readers without a SAM: `00 36 00 00 08`; cards of type ``CardType/physicalOnly``).
    public var cardNumber: String?
    /// Warnings added outside the text block (e.g. `photo.badHeader`). Use codes outside the text-block
    /// vocabulary (``CardWarning/isTextBlockWarning``) so the JSON round trip puts them back here.
    public var extraWarnings: [CardWarning]

    /// A card read; everything but the text defaults to absent or empty.
    public init(
        text: CardText,
        photoWlt: [UInt8]? = nil,
        fingerprints: [[UInt8]] = [],
        appendedAddresses: [String] = [],
        samId: String? = nil,
        reader: String? = nil,
        cardNumber: String? = nil,
        extraWarnings: [CardWarning] = []
    ) {
        self.text = text
        self.photoWlt = photoWlt
        self.fingerprints = fingerprints
        self.appendedAddresses = appendedAddresses
        self.samId = samId
        self.reader = reader
        self.cardNumber = cardNumber
        self.extraWarnings = extraWarnings
    }

    /// All warnings: `text.warnings` then `extraWarnings`, duplicates removed, first occurrence kept.
    public var warnings: [CardWarning] {
        (text.warnings + extraWarnings).deduplicated()
    }
}

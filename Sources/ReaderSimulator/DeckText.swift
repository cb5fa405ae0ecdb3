import IDCard

/// The text of a deck card: a record encoded with ``TextBlock/encode(_:)``, or raw bytes sent as they are
/// (for broken blocks a ``CardText`` cannot express: an unknown marker, an unpaired surrogate).
public enum DeckText: Sendable, Hashable {
    /// A text record; the card carries `TextBlock.encode(text)`.
    case card(CardText)
    /// A raw text block, sent unchanged (256 bytes for a well-formed `30 01` answer).
    case raw([UInt8])

    /// The bytes the card carries.
    public var bytes: [UInt8] {
        switch self {
        case let .card(text): TextBlock.encode(text)
        case let .raw(bytes): bytes
        }
    }

    /// What a host decodes from ``bytes``.
    public var decoded: CardText { TextBlock.decode(bytes) }
}

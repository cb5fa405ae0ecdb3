import IDCard
import SAMProtocol

/// One card of a deck: what a SAM reads from it when it is placed on the emulated reader.
public struct DeckCard: Sendable, Hashable {
    /// The name used by `place NAME` (letters, digits, `.`, `_`, `-`).
    public var name: String
    /// The 256-byte text block, as a record or raw bytes.
    public var text: DeckText
    /// The photo blob (a real card: 1024 bytes of WLT starting with "WL").
    public var photo: [UInt8]
    /// 0–2 opaque fingerprint templates of 512 bytes (sent by `30 10`).
    public var fingerprints: [[UInt8]]
    /// 0–4 appended addresses (sent by `30 03`, 70 bytes of UCS-2 each, so at most 35 characters).
    public var appendedAddresses: [String]
    /// The 8-byte card serial number (CID) sent by `30 05`.
    public var cardSerial: [UInt8]

    /// A deck card.
    public init(
        name: String,
        text: DeckText,
        photo: [UInt8],
        fingerprints: [[UInt8]] = [],
        appendedAddresses: [String] = [],
        cardSerial: [UInt8]
    ) {
        self.name = name
        self.text = text
        self.photo = photo
        self.fingerprints = fingerprints
        self.appendedAddresses = appendedAddresses
        self.cardSerial = cardSerial
    }

    /// The text block bytes.
    public var textBlock: [UInt8] { text.bytes }

    /// What `30 01` / `30 10` carry: text, photo and the fingerprint templates joined.
    public var payload: CardPayload {
        CardPayload(text: textBlock, photo: photo, fingerprint: fingerprints.flatMap { $0 })
    }

    /// A one-line description without personal data: name, card type, masked number.
    public var summary: String {
        let decoded = text.decoded
        let number = decoded.idNumber.map(IDNumber.mask) ?? "-"
        var parts = [name, decoded.cardType.rawValue, number]
        if !fingerprints.isEmpty { parts.append("fp=\(fingerprints.count)") }
        if !appendedAddresses.isEmpty { parts.append("addr=\(appendedAddresses.count)") }
        if !decoded.warnings.isEmpty { parts.append("warnings=" + decoded.warnings.map(\.rawValue).joined(separator: ",")) }
        return parts.joined(separator: " ")
    }

    /// Whether `name` is usable as a deck name: 1–64 of `A–Z a–z 0–9 . _ -`, and not the reserved `random`.
    public static func isValidName(_ name: String) -> Bool {
        guard (1...64).contains(name.utf8.count), name != "random" else { return false }
        return name.utf8.allSatisfy { b in
            (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
        }
    }
}

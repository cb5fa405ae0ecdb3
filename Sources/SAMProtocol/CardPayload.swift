import IDCard

/// The data of a successful `30 01` / `30 10` response: text block, photo and fingerprints.
///
/// `30 01`: textLen(2) photoLen(2) text photo. `30 10`: textLen(2) photoLen(2) fpLen(2) text photo fp.
/// Lengths are big-endian byte counts.
public struct CardPayload: Hashable, Sendable {
    public var text: [UInt8]
    public var photo: [UInt8]
    public var fingerprint: [UInt8]

    public init(text: [UInt8], photo: [UInt8], fingerprint: [UInt8] = []) {
        self.text = text
        self.photo = photo
        self.fingerprint = fingerprint
    }

    /// The expected sizes: a 256-byte text block and a 1024-byte WLT photo.
    public static let textSize = 256
    public static let photoSize = 1024
    public static let fingerprintTemplateSize = 512

    /// Parses response data. Throws ``ReaderError/malformedPayload(_:)`` when the lengths do not add up.
    public static func parse(_ data: [UInt8], withFingerprint: Bool) throws(ReaderError) -> CardPayload {
        let headerSize = withFingerprint ? 6 : 4
        guard data.count >= headerSize else {
            throw .malformedPayload("card data of \(data.count) bytes is shorter than its \(headerSize)-byte header")
        }
        let textLen = Int(data[0]) << 8 | Int(data[1])
        let photoLen = Int(data[2]) << 8 | Int(data[3])
        let fpLen = withFingerprint ? (Int(data[4]) << 8 | Int(data[5])) : 0
        guard headerSize + textLen + photoLen + fpLen == data.count else {
            throw .malformedPayload(
                "card data lengths text \(textLen) + photo \(photoLen) + fingerprint \(fpLen) do not match \(data.count - headerSize) bytes")
        }
        guard textLen == textSize else {
            throw .malformedPayload("text block is \(textLen) bytes, expected \(textSize)")
        }
        var i = headerSize
        let text = Array(data[i..<(i + textLen)]); i += textLen
        let photo = Array(data[i..<(i + photoLen)]); i += photoLen
        let fp = Array(data[i..<(i + fpLen)])
        return CardPayload(text: text, photo: photo, fingerprint: fp)
    }

    /// Builds response data (the emulator's side).
    public func encoded(withFingerprint: Bool) -> [UInt8] {
        func be16(_ n: Int) -> [UInt8] { [UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)] }
        var out = be16(text.count) + be16(photo.count)
        if withFingerprint { out += be16(fingerprint.count) }
        return out + text + photo + (withFingerprint ? fingerprint : [])
    }

    /// The fingerprint area split into 512-byte templates (a trailing partial template is dropped).
    public var fingerprintTemplates: [[UInt8]] {
        stride(from: 0, to: fingerprint.count - Self.fingerprintTemplateSize + 1, by: Self.fingerprintTemplateSize)
            .map { Array(fingerprint[$0..<($0 + Self.fingerprintTemplateSize)]) }
    }

    /// Decodes into a card record (text via ``TextBlock``); photo and fingerprints stay opaque.
    public func cardRead(appendedAddresses: [String] = [], samId: String? = nil, reader: String? = nil) -> CardRead {
        var extra: [CardWarning] = []
        if photo.count != Self.photoSize || !(photo.count >= 2 && photo[0] == 0x57 && photo[1] == 0x4C) {
            extra.append(CardWarning(rawValue: "photo.badHeader"))
        }
        if fingerprint.count % Self.fingerprintTemplateSize != 0 {
            extra.append(CardWarning(rawValue: "fingerprint.badLength"))
        }
        return CardRead(
            text: TextBlock.decode(text),
            photoWlt: photo.isEmpty ? nil : photo,
            fingerprints: fingerprintTemplates,
            appendedAddresses: appendedAddresses,
            samId: samId,
            reader: reader,
            extraWarnings: extra
        )
    }
}

/// The data of a successful `30 03` response: up to four 70-byte UCS-2LE address records.
public enum AppendedAddressPayload {
    public static let recordSize = 70
    public static let maximumRecords = 4

    /// Parses the records; trailing spaces trimmed, empty records dropped.
    public static func parse(_ data: [UInt8]) throws(ReaderError) -> [String] {
        guard data.count % recordSize == 0, data.count / recordSize <= maximumRecords else {
            throw .malformedPayload("appended address data of \(data.count) bytes is not 1–4 records of 70 bytes")
        }
        return stride(from: 0, to: data.count, by: recordSize).compactMap { i in
            let s = UCS2.decode(data[i..<(i + recordSize)]).text
            return s.isEmpty ? nil : s
        }
    }

    /// Builds response data (the emulator's side).
    public static func encode(_ addresses: [String]) -> [UInt8] {
        addresses.prefix(maximumRecords).flatMap { UCS2.encode($0, width: recordSize) }
    }
}

import Foundation

extension CardRead: Codable {
    /// The card JSON keys (protocol-docs/card-json.md). Stable: never rename one, only add.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case cardType, name, englishName, sex, sexText, nation, nationText, birthDate, address, idNumber
        case issuer, validFrom, validTo, passNumber, issueCount, nationality, cardVersion, authorityCode
        case renewalCount, previousCardLink, appendedAddresses, photoWlt, fingerprints, warnings, samId, reader
        case cardNumber
    }

    /// Encodes the card JSON. Absent fields are omitted (no `null`), as are empty `appendedAddresses` and
    /// `fingerprints`; `warnings` (``warnings``, merged) is always present. Dates use
    /// ``CardDate/jsonValue``; `photoWlt` and each fingerprint are standard base64 strings; `sexText` and
    /// `nationText` are added for display when the code is known.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(text.cardType, forKey: .cardType)
        try c.encodeIfPresent(text.name, forKey: .name)
        try c.encodeIfPresent(text.englishName, forKey: .englishName)
        try c.encodeIfPresent(text.sex, forKey: .sex)
        try c.encodeIfPresent(text.sexText, forKey: .sexText)
        try c.encodeIfPresent(text.nation, forKey: .nation)
        try c.encodeIfPresent(text.nationText, forKey: .nationText)
        try c.encodeIfPresent(text.birthDate?.jsonValue, forKey: .birthDate)
        try c.encodeIfPresent(text.address, forKey: .address)
        try c.encodeIfPresent(text.idNumber, forKey: .idNumber)
        try c.encodeIfPresent(text.issuer, forKey: .issuer)
        try c.encodeIfPresent(text.validFrom?.jsonValue, forKey: .validFrom)
        try c.encodeIfPresent(text.validTo?.jsonValue, forKey: .validTo)
        try c.encodeIfPresent(text.passNumber, forKey: .passNumber)
        try c.encodeIfPresent(text.issueCount, forKey: .issueCount)
        try c.encodeIfPresent(text.nationality, forKey: .nationality)
        try c.encodeIfPresent(text.cardVersion, forKey: .cardVersion)
        try c.encodeIfPresent(text.authorityCode, forKey: .authorityCode)
        try c.encodeIfPresent(text.renewalCount, forKey: .renewalCount)
        try c.encodeIfPresent(text.previousCardLink, forKey: .previousCardLink)
        if !appendedAddresses.isEmpty {
            try c.encode(appendedAddresses, forKey: .appendedAddresses)
        }
        try c.encodeIfPresent(photoWlt.map { Data($0).base64EncodedString() }, forKey: .photoWlt)
        if !fingerprints.isEmpty {
            try c.encode(fingerprints.map { Data($0).base64EncodedString() }, forKey: .fingerprints)
        }
        try c.encode(warnings, forKey: .warnings)
        try c.encodeIfPresent(samId, forKey: .samId)
        try c.encodeIfPresent(reader, forKey: .reader)
        try c.encodeIfPresent(cardNumber, forKey: .cardNumber)
    }

    /// Decodes the card JSON. `cardType` is required; every other key is optional (`warnings` absent means
    /// none). `sexText` and `nationText` are ignored (they follow from the codes). Dates are read with
    /// ``CardDate/init(jsonValue:)``. Warnings in the text-block vocabulary
    /// (``CardWarning/isTextBlockWarning``) go to `text.warnings`, the others to ``extraWarnings``, each
    /// in their JSON order. Invalid base64 is a `DecodingError`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var text = CardText(cardType: try c.decode(CardType.self, forKey: .cardType))
        text.name = try c.decodeIfPresent(String.self, forKey: .name)
        text.englishName = try c.decodeIfPresent(String.self, forKey: .englishName)
        text.sex = try c.decodeIfPresent(String.self, forKey: .sex)
        text.nation = try c.decodeIfPresent(String.self, forKey: .nation)
        text.birthDate = try c.decodeIfPresent(String.self, forKey: .birthDate).map(CardDate.init(jsonValue:))
        text.address = try c.decodeIfPresent(String.self, forKey: .address)
        text.idNumber = try c.decodeIfPresent(String.self, forKey: .idNumber)
        text.issuer = try c.decodeIfPresent(String.self, forKey: .issuer)
        text.validFrom = try c.decodeIfPresent(String.self, forKey: .validFrom).map(CardDate.init(jsonValue:))
        text.validTo = try c.decodeIfPresent(String.self, forKey: .validTo).map(CardDate.init(jsonValue:))
        text.passNumber = try c.decodeIfPresent(String.self, forKey: .passNumber)
        text.issueCount = try c.decodeIfPresent(String.self, forKey: .issueCount)
        text.nationality = try c.decodeIfPresent(String.self, forKey: .nationality)
        text.cardVersion = try c.decodeIfPresent(String.self, forKey: .cardVersion)
        text.authorityCode = try c.decodeIfPresent(String.self, forKey: .authorityCode)
        text.renewalCount = try c.decodeIfPresent(String.self, forKey: .renewalCount)
        text.previousCardLink = try c.decodeIfPresent(String.self, forKey: .previousCardLink)

        let all = try c.decodeIfPresent([CardWarning].self, forKey: .warnings) ?? []
        text.warnings = all.filter(\.isTextBlockWarning)

        let photo = try c.decodeIfPresent(String.self, forKey: .photoWlt)
            .map { try Self.bytes(base64: $0, key: .photoWlt, in: c) }
        let prints = try (c.decodeIfPresent([String].self, forKey: .fingerprints) ?? [])
            .map { try Self.bytes(base64: $0, key: .fingerprints, in: c) }

        self.init(
            text: text,
            photoWlt: photo,
            fingerprints: prints,
            appendedAddresses: try c.decodeIfPresent([String].self, forKey: .appendedAddresses) ?? [],
            samId: try c.decodeIfPresent(String.self, forKey: .samId),
            reader: try c.decodeIfPresent(String.self, forKey: .reader),
            cardNumber: try c.decodeIfPresent(String.self, forKey: .cardNumber),
            extraWarnings: all.filter { !$0.isTextBlockWarning }
        )
    }

    private static func bytes(
        base64: String, key: CodingKeys, in container: KeyedDecodingContainer<CodingKeys>
    ) throws -> [UInt8] {
        guard let data = Data(base64Encoded: base64) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not base64")
        }
        return [UInt8](data)
    }

    /// The card JSON as one compact line: sorted keys, slashes not escaped, UTF-8 text as is, no trailing
    /// newline. Suitable for NDJSON feeds and logs of synthetic data.
    public func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Decodes one card JSON document (e.g. a ``jsonLine()``).
    public init(jsonLine: String) throws {
        self = try JSONDecoder().decode(CardRead.self, from: Data(jsonLine.utf8))
    }
}

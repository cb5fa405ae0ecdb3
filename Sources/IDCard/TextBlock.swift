/// The card's 256-byte text block: UCS-2LE fields at fixed offsets, space padded, dates `YYYYMMDD`, a type
/// marker at bytes 248–249. The four layouts are the tables in TextBlock+Layout.swift (domain.md §2).
public enum TextBlock {
    /// The size of a text block in bytes: 256.
    public static let size: Int = 256

    /// Width of the 'Y' card's English-name part 1 in UTF-16 code units (bytes 52–121).
    static let englishNamePart1Units = 35

    /// Decodes a text block. Never throws and never traps, on any input (any length, any bytes).
    ///
    /// A block that is not 256 bytes is truncated or space-padded, with ``CardWarning/textBlockLength``.
    /// The marker at 248–249 selects the layout (``CardType/fromMarker(_:_:)``); every field of that
    /// layout is decoded with ``UCS2/decode(_:)``; empty fields are `nil`; dates are parsed with
    /// ``CardDate/init(cardText:)``. The record's warnings are the byte-level ones (length, marker,
    /// text encoding) followed by ``CardText/validationWarnings()``, without duplicates.
    public static func decode<C: Collection>(_ bytes: C) -> CardText where C.Element == UInt8 {
        var warnings: [CardWarning] = []
        var block = Array(bytes.prefix(size))
        if bytes.count != size {
            warnings.append(.textBlockLength)
        }
        while block.count < size {
            block.append(block.count % 2 == 0 ? 0x20 : 0x00)
        }

        let (cardType, unknownMarker) = CardType.fromMarker(block[markerBytes.lowerBound], block[markerBytes.upperBound])
        if unknownMarker { warnings.append(.cardTypeUnknownMarker) }

        var values: [Field: String] = [:]
        for slot in layout(for: cardType) {
            let (text, fieldWarnings) = UCS2.decode(block[slot.bytes])
            warnings += fieldWarnings
            if !text.isEmpty { values[slot.field] = text }
        }

        var text = CardText(cardType: cardType)
        text.name = values[.name]
        text.englishName = joinEnglishName(values[.englishName], values[.englishNamePart2])
        text.sex = values[.sex]
        text.nation = values[.nation]
        text.birthDate = values[.birthDate].flatMap(CardDate.init(cardText:))
        text.address = values[.address]
        text.idNumber = values[.idNumber]
        text.issuer = values[.issuer]
        text.validFrom = values[.validFrom].flatMap(CardDate.init(cardText:))
        text.validTo = values[.validTo].flatMap(CardDate.init(cardText:))
        text.passNumber = values[.passNumber]
        text.issueCount = values[.issueCount]
        text.nationality = values[.nationality]
        text.cardVersion = values[.cardVersion]
        text.authorityCode = values[.authorityCode]
        text.renewalCount = values[.renewalCount]
        text.previousCardLink = values[.previousCardLink]

        warnings += text.validationWarnings()
        text.warnings = warnings.deduplicated()
        return text
    }

    /// Encodes a record as exactly 256 bytes: each field of the card type's layout as UCS-2LE, space padded
    /// to its width and truncated if too long (never inside a surrogate pair); dates in their card form
    /// (``CardDate/cardValue``); reserved bytes as spaces; the marker from the card type (J, I, Y; spaces
    /// for resident cards). Fields the layout does not have, and ``CardText/warnings``, are not written.
    /// A 'Y' English name fills part 1 (35 characters) and continues in part 2.
    public static func encode(_ text: CardText) -> [UInt8] {
        var block = (0..<size).map { UInt8($0 % 2 == 0 ? 0x20 : 0x00) }
        let englishParts = splitEnglishName(text.englishName, cardType: text.cardType)
        for slot in layout(for: text.cardType) {
            let value: String?
            switch slot.field {
            case .name: value = text.name
            case .englishName: value = englishParts.0
            case .englishNamePart2: value = englishParts.1
            case .sex: value = text.sex
            case .nation: value = text.nation
            case .birthDate: value = text.birthDate?.cardValue
            case .address: value = text.address
            case .idNumber: value = text.idNumber
            case .issuer: value = text.issuer
            case .validFrom: value = text.validFrom?.cardValue
            case .validTo: value = text.validTo?.cardValue
            case .passNumber: value = text.passNumber
            case .issueCount: value = text.issueCount
            case .nationality: value = text.nationality
            case .cardVersion: value = text.cardVersion
            case .authorityCode: value = text.authorityCode
            case .renewalCount: value = text.renewalCount
            case .previousCardLink: value = text.previousCardLink
            }
            if let value {
                block.replaceSubrange(slot.bytes, with: UCS2.encode(value, width: slot.bytes.count))
            }
        }
        if let marker = text.cardType.marker, let ascii = marker.asciiValue {
            block[markerBytes.lowerBound] = ascii
            block[markerBytes.upperBound] = 0x00
        }
        return block
    }

    /// Joins the 'Y' English-name parts: directly when part 1 is full (the name runs on), with one space
    /// when part 1 ended early (its trailing space was trimmed as padding).
    static func joinEnglishName(_ part1: String?, _ part2: String?) -> String? {
        guard let part2 else { return part1 }
        guard let part1 else { return part2 }
        return part1.utf16.count >= englishNamePart1Units ? part1 + part2 : part1 + " " + part2
    }

    /// Splits an English name for the layout: ('Y') part 1 of at most 35 code units and the rest;
    /// other layouts keep the whole name in the first element.
    static func splitEnglishName(_ name: String?, cardType: CardType) -> (String?, String?) {
        guard let name, cardType == .foreigner2023 else { return (name, nil) }
        let first = UCS2.prefixUnits(of: name, maxUnits: englishNamePart1Units)
        let rest = Array(name.utf16.dropFirst(first.count))
        return (String(decoding: first, as: UTF16.self), rest.isEmpty ? nil : String(decoding: rest, as: UTF16.self))
    }
}

/// UCS-2 little-endian helpers for the card's text fields and the 70-byte appended-address records.
///
/// Cards store text as 16-bit little-endian code units, padded with spaces (`20 00`) to the field width.
/// Decoding is total: any bytes give a string and a list of warnings, never a trap.
public enum UCS2 {
    /// Decodes UCS-2LE bytes.
    ///
    /// - Trailing padding (U+0020 spaces and U+0000 NULs) is trimmed; leading and inner spaces are kept.
    /// - A valid surrogate pair is decoded to its scalar; an unpaired surrogate becomes U+FFFD with
    ///   ``CardWarning/textUnpairedSurrogate``.
    /// - A NUL inside the text becomes U+FFFD with ``CardWarning/textOddPadding``; another control
    ///   character (U+0001–U+001F, U+007F–U+009F) becomes U+FFFD with ``CardWarning/textControlCharacter``.
    /// - An odd byte count drops the last byte with ``CardWarning/textOddLength``.
    ///
    /// Each warning appears at most once.
    public static func decode<C: Collection>(_ bytes: C) -> (text: String, warnings: [CardWarning])
    where C.Element == UInt8 {
        var warnings: [CardWarning] = []
        func warn(_ w: CardWarning) { warnings.append(w) }

        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var low: UInt8? = nil
        for byte in bytes {
            if let l = low {
                units.append(UInt16(l) | UInt16(byte) << 8)
                low = nil
            } else {
                low = byte
            }
        }
        if low != nil { warn(.textOddLength) }

        while let last = units.last, last == 0x0020 || last == 0x0000 {
            units.removeLast()
        }

        var scalars = String.UnicodeScalarView()
        var i = 0
        while i < units.count {
            let u = units[i]
            switch u {
            case 0xD800...0xDBFF:
                if i + 1 < units.count, (0xDC00...0xDFFF).contains(units[i + 1]) {
                    let value = 0x10000 + ((UInt32(u) - 0xD800) << 10) + (UInt32(units[i + 1]) - 0xDC00)
                    scalars.append(Unicode.Scalar(value) ?? replacement)
                    i += 2
                    continue
                }
                warn(.textUnpairedSurrogate)
                scalars.append(replacement)
            case 0xDC00...0xDFFF:
                warn(.textUnpairedSurrogate)
                scalars.append(replacement)
            case 0x0000:
                warn(.textOddPadding)
                scalars.append(replacement)
            case 0x0001...0x001F, 0x007F...0x009F:
                warn(.textControlCharacter)
                scalars.append(replacement)
            default:
                scalars.append(Unicode.Scalar(u) ?? replacement)
            }
            i += 1
        }
        return (String(scalars), warnings.deduplicated())
    }

    /// Encodes `s` as UTF-16LE into exactly `width` bytes: truncated at a code-unit boundary that does not
    /// split a surrogate pair, then padded with spaces (`20 00`; a final odd byte is `20`).
    /// A `width` of zero or less gives an empty array.
    public static func encode(_ s: String, width: Int) -> [UInt8] {
        guard width > 0 else { return [] }
        let units = prefixUnits(of: s, maxUnits: width / 2)
        var out: [UInt8] = []
        out.reserveCapacity(width)
        for u in units {
            out.append(UInt8(truncatingIfNeeded: u))
            out.append(UInt8(truncatingIfNeeded: u >> 8))
        }
        while out.count < width {
            out.append(out.count % 2 == 0 ? 0x20 : 0x00)
        }
        return out
    }

    /// The first code units of `s`, at most `maxUnits`, never ending in the middle of a surrogate pair.
    static func prefixUnits(of s: String, maxUnits: Int) -> [UInt16] {
        var units: [UInt16] = []
        for scalar in s.unicodeScalars {
            let encoded = scalar.utf16
            if units.count + encoded.count > maxUnits { break }
            units.append(contentsOf: encoded)
        }
        return units
    }

    private static let replacement: Unicode.Scalar = "\u{FFFD}"
}

/// Rules for the numbers on the four card types: GB 11643-1999 citizen numbers (and the 港澳台 residence
/// permits and 2023 foreigner cards that share their MOD 11-2 check), 15 → 18 upgrade, normalisation and
/// masking. Validation (IDNumber+Validation.swift) produces warnings, never rejections.
public enum IDNumber {
    /// GB 11643 weights for the first 17 digits.
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    /// Check characters indexed by S mod 11.
    static let checkCharacters: [Character] = Array("10X98765432")

    /// The GB 11643 check character for 17 ASCII digits: S = Σ dᵢ·wᵢ, `"10X98765432"[S mod 11]`.
    /// `nil` if `digits` is not exactly 17 ASCII digits.
    public static func checkCharacter(forFirst17 digits: String) -> Character? {
        let bytes = Array(digits.utf8)
        guard bytes.count == 17, bytes.allSatisfy(\.isASCIIDigit) else { return nil }
        var sum = 0
        for (byte, weight) in zip(bytes, weights) {
            sum += Int(byte - 0x30) * weight
        }
        return checkCharacters[sum % 11]
    }

    /// Upgrades a first-generation 15-digit number to 18 characters: "19" is inserted before the 2-digit
    /// year and the check character appended (`110105491231002` → `11010519491231002X`).
    /// `nil` if `fifteen` is not exactly 15 ASCII digits.
    public static func upgrade(fifteen: String) -> String? {
        let bytes = Array(fifteen.utf8)
        guard bytes.count == 15, bytes.allSatisfy(\.isASCIIDigit) else { return nil }
        let first17 = String(decoding: bytes[0..<6], as: UTF8.self) + "19"
            + String(decoding: bytes[6..<15], as: UTF8.self)
        guard let check = checkCharacter(forFirst17: first17) else { return nil }
        return first17 + String(check)
    }

    /// Normalises a typed or scanned number: removes all whitespace (including U+3000), maps full-width
    /// digits and letters to ASCII, upper-cases letters (so a trailing `x` becomes `X`), and upgrades a
    /// 15-digit number to 18 (``upgrade(fifteen:)``). Anything else is left as is.
    public static func normalize(_ s: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            if scalar.properties.isWhitespace { continue }
            var value = scalar.value
            if (0xFF10...0xFF19).contains(value) || (0xFF21...0xFF3A).contains(value)
                || (0xFF41...0xFF5A).contains(value) {
                value -= 0xFEE0  // full-width ASCII block → ASCII
            }
            if (0x61...0x7A).contains(value) { value -= 0x20 }  // a–z → A–Z
            scalars.append(Unicode.Scalar(value) ?? scalar)
        }
        let result = String(scalars)
        return upgrade(fifteen: result) ?? result
    }

    /// The birth date held in characters 7–14 of an 18-character number (resident, 港澳台 permit and
    /// 2023 foreigner numbers), if those are 8 ASCII digits forming a calendar date; else `nil`.
    public static func birthDate(of number: String) -> CardDate? {
        let bytes = Array(number.utf8)
        guard bytes.count == 18 else { return nil }
        guard case let .date(y, m, d)? = CardDate(cardText: String(decoding: bytes[6..<14], as: UTF8.self))
        else { return nil }
        return .date(year: y, month: m, day: d)
    }

    /// Masks a number for logs and public screens: the first 4 and last 4 characters are kept and every
    /// character between becomes `*` (`11010519491231002X` → `1101**********002X`). A string of 8
    /// characters or fewer is masked entirely.
    public static func mask(_ s: String) -> String {
        let chars = Array(s)
        guard chars.count > 8 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(4)) + String(repeating: "*", count: chars.count - 8)
            + String(chars.suffix(4))
    }
}

extension UInt8 {
    /// `0`–`9`.
    var isASCIIDigit: Bool { self >= 0x30 && self <= 0x39 }
    /// `A`–`Z`.
    var isASCIIUpper: Bool { self >= 0x41 && self <= 0x5A }
}

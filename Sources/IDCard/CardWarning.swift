/// A stable, machine-readable note about something odd in a card read: a dotted code such as
/// `idNumber.checkCharacter`.
///
/// Warnings never reject a card: the record is kept with its raw values and the warnings travel with it
/// (card JSON `warnings`, the register, upstream). Codes are part of the card JSON contract
/// (protocol-docs/card-json.md): never rename one, only add. ``message`` gives the operator text.
public struct CardWarning: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The dotted code, e.g. `idNumber.checkCharacter`.
    public let rawValue: String

    /// A warning with this code. Any string is accepted, so codes added by other modules (or by newer
    /// versions) survive a JSON round trip.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Same as ``init(rawValue:)``.
    public init(_ code: String) {
        self.rawValue = code
    }

    /// The code itself (logs carry keys, not prose).
    public var description: String { rawValue }

    /// Decodes a warning from a single JSON string.
    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the warning as a single JSON string (its code).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension Array where Element == CardWarning {
    /// The warnings without repeats, first occurrence kept, order otherwise unchanged.
    func deduplicated() -> [CardWarning] {
        var seen = Set<CardWarning>()
        return filter { seen.insert($0).inserted }
    }
}

// MARK: - Known codes

extension CardWarning {
    // The text block as a whole.

    /// The text block was not exactly 256 bytes; it was truncated or space-padded before decoding.
    public static let textBlockLength = CardWarning("textBlock.length")
    /// Bytes 248–249 hold neither a J/I/Y marker nor space/NUL; the block was decoded as a resident card.
    public static let cardTypeUnknownMarker = CardWarning("cardType.unknownMarker")

    // Text encoding (UCS-2LE fields).

    /// A UTF-16 surrogate without its partner; replaced by U+FFFD.
    public static let textUnpairedSurrogate = CardWarning("text.unpairedSurrogate")
    /// A control character (U+0001–U+001F, U+007F–U+009F) inside a field; replaced by U+FFFD.
    public static let textControlCharacter = CardWarning("text.controlCharacter")
    /// A NUL character inside a field's text, not only as trailing padding; replaced by U+FFFD.
    public static let textOddPadding = CardWarning("text.oddPadding")
    /// A UCS-2 byte run of odd length; the last byte was ignored.
    public static let textOddLength = CardWarning("text.oddLength")

    // The ID number (公民身份号码 / permit number / permanent-residence number).

    /// The card carries no ID number.
    public static let idNumberMissing = CardWarning("idNumber.missing")
    /// The number does not have the shape its card type requires.
    public static let idNumberMalformed = CardWarning("idNumber.malformed")
    /// The GB 11643 (MOD 11-2) check character does not match the first 17 digits.
    public static let idNumberCheckCharacter = CardWarning("idNumber.checkCharacter")
    /// The first six digits are not a GB/T 2260 region code, current or abolished.
    public static let idNumberUnknownRegion = CardWarning("idNumber.unknownRegion")
    /// A 港澳台 residence permit number whose region is not 81/82/83 (Hong Kong, Macao, Taiwan).
    public static let idNumberNotPermitRegion = CardWarning("idNumber.notPermitRegion")
    /// The birth date inside the number (digits 7–14) is not a calendar date.
    public static let idNumberInvalidBirthDate = CardWarning("idNumber.invalidBirthDate")
    /// The birth date inside the number differs from the card's birth-date field.
    public static let idNumberBirthDateMismatch = CardWarning("idNumber.birthDateMismatch")
    /// A 2017 foreigner card number whose three letters differ from the card's nationality field.
    public static let idNumberNationalityMismatch = CardWarning("idNumber.nationalityMismatch")

    // Dates.

    /// The birth-date field is not a calendar date `YYYYMMDD`.
    public static let birthDateInvalid = CardWarning("birthDate.invalid")
    /// The valid-from (issue date) field is not a calendar date `YYYYMMDD`.
    public static let validFromInvalid = CardWarning("validFrom.invalid")
    /// The valid-to field is neither a calendar date `YYYYMMDD` nor 长期.
    public static let validToInvalid = CardWarning("validTo.invalid")
    /// The card expires before it was issued.
    public static let validToBeforeValidFrom = CardWarning("validTo.beforeValidFrom")

    // Codes.

    /// The sex code is not one of GB/T 2261.1 (0, 1, 2, 9).
    public static let sexUnknownCode = CardWarning("sex.unknownCode")
    /// The nation code is not one of GB/T 3304 (01–56, 97, 98).
    public static let nationUnknownCode = CardWarning("nation.unknownCode")

    // Outside the text block (for CardRead.extraWarnings).

    /// The photo blob is not a 1024-byte WLT image starting with "WL".
    public static let photoBadHeader = CardWarning("photo.badHeader")
    /// The fingerprint data is not a whole number of 512-byte templates.
    public static let fingerprintBadLength = CardWarning("fingerprint.badLength")
    /// The appended-address answer was not 1–4 records of 70 bytes; no addresses were taken from it.
    public static let appendedAddressMalformed = CardWarning("appendedAddress.malformed")
    /// Reading the appended addresses failed (the SAM answered with an error status).
    public static let appendedAddressReadFailed = CardWarning("appendedAddress.readFailed")
    /// An appended-address record had undecodable text (bad length, unpaired surrogate, control character).
    public static let appendedAddressText = CardWarning("appendedAddress.text")
}

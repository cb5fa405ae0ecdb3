extension CardType {
    /// The type marker stored at bytes 248–249 as one UCS-2LE character: J, I or Y; `nil` for resident
    /// cards, which leave those bytes as spaces.
    public var marker: Character? {
        switch self {
        case .resident, .physicalOnly: nil
        case .hkMacaoTaiwan: "J"
        case .foreigner2017: "I"
        case .foreigner2023: "Y"
        }
    }

    /// The card type for the two marker bytes (248, 249), and whether the marker was unrecognised.
    ///
    /// `4A 00` J, `49 00` I, `59 00` Y; spaces (`20 00`) or NULs (`00 00`) mean a resident card; any
    /// other value also gives `.resident`, with `unknown` set (the decoder warns
    /// ``CardWarning/cardTypeUnknownMarker``).
    public static func fromMarker(_ low: UInt8, _ high: UInt8) -> (type: CardType, unknown: Bool) {
        switch (low, high) {
        case (0x4A, 0x00): (.hkMacaoTaiwan, false)
        case (0x49, 0x00): (.foreigner2017, false)
        case (0x59, 0x00): (.foreigner2023, false)
        case (0x20, 0x00), (0x00, 0x00): (.resident, false)
        default: (.resident, true)
        }
    }
}

import Testing
@testable import IDCard

@Suite("TextBlock decode warnings")
struct TextBlockWarningTests {
    /// Encodes `card`, lets `edit` change the bytes, decodes.
    private func decode(_ card: CardText, edit: (inout [UInt8]) -> Void = { _ in }) -> CardText {
        var bytes = TextBlock.encode(card)
        edit(&bytes)
        return TextBlock.decode(bytes)
    }

    private func with(_ card: CardText, _ change: (inout CardText) -> Void) -> CardText {
        var copy = card
        change(&copy)
        return copy
    }

    @Test func wrongCheckCharacter() {
        let t = decode(with(Fixtures.resident) { $0.idNumber = "110105199003071230" })
        let expected = IDNumber.checkCharacter(forFirst17: "11010519900307123")
        #expect(expected != "0")
        #expect(t.warnings == [.idNumberCheckCharacter])
        #expect(t.idNumber == "110105199003071230")  // kept, not rejected
    }

    @Test func unknownRegion() {
        let t = decode(with(Fixtures.resident) { $0.idNumber = Fixtures.number("99010519900307123") })
        #expect(t.warnings == [.idNumberUnknownRegion])
    }

    @Test func abolishedRegionIsKnown() {
        // 110103 崇文区 was merged in 2010; numbers issued there remain valid.
        let t = decode(with(Fixtures.resident) { $0.idNumber = Fixtures.number("11010319900307123") })
        #expect(t.warnings.isEmpty)
    }

    @Test func birthDateMismatch() {
        let t = decode(with(Fixtures.resident) { $0.birthDate = .date(year: 1990, month: 3, day: 8) })
        #expect(t.warnings == [.idNumberBirthDateMismatch])
    }

    @Test func birthDateMismatchOnForeigner2023() {
        let t = decode(with(Fixtures.foreigner2023) { $0.birthDate = .date(year: 1989, month: 8, day: 8) })
        #expect(t.warnings == [.idNumberBirthDateMismatch])
    }

    @Test func invalidDateInsideTheNumber() {
        let t = decode(with(Fixtures.resident) { $0.idNumber = Fixtures.number("11010519900230123") })
        #expect(t.warnings.contains(.idNumberInvalidBirthDate))
        #expect(!t.warnings.contains(.idNumberBirthDateMismatch))
    }

    @Test func malformedNumbers() {
        #expect(decode(with(Fixtures.resident) { $0.idNumber = "11010519900307" }).warnings == [.idNumberMalformed])
        #expect(decode(with(Fixtures.resident) { $0.idNumber = "A10105199003071234" }).warnings == [.idNumberMalformed])
        #expect(decode(with(Fixtures.foreigner2017) { $0.idNumber = "CA1110070010150" }).warnings == [.idNumberMalformed])
        #expect(decode(with(Fixtures.foreigner2023) { $0.idNumber = Fixtures.number("11112419880808002") })
            .warnings == [.idNumberMalformed])
    }

    @Test func missingNumber() {
        #expect(decode(with(Fixtures.resident) { $0.idNumber = nil }).warnings == [.idNumberMissing])
    }

    @Test func permitWithMainlandRegion() {
        let t = decode(with(Fixtures.hkMacaoTaiwan) { $0.idNumber = Fixtures.number("11010519851120123") })
        #expect(t.warnings == [.idNumberNotPermitRegion])
    }

    @Test func foreigner2017NationalityMismatch() {
        let t = decode(with(Fixtures.foreigner2017) { $0.nationality = "USA" })
        #expect(t.warnings == [.idNumberNationalityMismatch])
    }

    @Test func badDates() {
        var b = TextBlock.encode(Fixtures.resident)
        Fixtures.put("19900230", at: 36, into: &b)  // no 30 February
        Fixtures.put("2015061 ", at: 188, into: &b)  // 7 digits
        Fixtures.put("ABCDEFGH", at: 204, into: &b)
        let t = TextBlock.decode(b)
        #expect(t.birthDate == .unparsed("19900230"))
        #expect(t.validFrom == .unparsed("2015061"))
        #expect(t.validTo == .unparsed("ABCDEFGH"))
        #expect(t.warnings == [.birthDateInvalid, .validFromInvalid, .validToInvalid])
    }

    @Test func longTermIsOnlyValidForValidTo() {
        let t = decode(with(Fixtures.resident) {
            $0.birthDate = .longTerm
            $0.validFrom = .longTerm
        })
        #expect(t.birthDate == .longTerm)
        #expect(t.warnings.contains(.birthDateInvalid) && t.warnings.contains(.validFromInvalid))
        #expect(!t.warnings.contains(.validToInvalid))
    }

    @Test func validToBeforeValidFrom() {
        let t = decode(with(Fixtures.resident) { $0.validTo = .date(year: 2015, month: 5, day: 31) })
        #expect(t.warnings == [.validToBeforeValidFrom])
        let same = decode(with(Fixtures.resident) { $0.validTo = .date(year: 2015, month: 6, day: 1) })
        #expect(same.warnings.isEmpty)
    }

    @Test func unknownCodes() {
        let t = decode(with(Fixtures.resident) {
            $0.sex = "5"
            $0.nation = "60"
        })
        #expect(t.warnings == [.sexUnknownCode, .nationUnknownCode])
        #expect(t.sex == "5" && t.sexText == nil)
        #expect(t.nation == "60" && t.nationText == nil)
    }

    @Test("unknown markers decode as resident with a warning", arguments: [
        (UInt8(0x58), UInt8(0x00)),  // 'X'
        (0x6A, 0x00),  // 'j'
        (0x4A, 0x01),
        (0x00, 0x4A),  // big-endian J
        (0xFF, 0xFF),
    ])
    func unknownMarker(_ low: UInt8, _ high: UInt8) {
        let t = decode(Fixtures.resident) {
            $0[248] = low
            $0[249] = high
        }
        #expect(t.cardType == .resident)
        #expect(t.warnings == [.cardTypeUnknownMarker])
        #expect(t.name == Fixtures.resident.name && t.idNumber == Fixtures.resident.idNumber)
    }

    @Test func spaceOrNulMarkerIsResidentWithoutWarning() {
        for marker: [UInt8] in [[0x20, 0x00], [0x00, 0x00]] {
            let t = decode(Fixtures.resident) { $0.replaceSubrange(248...249, with: marker) }
            #expect(t == Fixtures.resident)
        }
    }

    @Test func unpairedSurrogate() {
        let t = decode(Fixtures.resident) { Fixtures.putUnits([0xD800, 0x0041], at: 0, into: &$0) }
        #expect(t.name == "\u{FFFD}A")
        #expect(t.warnings == [.textUnpairedSurrogate])
        let lone = decode(Fixtures.resident) { Fixtures.putUnits([0x0041, 0xDC00], at: 0, into: &$0) }
        #expect(lone.name == "A\u{FFFD}")
        #expect(lone.warnings == [.textUnpairedSurrogate])
    }

    @Test func controlCharacterAndEmbeddedNul() {
        let t = decode(Fixtures.resident) {
            Fixtures.putUnits([0x5F20, 0x0007, 0x4E09], at: 0, into: &$0)  // 张 BEL 三
            Fixtures.putUnits([0x0000, 0x6D4B], at: 52, into: &$0)  // NUL then text in the address
        }
        #expect(t.name == "张\u{FFFD}三")
        #expect(t.address?.hasPrefix("\u{FFFD}测") == true)
        #expect(t.warnings == [.textControlCharacter, .textOddPadding])
    }

    @Test func nulPaddingIsAccepted() {
        let t = decode(Fixtures.resident) {
            for i in 4...29 { $0[i] = 0 }  // name "张三" NUL-padded instead of space-padded
        }
        #expect(t == Fixtures.resident)
    }

    @Test("wrong length is padded or truncated with a warning", arguments: [0, 1, 100, 255, 257, 300, 1000])
    func wrongLength(_ length: Int) {
        let full = TextBlock.encode(Fixtures.resident)
        var bytes = Array(full.prefix(length))
        while bytes.count < length { bytes.append(0x41) }
        let t = TextBlock.decode(bytes)
        #expect(t.warnings.first == .textBlockLength)
        if length > 256 {
            var expected = Fixtures.resident
            expected.warnings = [.textBlockLength]
            #expect(t == expected)
        }
    }

    @Test func exactLengthHasNoLengthWarning() {
        #expect(!TextBlock.decode(TextBlock.encode(Fixtures.resident)).warnings.contains(.textBlockLength))
        // Works on any Collection, e.g. a slice of a longer buffer.
        let buffer = [0xAA] + TextBlock.encode(Fixtures.foreigner2017) + [0xBB]
        #expect(TextBlock.decode(buffer[1...256]) == Fixtures.foreigner2017)
    }

    @Test func warningsAreNotDuplicated() {
        let t = decode(Fixtures.resident) {
            Fixtures.putUnits([0xD800, 0x0041], at: 0, into: &$0)
            Fixtures.putUnits([0xDC00], at: 52, into: &$0)
            Fixtures.putUnits([0xD801], at: 158, into: &$0)
        }
        #expect(t.warnings == [.textUnpairedSurrogate])
    }

    @Test func revalidatedRecomputesWarnings() {
        var card = Fixtures.resident
        card.idNumber = "110105199003071230"
        card.warnings = [.textBlockLength]
        #expect(card.revalidated().warnings == [.idNumberCheckCharacter])
        #expect(Fixtures.resident.revalidated() == Fixtures.resident)
    }
}

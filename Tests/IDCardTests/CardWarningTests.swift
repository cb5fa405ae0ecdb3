import Foundation
import Testing
@testable import IDCard

@Suite("CardWarning")
struct CardWarningTests {
    @Test func requiredCodesExist() {
        let codes = Set(CardWarning.known.map(\.rawValue))
        for code in [
            "idNumber.checkCharacter", "idNumber.unknownRegion", "idNumber.malformed", "idNumber.birthDateMismatch",
            "birthDate.invalid", "validFrom.invalid", "validTo.invalid", "validTo.beforeValidFrom", "sex.unknownCode",
            "nation.unknownCode", "cardType.unknownMarker", "text.unpairedSurrogate", "text.controlCharacter",
            "text.oddPadding", "textBlock.length",
        ] {
            #expect(codes.contains(code), "\(code)")
        }
    }

    @Test func everyKnownCodeHasAUniqueChineseMessage() {
        let known = CardWarning.known
        #expect(Set(known).count == known.count)
        #expect(Set(known.map(\.message)).count == known.count)
        for w in known {
            #expect(w.knownMessage != nil)
            #expect(w.message.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "\(w)")
            #expect(w.rawValue.split(separator: ".").count == 2, "\(w) is not dotted")
        }
    }

    @Test func unknownCodes() {
        let w = CardWarning(rawValue: "sam.something")
        #expect(w.knownMessage == nil)
        #expect(w.message.contains("sam.something"))
        #expect(w.description == "sam.something")
        #expect(CardWarning.idNumberCheckCharacter.description == "idNumber.checkCharacter")
    }

    @Test func codableAsPlainString() throws {
        let data = try JSONEncoder().encode([CardWarning.textBlockLength, CardWarning("photo.badHeader")])
        #expect(String(decoding: data, as: UTF8.self) == #"["textBlock.length","photo.badHeader"]"#)
        #expect(try JSONDecoder().decode([CardWarning].self, from: data) == [.textBlockLength, .photoBadHeader])
    }

    @Test func textBlockVocabulary() {
        #expect(CardWarning.idNumberMalformed.isTextBlockWarning)
        #expect(CardWarning.textBlockLength.isTextBlockWarning)
        #expect(CardWarning.textUnpairedSurrogate.isTextBlockWarning)
        #expect(CardWarning.validToBeforeValidFrom.isTextBlockWarning)
        #expect(!CardWarning.photoBadHeader.isTextBlockWarning)
        #expect(!CardWarning.fingerprintBadLength.isTextBlockWarning)
        #expect(!CardWarning.appendedAddressText.isTextBlockWarning)
        #expect(!CardWarning("textual.x").isTextBlockWarning)
    }
}

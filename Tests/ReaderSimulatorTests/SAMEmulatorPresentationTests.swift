import SAMProtocol
import Testing

@testable import ReaderSimulator

@Suite("SAMEmulator presentations: find after a read")
struct SAMEmulatorPresentationTests {
    @Test("after a successful read find answers 80 until the card is removed and placed again")
    func suppression() {
        var sam = SAMEmulator()
        let card = deckCard("resident")
        #expect(sam.status(of: .findCard) == 0x80)
        sam.place(card)
        #expect(sam.status(of: .findCard) == 0x9F)
        #expect(sam.status(of: .findCard) == 0x9F, "not read yet: still a new card")
        #expect(sam.status(of: .selectCard) == 0x90)
        #expect(sam.status(of: .readTextAndPhoto) == 0x90)
        #expect(sam.cardHasBeenRead)
        #expect(sam.status(of: .findCard) == 0x80)
        #expect(sam.status(of: .findCard) == 0x80)
        // The card is still in the field: select and reads still work.
        #expect(sam.status(of: .selectCard) == 0x90)
        #expect(sam.status(of: .readTextAndPhoto) == 0x90)
        sam.remove()
        #expect(sam.card == nil)
        #expect(sam.status(of: .findCard) == 0x80)
        #expect(sam.status(of: .selectCard) == 0x81)
        sam.place(card)
        #expect(sam.status(of: .findCard) == 0x9F)
    }

    @Test("reading with fingerprints marks the card read too; address and serial reads do not")
    func whichReadsCount() {
        var sam = SAMEmulator()
        sam.place(deckCard("resident-addr"))
        #expect(sam.status(of: .readAppendedAddress) == 0x90)
        #expect(sam.status(of: .readCardSerial) == 0x90)
        #expect(sam.status(of: .findCard) == 0x9F)
        #expect(sam.status(of: .readTextPhotoAndFingerprint) == 0x90)
        #expect(sam.status(of: .findCard) == 0x80)
    }

    @Test("placing another card is a new presentation")
    func replaceCard() {
        var sam = SAMEmulator()
        sam.place(deckCard("resident"))
        #expect(sam.status(of: .readTextAndPhoto) == 0x90)
        #expect(sam.status(of: .findCard) == 0x80)
        sam.place(deckCard("hk"))
        #expect(sam.status(of: .findCard) == 0x9F)
        #expect(sam.card?.name == "hk")
    }

    @Test("with suppressRepeatFind off, find keeps answering 9F while the card stays")
    func repeatFind() {
        var sam = SAMEmulator(suppressRepeatFind: false)
        sam.place(deckCard("resident"))
        #expect(sam.status(of: .readTextAndPhoto) == 0x90)
        #expect(sam.status(of: .findCard) == 0x9F)
        #expect(sam.status(of: .findCard) == 0x9F)
        sam.remove()
        #expect(sam.status(of: .findCard) == 0x80)
    }

    @Test("a SAM reset restarts the field: the card counts as new")
    func resetRestartsPresentation() {
        var sam = SAMEmulator()
        sam.place(deckCard("resident"))
        #expect(sam.status(of: .readTextAndPhoto) == 0x90)
        #expect(sam.status(of: .findCard) == 0x80)
        #expect(sam.status(of: .resetSAM) == 0x90)
        #expect(sam.status(of: .findCard) == 0x9F)
    }
}

import Testing
@testable import IDCard

/// Seeded random input: decode must never trap, and its output must keep its invariants.
@Suite("TextBlock fuzz")
struct TextBlockFuzzTests {
    private static let known = Set(CardWarning.known)

    /// Invariants every decoded record keeps, whatever the input.
    private func checkInvariants(_ t: CardText, inputLength: Int) {
        #expect(Set(t.warnings).count == t.warnings.count, "duplicate warnings \(t.warnings)")
        #expect(t.warnings.allSatisfy { Self.known.contains($0) }, "unknown code in \(t.warnings)")
        #expect(t.warnings.contains(.textBlockLength) == (inputLength != TextBlock.size))
        for field in [t.name, t.englishName, t.address, t.idNumber, t.issuer] {
            if let field {
                #expect(!field.isEmpty)
                #expect(!field.unicodeScalars.contains { $0.value < 0x20 && $0 != " " })
            }
        }
        // The card JSON of anything decoded round-trips exactly.
        let read = CardRead(text: t, reader: "sim:fuzz")
        let line = read.jsonLine()
        #expect(!line.contains("\n"))
        #expect((try? CardRead(jsonLine: line)) == read)
        // Re-encoding what was decoded gives the same fields back ('Y' English-name joins aside).
        var again = TextBlock.decode(TextBlock.encode(t))
        var original = t
        again.warnings = []
        original.warnings = []
        if t.cardType == .foreigner2023 {
            again.englishName = nil
            original.englishName = nil
        }
        #expect(again == original)
    }

    @Test func everyLengthFrom0To300() {
        var rng = SeededGenerator(seed: 0x5EED_0001)
        for length in 0...300 {
            for _ in 0..<8 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
                checkInvariants(TextBlock.decode(bytes), inputLength: length)
            }
        }
    }

    @Test func structuredGarbage() {
        // 256-byte blocks made of units that stress the decoder: surrogates, NULs, controls, spaces,
        // digits, CJK, 长期, with each of the markers.
        let pool: [UInt16] = [
            0x0000, 0x0020, 0x0001, 0x001F, 0x007F, 0x0085, 0x0030, 0x0039, 0x0058, 0x0041, 0x5F20, 0x957F,
            0x671F, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xFFFD, 0xFFFE, 0xFFFF, 0x3000, 0x00A0, 0x4A00, 0x004A,
        ]
        let markers: [[UInt8]] = [[0x4A, 0], [0x49, 0], [0x59, 0], [0x20, 0], [0, 0], [0x41, 0], [0xD8, 0xD8]]
        var rng = SeededGenerator(seed: 0x5EED_0002)
        for round in 0..<4000 {
            var units = (0..<128).map { _ in pool.randomElement(using: &rng)! }
            if round % 3 == 0 {
                // Mostly-valid digits in the ID-number and date areas, to reach the number checks.
                for i in 18..<26 { units[i] = 0x30 + UInt16.random(in: 0...9, using: &rng) }
                for i in 61..<79 { units[i] = 0x30 + UInt16.random(in: 0...9, using: &rng) }
            }
            var bytes = units.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
            bytes.replaceSubrange(248...249, with: markers[round % markers.count])
            if round % 5 == 0 { bytes.removeLast(Int.random(in: 1...3, using: &rng)) }
            checkInvariants(TextBlock.decode(bytes), inputLength: bytes.count)
        }
    }

    @Test func mutatedValidBlocks() {
        var rng = SeededGenerator(seed: 0x5EED_0003)
        for round in 0..<2000 {
            var bytes = TextBlock.encode(Fixtures.all[round % Fixtures.all.count])
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            checkInvariants(TextBlock.decode(bytes), inputLength: bytes.count)
        }
    }

    @Test func ucs2DecodeAnyBytes() {
        var rng = SeededGenerator(seed: 0x5EED_0004)
        for length in 0...140 {
            for _ in 0..<10 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
                let (text, warnings) = UCS2.decode(bytes)
                #expect(text.utf16.count <= length / 2)
                #expect(warnings.contains(.textOddLength) == (length % 2 == 1))
                #expect(!text.hasSuffix(" "))
            }
        }
    }
}

import Foundation
import Testing
@testable import IDCard

@Suite("Card JSON")
struct CardReadJSONTests {
    private func object(_ read: CardRead) throws -> [String: Any] {
        let any = try JSONSerialization.jsonObject(with: Data(read.jsonLine().utf8))
        return try #require(any as? [String: Any])
    }

    private static let common: Set<String> = ["cardType", "sex", "sexText", "birthDate", "idNumber", "validFrom",
                                              "validTo", "warnings"]

    @Test("keys present and omitted per card type", arguments: [
        (Fixtures.resident, common.union(["name", "nation", "nationText", "address", "issuer"])),
        (Fixtures.hkMacaoTaiwan, common.union(["name", "address", "issuer", "passNumber", "issueCount"])),
        (Fixtures.foreigner2017, common.union(["name", "englishName", "nationality", "cardVersion", "authorityCode"])),
        (Fixtures.foreigner2023, common.union(["name", "englishName", "nationality", "renewalCount",
                                               "previousCardLink"])),
    ])
    func keysPerCardType(_ text: CardText, _ expected: Set<String>) throws {
        let json = try object(CardRead(text: text))
        #expect(Set(json.keys) == expected)
        #expect(json["warnings"] as? [Any] != nil)
        #expect(!json.values.contains { $0 is NSNull })
    }

    @Test func residentValues() throws {
        let json = try object(CardRead(text: Fixtures.residentLongTerm))
        #expect(json["cardType"] as? String == "resident")
        #expect(json["name"] as? String == "李四")
        #expect(json["sex"] as? String == "2")
        #expect(json["sexText"] as? String == "女")
        #expect(json["nation"] as? String == "03")
        #expect(json["nationText"] as? String == "回族")
        #expect(json["birthDate"] as? String == "1960-02-29")
        #expect(json["validFrom"] as? String == "2012-05-05")
        #expect(json["validTo"] as? String == "长期")
        #expect(json["idNumber"] as? String == Fixtures.residentLongTerm.idNumber)
        #expect((json["warnings"] as? [String]) == [])
    }

    @Test func optionalPartsAndTheirEncodings() throws {
        let photo = Array("WL".utf8) + [UInt8](repeating: 0x5A, count: 1022)
        let read = CardRead(
            text: Fixtures.resident,
            photoWlt: photo,
            fingerprints: [[UInt8](repeating: 1, count: 512), [UInt8](repeating: 2, count: 512)],
            appendedAddresses: ["北京市海淀区测试路1号", "北京市西城区测试街2号"],
            samId: "05.01-20240101-0000000001-1234567890",
            reader: "serial:/dev/ttyUSB0",
            extraWarnings: [.photoBadHeader]
        )
        let json = try object(read)
        #expect(json["photoWlt"] as? String == Data(photo).base64EncodedString())
        #expect((json["photoWlt"] as? String)?.hasPrefix("V0x") == true)  // "WL"
        #expect((json["fingerprints"] as? [String])?.count == 2)
        #expect(json["appendedAddresses"] as? [String] == read.appendedAddresses)
        #expect(json["samId"] as? String == read.samId)
        #expect(json["reader"] as? String == "serial:/dev/ttyUSB0")
        #expect(json["warnings"] as? [String] == ["photo.badHeader"])
    }

    @Test func emptyCollectionsAreOmitted() throws {
        let json = try object(CardRead(text: Fixtures.resident, fingerprints: [], appendedAddresses: []))
        #expect(json["fingerprints"] == nil)
        #expect(json["appendedAddresses"] == nil)
        #expect(json["photoWlt"] == nil)
        #expect(json["samId"] == nil && json["reader"] == nil)
    }

    @Test func jsonLineFormat() {
        let line = CardRead(text: Fixtures.resident, reader: "serial:/dev/ttyUSB0").jsonLine()
        #expect(!line.contains("\n"))
        #expect(line.contains(#""reader":"serial:/dev/ttyUSB0""#))  // slashes not escaped
        #expect(line.contains(#""name":"张三""#))  // UTF-8 as is
        #expect(line.hasPrefix(#"{"address":"#))  // sorted keys
        let keyOrder = ["address", "birthDate", "cardType", "idNumber", "issuer", "name", "nation", "nationText",
                        "reader", "sex", "sexText", "validFrom", "validTo", "warnings"]
        let positions = keyOrder.map { line.range(of: "\"\($0)\":")!.lowerBound }
        #expect(positions == positions.sorted())
    }

    @Test("JSON round trip", arguments: Fixtures.all)
    func roundTrip(_ text: CardText) throws {
        let read = CardRead(
            text: text,
            photoWlt: Array("WL".utf8) + (0..<1022).map { UInt8($0 & 0xFF) },
            fingerprints: [(0..<512).map { UInt8(($0 * 7) & 0xFF) }],
            appendedAddresses: ["测试地址一"],
            samId: "05.01-20240101-0000000001-1234567890",
            reader: "sim:test",
            extraWarnings: [.photoBadHeader, CardWarning("reader.slow")]
        )
        #expect(try CardRead(jsonLine: read.jsonLine()) == read)
        // Also through a plain JSONEncoder/JSONDecoder with default settings.
        let data = try JSONEncoder().encode(read)
        #expect(try JSONDecoder().decode(CardRead.self, from: data) == read)
    }

    @Test func roundTripKeepsRawDatesAndSplitsWarnings() throws {
        var bytes = TextBlock.encode(Fixtures.resident)
        Fixtures.put("1990033X", at: 36, into: &bytes)
        Fixtures.put("20150631", at: 188, into: &bytes)
        Fixtures.put("长期      ", at: 204, into: &bytes)
        Fixtures.putUnits([0xD800], at: 0, into: &bytes)
        let text = TextBlock.decode(bytes.dropLast())  // 255 bytes: textBlock.length too
        #expect(text.birthDate == .unparsed("1990033X"))
        #expect(text.validFrom == .unparsed("20150631"))
        #expect(text.validTo == .longTerm)
        #expect(text.warnings.contains(.textBlockLength) && text.warnings.contains(.textUnpairedSurrogate))
        let read = CardRead(text: text, extraWarnings: [.fingerprintBadLength, .textBlockLength])
        let json = try object(read)
        #expect(json["birthDate"] as? String == "1990033X")
        #expect(json["validTo"] as? String == "长期")
        let decoded = try CardRead(jsonLine: read.jsonLine())
        #expect(decoded.text == text)
        #expect(decoded.extraWarnings == [.fingerprintBadLength])
        #expect(decoded.warnings == read.warnings)
    }

    @Test func mergedWarningsAreDeduplicatedInOrder() {
        var text = Fixtures.resident
        text.warnings = [.idNumberCheckCharacter, .sexUnknownCode]
        let read = CardRead(text: text, extraWarnings: [.photoBadHeader, .sexUnknownCode, .photoBadHeader])
        #expect(read.warnings == [.idNumberCheckCharacter, .sexUnknownCode, .photoBadHeader])
    }

    @Test func decodingErrors() {
        #expect(throws: (any Error).self) { try CardRead(jsonLine: #"{"warnings":[]}"#) }
        #expect(throws: (any Error).self) { try CardRead(jsonLine: #"{"cardType":"passport","warnings":[]}"#) }
        #expect(throws: (any Error).self) { try CardRead(jsonLine: #"{"cardType":"resident","photoWlt":"%%%"}"#) }
        #expect(throws: (any Error).self) { try CardRead(jsonLine: #"{"cardType":"resident","name":5}"#) }
        #expect(throws: (any Error).self) { try CardRead(jsonLine: "not json") }
    }

    @Test func minimalDocument() throws {
        let read = try CardRead(jsonLine: #"{"cardType":"hkMacaoTaiwan","sexText":"ignored"}"#)
        #expect(read == CardRead(text: CardText(cardType: .hkMacaoTaiwan)))
    }
}

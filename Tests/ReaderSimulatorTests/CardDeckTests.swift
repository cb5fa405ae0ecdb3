import Foundation
import IDCard
import Testing

@testable import ReaderSimulator

@Suite("CardDeck: the built-in deck and deck files")
struct CardDeckTests {
    @Test("the built-in deck names every type and every broken kind")
    func builtInNames() {
        let names = Set(builtIn.names)
        for name in [
            "resident", "resident-fp", "resident-addr", "hk", "macau", "taiwan", "foreigner2017", "foreigner2023",
            "bad-check", "bad-region", "bad-date", "bad-date-text", "bad-marker", "bad-surrogate",
        ] {
            #expect(names.contains(name), "\(name)")
        }
        #expect(builtIn.names.count == names.count, "names are unique")
        #expect(builtIn.names.allSatisfy(DeckCard.isValidName))
        #expect(deckCard("resident-fp").fingerprints.count == 2)
        #expect(deckCard("resident-addr").appendedAddresses.count == 2)
        #expect(deckCard("resident-addr4").appendedAddresses.count == 4)
        #expect(deckCard("resident-elder").text.decoded.validTo == .longTerm)
        #expect(deckCard("hk").text.decoded.idNumber?.hasPrefix("810000") == true)
        #expect(deckCard("macau").text.decoded.idNumber?.hasPrefix("820000") == true)
        #expect(deckCard("taiwan").text.decoded.idNumber?.hasPrefix("830000") == true)
        #expect(deckCard("foreigner2017").text.decoded.cardType == .foreigner2017)
        #expect(deckCard("foreigner2023").text.decoded.cardType == .foreigner2023)
        #expect((deckCard("foreigner2023-long").text.decoded.englishName?.utf16.count ?? 0) > 35)
        for card in builtIn.cards {
            #expect(card.textBlock.count == 256)
            #expect(card.photo.count == 1024 && card.photo.starts(with: [0x57, 0x4C]))
            #expect(card.cardSerial.count == 8)
            #expect(card.text.decoded.warnings.isEmpty == !card.name.hasPrefix("bad-"), "\(card.name)")
        }
    }

    @Test("a card's summary carries no full number and no name")
    func summary() throws {
        let card = deckCard("resident")
        let text = card.text.decoded
        let number = try #require(text.idNumber)
        #expect(!card.summary.contains(number))
        #expect(card.summary.contains(IDNumber.mask(number)))
        #expect(!card.summary.contains(try #require(text.name)))
    }

    @Test("a deck written as JSON reads back equal")
    func jsonRoundTrip() throws {
        let data = builtIn.jsonData()
        #expect(try CardDeck(json: data) == builtIn)
        var people = SyntheticPeople(seed: 8)
        let random = CardDeck(cards: people.deck(count: 30), seed: 8)
        #expect(try CardDeck(json: random.jsonData()) == random)
    }

    @Test("a hand-written deck: text, textHex and generate entries, defaults generated from the seed")
    func handWritten() throws {
        let raw = TextBlock.encode(CardText(cardType: .resident, name: "测试", sex: "2"))
        let hex = raw.map { String(format: "%02x", $0) }.joined(separator: " ")
        let json = """
            {
              "seed": 9,
              "cards": [
                { "name": "zhang", "text": { "cardType": "resident", "name": "张三", "sex": "1", "nation": "01",
                    "birthDate": "1990-03-15", "address": "北京市朝阳区建设路12号", "idNumber": "110105199003150011",
                    "issuer": "北京市公安局朝阳分局", "validFrom": "2015-01-01", "validTo": "2035-01-01" },
                  "fingerprintCount": 2, "appendedAddresses": ["北京市海淀区学府路3号"], "cardSerial": "0102030405060708" },
                { "name": "raw.block", "textHex": "\(hex)", "photo": "V0wAAQ==", "fingerprints": ["AAEC"] },
                { "name": "gen_y", "generate": "foreigner2023" },
                { "name": "odd-date", "text": { "cardType": "resident", "birthDate": "19990231", "validTo": "长期" } }
              ]
            }
            """
        let deck = try CardDeck(json: Data(json.utf8))
        #expect(deck.names == ["zhang", "raw.block", "gen_y", "odd-date"])
        #expect(deck.seed == 9)

        let zhang = try #require(deck.card(named: "zhang"))
        let text = zhang.text.decoded
        #expect(text.name == "张三")
        #expect(text.birthDate == .date(year: 1990, month: 3, day: 15))
        #expect(text.validTo == .date(year: 2035, month: 1, day: 1))
        #expect(zhang.fingerprints.count == 2 && zhang.fingerprints.allSatisfy { $0.count == 512 })
        #expect(zhang.appendedAddresses == ["北京市海淀区学府路3号"])
        #expect(zhang.cardSerial == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(zhang.photo.count == 1024 && zhang.photo.starts(with: [0x57, 0x4C]))

        let rawCard = try #require(deck.card(named: "raw.block"))
        #expect(rawCard.text == .raw(raw))
        #expect(rawCard.photo == [0x57, 0x4C, 0x00, 0x01])
        #expect(rawCard.fingerprints == [[0, 1, 2]])

        #expect(deck.card(named: "gen_y")?.text.decoded.cardType == .foreigner2023)
        let odd = try #require(deck.card(named: "odd-date")).text.decoded
        #expect(odd.birthDate == .unparsed("19990231"))
        #expect(odd.validTo == .longTerm)

        // Generated parts depend only on the seed and the name.
        #expect(try CardDeck(json: Data(json.utf8)) == deck)
    }

    @Test("includeBuiltIn puts the built-in deck first; a file card replaces one of the same name")
    func includeBuiltIn() throws {
        let json = """
            { "includeBuiltIn": true, "cards": [ { "name": "resident", "generate": "taiwan" }, { "name": "extra", "generate": "hk" } ] }
            """
        let deck = try CardDeck(json: Data(json.utf8))
        #expect(deck.names == builtIn.names + ["extra"])
        #expect(deck.card(named: "resident")?.text.decoded.idNumber?.hasPrefix("830000") == true)
    }

    @Test("bad deck files get an error naming the card and the key", arguments: [
        (#"{"cards": [{"name": "a", "generate": "resident"}, {"name": "a", "generate": "hk"}]}"#, "card 2 (\"a\"): the name is used twice"),
        (#"{"cards": [{"name": "a"}]}"#, "card 1 (\"a\"): give exactly one of"),
        (#"{"cards": [{"name": "a", "generate": "hk", "textHex": "00"}]}"#, "card 1 (\"a\"): give exactly one of"),
        (#"{"cards": [{"name": "a", "textHex": "2000"}]}"#, "card 1 (\"a\"): textHex must be 256 bytes"),
        (#"{"cards": [{"name": "a", "textHex": "zz"}]}"#, "textHex is not hex"),
        (#"{"cards": [{"name": "a", "generate": "nobody"}]}"#, "generate must be one of resident, hk"),
        (#"{"cards": [{"name": "a b", "generate": "hk"}]}"#, "name must be"),
        (#"{"cards": [{"name": "random", "generate": "hk"}]}"#, "name must be"),
        (#"{"cards": [{"name": "a", "generate": "hk", "fingerprintCount": 3}]}"#, "fingerprintCount must be 0, 1 or 2"),
        (#"{"cards": [{"name": "a", "generate": "hk", "cardSerial": "0102"}]}"#, "cardSerial must be 16 hex digits"),
        (#"{"cards": [{"name": "a", "generate": "hk", "appendedAddresses": ["一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六"]}]}"#, "appendedAddresses[0] has 36 characters"),
        (#"{"cards": [{"name": "a", "text": {"cardType": "martian"}}]}"#, "bad value at cards[0].text.cardType"),
        (#"{"cards": {}}"#, "wrong type at cards"),
        (#"{"seed": 1}"#, "missing key \"cards\""),
        (#"{"cards": [ }"#, "not valid JSON"),
    ])
    func badFiles(json: String, message: String) {
        do {
            _ = try CardDeck(json: Data(json.utf8))
            Issue.record("accepted: \(json)")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
        }
    }

    @Test("load(path:) reads a file and reports a missing one")
    func loadFromPath() throws {
        let dir = temporaryDirectory()
        defer { removeDirectory(dir) }
        let path = dir + "/deck.json"
        try builtIn.jsonData().write(to: URL(fileURLWithPath: path))
        #expect(try CardDeck.load(path: path) == builtIn)
        #expect(throws: CardDeck.LoadError.self) { try CardDeck.load(path: dir + "/missing.json") }
    }
}

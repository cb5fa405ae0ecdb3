import Foundation
import IDCard

/// The JSON deck file, loaded with `renfang sim serve --deck FILE`.
///
/// ```json
/// {
///   "seed": 467,
///   "includeBuiltIn": false,
///   "cards": [
///     { "name": "zhang", "text": { "cardType": "resident", "name": "张三", "sex": "1", "nation": "01",
///         "birthDate": "1990-03-15", "address": "北京市朝阳区建设路12号", "idNumber": "110105199003150011",
///         "issuer": "北京市公安局朝阳分局", "validFrom": "2015-01-01", "validTo": "2035-01-01" },
///       "fingerprintCount": 2, "appendedAddresses": ["北京市海淀区学府路3号"], "cardSerial": "0102030405060708" },
///     { "name": "odd-block", "textHex": "…512 hex digits…", "photo": "<base64 of 1024 bytes>" },
///     { "name": "someone", "generate": "foreigner2023" }
///   ]
/// }
/// ```
///
/// Top level: `cards` (required, a list); `seed` (optional integer, default 467) seeds `place --random`
/// and every generated part; `includeBuiltIn` (optional, default false) puts the built-in deck first (a
/// file card with the same name replaces the built-in one).
///
/// Each card: `name` (required, 1–64 of `A–Z a–z 0–9 . _ -`, unique, not `random`) and exactly one of
/// - `text`: a text record. `cardType` is `resident`, `hkMacaoTaiwan`, `foreigner2017` or `foreigner2023`;
///   the other keys are the ``CardText`` field names (`name`, `englishName`, `sex`, `nation`, `birthDate`,
///   `address`, `idNumber`, `issuer`, `validFrom`, `validTo`, `passNumber`, `issueCount`, `nationality`,
///   `cardVersion`, `authorityCode`, `renewalCount`, `previousCardLink`), all optional strings. Dates are
///   `YYYY-MM-DD`, `长期`, or any other text, which is written to the card as is (`"19990231"`).
///   It is encoded with ``TextBlock/encode(_:)``.
/// - `textHex`: the raw 256-byte text block as 512 hex digits (spaces allowed), sent unchanged.
/// - `generate`: a ``SyntheticPeople/Kind`` (`resident`, `hk`, `macau`, `taiwan`, `foreigner2017`,
///   `foreigner2023`, `bad-check`, `bad-region`, `bad-date`, `bad-date-text`, `bad-marker`,
///   `bad-surrogate`).
///
/// Optional parts; when absent they are generated from the seed and the card name (so they stay the same):
/// `photo` (base64, any length; default a 1024-byte "WL" blob), `fingerprints` (list of base64 templates)
/// or `fingerprintCount` (0–2 generated templates; default 0), `appendedAddresses` (0–4 strings of at most
/// 35 characters; default none), `cardSerial` (16 hex digits; default generated).
extension CardDeck {
    /// Why a deck file could not be used. The message names the card and the key.
    public struct LoadError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong, in English, naming the card and the key.
        public var message: String
        /// An error with this message.
        public init(_ message: String) { self.message = message }
        /// `deck: ` and the message.
        public var description: String { "deck: \(message)" }
    }

    /// Loads a deck file.
    public static func load(path: String) throws(LoadError) -> CardDeck {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LoadError("cannot read \(path): \(error.localizedDescription)")
        }
        return try CardDeck(json: data)
    }

    /// Parses a deck file's contents.
    public init(json: Data) throws(LoadError) {
        let file: DeckFile
        do {
            file = try JSONDecoder().decode(DeckFile.self, from: json)
        } catch let DecodingError.dataCorrupted(context) {
            throw context.codingPath.isEmpty
                ? LoadError("not valid JSON: \(context.debugDescription)")
                : LoadError("bad value at \(Self.path(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.keyNotFound(key, context) {
            throw LoadError("missing key \"\(key.stringValue)\" at \(Self.path(context.codingPath))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw LoadError("wrong type at \(Self.path(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            throw LoadError("null at \(Self.path(context.codingPath))")
        } catch {
            throw LoadError("cannot decode: \(error)")
        }
        let seed = file.seed ?? CardDeck.defaultSeed
        var cards = file.includeBuiltIn == true ? CardDeck.builtIn(seed: seed).cards : []
        var seen = Set<String>()
        for (index, entry) in file.cards.enumerated() {
            let card = try entry.deckCard(index: index, seed: seed)
            guard seen.insert(card.name).inserted else {
                throw LoadError("card \(index + 1) (\"\(card.name)\"): the name is used twice")
            }
            cards.append(card)
        }
        self.init(cards: cards, seed: seed)
    }

    /// The deck as a deck file (every card written out in full: `text` or `textHex`, `photo`,
    /// `fingerprints`, `appendedAddresses`, `cardSerial`). ``init(json:)`` reads it back to an equal deck.
    public func jsonData() -> Data {
        let file = DeckFile(
            seed: seed,
            includeBuiltIn: nil,
            cards: cards.map(DeckFile.Card.init(card:))
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, numbers and lists cannot fail.
        return (try? encoder.encode(file)) ?? Data()
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        guard !codingPath.isEmpty else { return "the top level" }
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text
    }
}

/// The Codable shape of a deck file.
struct DeckFile: Codable {
    var seed: UInt64?
    var includeBuiltIn: Bool?
    var cards: [Card]

    struct Card: Codable {
        var name: String
        var text: Text?
        var textHex: String?
        var generate: String?
        var photo: String?
        var fingerprints: [String]?
        var fingerprintCount: Int?
        var appendedAddresses: [String]?
        var cardSerial: String?
    }

    /// A ``CardText`` without warnings, dates as card-JSON strings.
    struct Text: Codable {
        var cardType: CardType
        var name: String?
        var englishName: String?
        var sex: String?
        var nation: String?
        var birthDate: String?
        var address: String?
        var idNumber: String?
        var issuer: String?
        var validFrom: String?
        var validTo: String?
        var passNumber: String?
        var issueCount: String?
        var nationality: String?
        var cardVersion: String?
        var authorityCode: String?
        var renewalCount: String?
        var previousCardLink: String?
    }
}

extension DeckFile.Text {
    init(_ t: CardText) {
        self.init(
            cardType: t.cardType, name: t.name, englishName: t.englishName, sex: t.sex, nation: t.nation,
            birthDate: t.birthDate?.jsonValue, address: t.address, idNumber: t.idNumber, issuer: t.issuer,
            validFrom: t.validFrom?.jsonValue, validTo: t.validTo?.jsonValue, passNumber: t.passNumber,
            issueCount: t.issueCount, nationality: t.nationality, cardVersion: t.cardVersion,
            authorityCode: t.authorityCode, renewalCount: t.renewalCount, previousCardLink: t.previousCardLink)
    }

    var cardText: CardText {
        CardText(
            cardType: cardType, name: name, englishName: englishName, sex: sex, nation: nation,
            birthDate: birthDate.map(CardDate.init(jsonValue:)), address: address, idNumber: idNumber,
            issuer: issuer, validFrom: validFrom.map(CardDate.init(jsonValue:)),
            validTo: validTo.map(CardDate.init(jsonValue:)), passNumber: passNumber, issueCount: issueCount,
            nationality: nationality, cardVersion: cardVersion, authorityCode: authorityCode,
            renewalCount: renewalCount, previousCardLink: previousCardLink)
    }
}

extension DeckFile.Card {
    init(card: DeckCard) {
        self.name = card.name
        switch card.text {
        case let .card(text): self.text = DeckFile.Text(text)
        case let .raw(bytes): self.textHex = Hex.encode(bytes)
        }
        self.photo = Data(card.photo).base64EncodedString()
        self.fingerprints = card.fingerprints.map { Data($0).base64EncodedString() }
        self.appendedAddresses = card.appendedAddresses
        self.cardSerial = Hex.encode(card.cardSerial)
    }

    func deckCard(index: Int, seed: UInt64) throws(CardDeck.LoadError) -> DeckCard {
        let label = "card \(index + 1)" + (name.isEmpty ? "" : " (\"\(name)\")")
        func fail(_ why: String) -> CardDeck.LoadError { CardDeck.LoadError("\(label): \(why)") }

        guard DeckCard.isValidName(name) else {
            throw fail("name must be 1–64 of A–Z a–z 0–9 . _ - and not \"random\"")
        }
        var people = SyntheticPeople(seed: SplitMix64.seed(seed, name))

        let sources = [text != nil, textHex != nil, generate != nil].filter { $0 }.count
        guard sources == 1 else { throw fail("give exactly one of \"text\", \"textHex\", \"generate\"") }
        let deckText: DeckText
        if let text {
            deckText = .card(text.cardText)
        } else if let textHex {
            guard let bytes = Hex.decode(textHex) else { throw fail("textHex is not hex digits") }
            guard bytes.count == 256 else { throw fail("textHex must be 256 bytes (512 hex digits), got \(bytes.count)") }
            deckText = .raw(bytes)
        } else {
            let kinds = SyntheticPeople.Kind.allCases.map(\.rawValue)
            guard let generate, let kind = SyntheticPeople.Kind(rawValue: generate) else {
                throw fail("generate must be one of \(kinds.joined(separator: ", "))")
            }
            deckText = people.text(kind)
        }

        let photoBytes: [UInt8]
        if let photo {
            guard let data = Data(base64Encoded: photo, options: .ignoreUnknownCharacters) else {
                throw fail("photo is not base64")
            }
            photoBytes = [UInt8](data)
        } else {
            photoBytes = people.photo()
        }

        guard fingerprints == nil || fingerprintCount == nil else {
            throw fail("give \"fingerprints\" or \"fingerprintCount\", not both")
        }
        var templates: [[UInt8]] = []
        if let fingerprints {
            guard fingerprints.count <= 2 else { throw fail("at most 2 fingerprints, got \(fingerprints.count)") }
            for (i, text) in fingerprints.enumerated() {
                guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
                    throw fail("fingerprints[\(i)] is not base64")
                }
                templates.append([UInt8](data))
            }
        } else if let fingerprintCount {
            guard (0...2).contains(fingerprintCount) else { throw fail("fingerprintCount must be 0, 1 or 2") }
            templates = people.fingerprints(count: fingerprintCount)
        }

        let addresses = appendedAddresses ?? []
        guard addresses.count <= 4 else { throw fail("at most 4 appendedAddresses, got \(addresses.count)") }
        for (i, address) in addresses.enumerated() where address.utf16.count > 35 {
            throw fail("appendedAddresses[\(i)] has \(address.utf16.count) characters, at most 35 fit in 70 bytes")
        }

        let serial: [UInt8]
        if let cardSerial {
            guard let bytes = Hex.decode(cardSerial), bytes.count == 8 else {
                throw fail("cardSerial must be 16 hex digits (8 bytes)")
            }
            serial = bytes
        } else {
            serial = people.cardSerial()
        }
        return DeckCard(
            name: name, text: deckText, photo: photoBytes, fingerprints: templates,
            appendedAddresses: addresses, cardSerial: serial)
    }
}

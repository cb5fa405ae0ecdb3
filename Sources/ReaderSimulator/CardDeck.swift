import IDCard

/// A named set of cards the emulator can place on its reader: the built-in deck, or one loaded from a
/// JSON deck file (CardDeck+JSON.swift describes the format).
public struct CardDeck: Sendable, Hashable {
    /// The cards, in order; names are unique.
    public var cards: [DeckCard]
    /// Seeds the generator behind `place --random` (and the generated parts of deck-file entries).
    public var seed: UInt64

    /// The seed of the built-in deck.
    public static let defaultSeed: UInt64 = 467

    /// A deck of `cards`. Later cards replace earlier ones of the same name.
    public init(cards: [DeckCard], seed: UInt64 = defaultSeed) {
        var unique: [DeckCard] = []
        for card in cards {
            if let i = unique.firstIndex(where: { $0.name == card.name }) {
                unique[i] = card
            } else {
                unique.append(card)
            }
        }
        self.cards = unique
        self.seed = seed
    }

    /// The card names in deck order.
    public var names: [String] { cards.map(\.name) }

    /// The card called `name`, if any.
    public func card(named name: String) -> DeckCard? {
        cards.first { $0.name == name }
    }

    /// The names of the built-in deck, in order: every well-formed card type, variants with fingerprints
    /// and appended addresses, and every broken kind.
    public static let builtInNames: [String] = [
        "resident", "resident-fp", "resident-fp1", "resident-addr", "resident-addr4", "resident-child",
        "resident-elder", "hk", "macau", "taiwan", "foreigner2017", "foreigner2023", "foreigner2023-long",
        "bad-check", "bad-region", "bad-date", "bad-date-text", "bad-marker", "bad-surrogate",
    ]

    /// The built-in deck. Each entry is generated from its own stream (`seed` mixed with its name), so the
    /// same seed always gives the same cards.
    public static func builtIn(seed: UInt64 = defaultSeed) -> CardDeck {
        CardDeck(cards: builtInNames.map { builtInCard($0, seed: seed) }, seed: seed)
    }

    static func builtInCard(_ name: String, seed: UInt64) -> DeckCard {
        var people = SyntheticPeople(seed: SplitMix64.seed(seed, name))
        switch name {
        case "resident-fp": return people.card(.resident, name: name, fingerprintCount: 2)
        case "resident-fp1": return people.card(.resident, name: name, fingerprintCount: 1)
        case "resident-addr": return people.card(.resident, name: name, addressCount: 2)
        case "resident-addr4": return people.card(.resident, name: name, addressCount: 4)
        case "resident-child":
            return people.card(.card(people.resident(age: 2...10)), name: name)
        case "resident-elder":
            return people.card(.card(people.resident(age: 60...85)), name: name)
        case "foreigner2023-long":
            return people.card(.card(people.foreigner2023(longEnglishName: true)), name: name)
        default:
            return people.card(SyntheticPeople.Kind(rawValue: name)!, name: name)
        }
    }
}

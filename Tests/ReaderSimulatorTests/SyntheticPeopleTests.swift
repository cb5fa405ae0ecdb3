import IDCard
import SAMProtocol
import Testing

@testable import ReaderSimulator

@Suite("SyntheticPeople: seeded, well-formed synthetic cards")
struct SyntheticPeopleTests {
    @Test("the same seed gives the same deck; another seed a different one")
    func determinism() {
        var a = SyntheticPeople(seed: 42)
        var b = SyntheticPeople(seed: 42)
        var c = SyntheticPeople(seed: 43)
        let deckA = a.deck(count: 25)
        #expect(deckA == b.deck(count: 25))
        #expect(deckA != c.deck(count: 25))
        #expect(CardDeck.builtIn(seed: 7) == CardDeck.builtIn(seed: 7))
        #expect(CardDeck.builtIn(seed: 7) != CardDeck.builtIn(seed: 8))
        #expect(CardDeck.builtIn() == builtIn)
    }

    @Test("SplitMix64 matches the reference sequence")
    func splitMix() {
        // Reference values of SplitMix64 seeded with 1234567 (the published test vector).
        var rng = SplitMix64(seed: 1_234_567)
        #expect(rng.next() == 6_457_827_717_110_365_317)
        #expect(rng.next() == 3_203_168_211_198_807_973)
        #expect(rng.next() == 9_817_491_932_198_370_423)
    }

    @Test("all four types decode back through TextBlock to the same record, without warnings")
    func roundTrip() throws {
        var people = SyntheticPeople(seed: 2025)
        for kind in SyntheticPeople.Kind.valid {
            for _ in 0..<40 {
                guard case let .card(text) = people.text(kind) else {
                    Issue.record("\(kind) should be a record")
                    continue
                }
                let decoded = TextBlock.decode(TextBlock.encode(text))
                #expect(decoded == text, "\(kind)")
                #expect(decoded.warnings == [], "\(kind): \(decoded.warnings)")
            }
        }
    }

    @Test("resident cards: county-level region, birth date, sex parity, check character, validity by age")
    func resident() throws {
        var people = SyntheticPeople(seed: 99)
        let today = SimDate(year: 2025, month: 6, day: 1)
        for _ in 0..<300 {
            let text = people.resident()
            let number = try #require(text.idNumber)
            let chars = Array(number)
            #expect(chars.count == 18)
            let region = String(chars[0..<6])
            #expect(!region.hasSuffix("00"))
            #expect(Regions.name(forCode: region) != nil)
            #expect(Regions.all.contains { $0.code == region })
            #expect(IDNumber.checkCharacter(forFirst17: String(chars[0..<17])) == chars[17])
            #expect(String(chars[6..<14]) == text.birthDate?.cardValue)
            let sequence = Int(String(chars[14..<17]))!
            #expect(text.sex == (sequence % 2 == 1 ? "1" : "2"), "\(number) sex \(text.sex ?? "-")")
            #expect(Nation.name(forCode: text.nation ?? "") != nil)
            let name = try #require(text.name)
            #expect((2...4).contains(name.count))
            #expect((text.address?.utf16.count ?? 99) <= 35)
            #expect((text.issuer?.count ?? 99) <= 15)
            #expect(text.issuer?.contains("公安局") == true)

            let birth = try #require(text.birthDate.flatMap(SimDate.init))
            let from = try #require(text.validFrom.flatMap(SimDate.init))
            #expect(from <= today)
            #expect(birth < from)
            let age = birth.years(until: from)
            switch text.validTo {
            case .longTerm?: #expect(age >= 46)
            case let .date(y, m, d)?:
                let years = y - from.year
                #expect(m == from.month)
                #expect(d == from.day || (from.month == 2 && from.day == 29 && d == 28))
                #expect(years == (age < 16 ? 5 : age < 26 ? 10 : 20), "age \(age) at issue, \(years) years")
                #expect(SimDate(year: y, month: m, day: d) > today, "not expired")
            default: Issue.record("validTo \(String(describing: text.validTo))")
            }
        }
    }

    @Test("mostly 汉族, some other nations")
    func nations() {
        var people = SyntheticPeople(seed: 5)
        let nations = (0..<400).map { _ in people.resident().nation ?? "" }
        let han = nations.filter { $0 == "01" }.count
        #expect((280...380).contains(han))
        #expect(Set(nations).count > 5)
    }

    @Test("港澳台 permits: 810000/820000/830000, pass numbers, issue count 01, no nation")
    func permits() throws {
        var people = SyntheticPeople(seed: 11)
        for region in SyntheticPeople.PermitRegion.allCases {
            for _ in 0..<30 {
                let text = people.hkMacaoTaiwan(region)
                #expect(text.cardType == .hkMacaoTaiwan)
                let number = try #require(text.idNumber)
                #expect(number.hasPrefix(region.rawValue))
                let chars = Array(number)
                #expect(IDNumber.checkCharacter(forFirst17: String(chars[0..<17])) == chars[17])
                #expect(text.sex == (Int(String(chars[14..<17]))! % 2 == 1 ? "1" : "2"))
                let pass = try #require(text.passNumber)
                switch region {
                case .hongKong: #expect(pass.hasPrefix("H") && pass.count == 9 && pass.dropFirst().allSatisfy(\.isNumber))
                case .macao: #expect(pass.hasPrefix("M") && pass.count == 9 && pass.dropFirst().allSatisfy(\.isNumber))
                case .taiwan: #expect(pass.count == 8 && pass.allSatisfy(\.isNumber))
                }
                #expect(text.issueCount == "01")
                #expect(text.nation == nil)
                #expect(IDNumber.validate(number, cardType: .hkMacaoTaiwan) == [])
            }
        }
    }

    @Test("2017 foreigner cards: 3 letters + 12 digits matching nationality, version 20, authority code")
    func foreigner2017() throws {
        var people = SyntheticPeople(seed: 12)
        for _ in 0..<50 {
            let text = people.foreigner2017()
            let number = try #require(text.idNumber)
            #expect(number.count == 15)
            #expect(number.prefix(3).allSatisfy { $0.isASCII && $0.isUppercase })
            #expect(number.dropFirst(3).allSatisfy { $0.isASCII && $0.isNumber })
            #expect(String(number.prefix(3)) == text.nationality)
            #expect(text.cardVersion == "20")
            let authority = try #require(text.authorityCode)
            #expect(authority.count == 4 && authority.allSatisfy(\.isNumber))
            #expect(text.englishName?.isEmpty == false)
            #expect(text.name?.isEmpty == false)
            #expect(text.sex == "1" || text.sex == "2")
            #expect(text.nation == nil)
        }
    }

    @Test("2023 foreigner cards: 9 + 17 characters with a valid check, long English names spill into part 2")
    func foreigner2023() throws {
        var people = SyntheticPeople(seed: 13)
        var spilled = 0
        for i in 0..<60 {
            let text = people.foreigner2023(longEnglishName: i % 2 == 0)
            let number = try #require(text.idNumber)
            let chars = Array(number)
            #expect(chars.count == 18 && chars[0] == "9")
            #expect(IDNumber.checkCharacter(forFirst17: String(chars[0..<17])) == chars[17])
            #expect(String(chars[6..<14]) == text.birthDate?.cardValue)
            #expect(text.sex == (Int(String(chars[14..<17]))! % 2 == 1 ? "1" : "2"))
            let english = try #require(text.englishName)
            #expect(english.utf16.count <= 46)
            if i % 2 == 0 {
                #expect(english.utf16.count > 35)
                spilled += 1
                // Part 2 (bytes 220–241) holds the rest of the name.
                let block = TextBlock.encode(text)
                #expect(UCS2.decode(block[220...241]).text.isEmpty == false)
            }
            #expect(TextBlock.decode(TextBlock.encode(text)).englishName == english)
            #expect(text.renewalCount.map { ["00", "01", "02"].contains($0) } == true)
            #expect((text.renewalCount == "00") == (text.previousCardLink == nil))
            #expect(text.nationality?.count == 3)
        }
        #expect(spilled == 30)
    }

    @Test("broken cards carry exactly their defect", arguments: [
        ("bad-check", [CardWarning.idNumberCheckCharacter]),
        ("bad-region", [.idNumberUnknownRegion]),
        ("bad-date", [.idNumberInvalidBirthDate, .birthDateInvalid]),
        ("bad-date-text", [.birthDateInvalid]),
        ("bad-marker", [.cardTypeUnknownMarker]),
        ("bad-surrogate", [.textUnpairedSurrogate]),
    ])
    func broken(name: String, warnings: [CardWarning]) throws {
        for seed in [1, 2, 3] as [UInt64] {
            var people = SyntheticPeople(seed: seed)
            let kind = try #require(SyntheticPeople.Kind(rawValue: name))
            #expect(kind.isBroken)
            let text = people.text(kind)
            let decoded = text.decoded
            #expect(Set(decoded.warnings) == Set(warnings), "\(name): \(decoded.warnings)")
            #expect(text.bytes.count == 256)
            #expect(decoded.cardType == .resident)
        }
        #expect(Set(deckCard(name).text.decoded.warnings) == Set(warnings))
    }

    @Test("the raw broken blocks differ from a clean block only where the defect is")
    func rawDefects() throws {
        let marker = deckCard("bad-marker")
        guard case let .raw(bytes) = marker.text else { throw HostPortError(message: "bad-marker is not raw") }
        #expect(bytes[248] == UInt8(ascii: "X") && bytes[249] == 0)
        let surrogate = deckCard("bad-surrogate")
        guard case let .raw(block) = surrogate.text else { throw HostPortError(message: "bad-surrogate is not raw") }
        #expect(block[2] == 0x3D && block[3] == 0xD8)
        #expect(surrogate.text.decoded.name?.contains("\u{FFFD}") == true)
        let date = deckCard("bad-date").text.decoded
        #expect(date.birthDate == .unparsed("19990231"))
        #expect(date.idNumber?.dropFirst(6).prefix(8) == "19990231")
        let region = try #require(deckCard("bad-region").text.decoded.idNumber)
        #expect(Regions.name(forCode: String(region.prefix(6))) == nil)
        let check = Array(try #require(deckCard("bad-check").text.decoded.idNumber))
        #expect(IDNumber.checkCharacter(forFirst17: String(check[0..<17])) != check[17])
    }

    @Test("photos, fingerprints, addresses and serials have the card's shapes")
    func parts() {
        var people = SyntheticPeople(seed: 77)
        let photo = people.photo()
        #expect(photo.count == 1024)
        #expect(photo[0] == 0x57 && photo[1] == 0x4C)
        #expect(people.photo() != photo)
        for n in 0...2 {
            let fps = people.fingerprints(count: n)
            #expect(fps.count == n)
            #expect(fps.allSatisfy { $0.count == 512 })
        }
        for n in 0...4 {
            let addresses = people.appendedAddresses(count: n)
            #expect(addresses.count == n)
            #expect(addresses.allSatisfy { $0.utf16.count <= 35 && !$0.isEmpty })
            #expect(AppendedAddressPayload.encode(addresses).count == 70 * n)
        }
        #expect(people.cardSerial().count == 8)
    }

    @Test("random cards cover every well-formed type and sometimes carry fingerprints and addresses")
    func randomCards() {
        var people = SyntheticPeople(seed: 3)
        let cards = people.deck(count: 300)
        #expect(Set(cards.map { $0.text.decoded.cardType }) == Set(CardType.allCases).subtracting([.physicalOnly]))
        #expect(cards.contains { $0.fingerprints.count == 2 })
        #expect(cards.contains { $0.fingerprints.count == 1 })
        #expect(cards.contains { !$0.appendedAddresses.isEmpty })
        #expect(cards.allSatisfy { $0.text.decoded.warnings.isEmpty })
        #expect(cards.map(\.name).prefix(2) == ["random-1", "random-2"])
    }
}
